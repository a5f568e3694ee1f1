package web

import (
	"slices"
	"strings"
)

// labels are the words people read for the codes the app records: the actions of the audit
// log, the reasons of level changes, and where a rollout proposal or an assessment stands.
// They are in one map so that a code reads the same on every page that shows it; exports
// and the API keep the codes, which scripts match on.
var labels = map[string]string{
	// Reasons for a level change.
	"hire":         "Hire",
	"promotion":    "Promotion",
	"correction":   "Correction",
	"track-change": "Track change",
	"rollout":      "Rollout",

	// Where a person stands in the rollout (store.ProposalStatus), in the review page's words.
	"unmapped": "No proposal",
	"mapped":   "Not reviewed yet",
	"reviewed": "Reviewed",

	// Where an assessment stands (AssessmentStatus in internal/store/assess).
	"not-started":       "Not started",
	"self-submitted":    "Self submitted",
	"manager-submitted": "Manager submitted",
	"shared":            "Shared",
	"acknowledged":      "Acknowledged",

	// Where a growth plan's goal stands (growth.GoalStatus; "not-started" as above).
	"in-progress": "In progress",
	"done":        "Done",
	"dropped":     "Dropped",

	// Where a promotion case stands (growth.CaseStatus).
	"draft":     "Draft",
	"submitted": "With the reviewers",
	"approved":  "Approved",
	"not-yet":   "Not yet",

	// The two sides of an assessment (Side in internal/store/assess), as an amendment names
	// the one it changed.
	"self":    "Self-assessment",
	"manager": "Manager's assessment",

	// Whether someone still works here (store.Status).
	"active": "Active",
	"left":   "Left",

	// Account roles (store.Role).
	"admin":  "Admin",
	"member": "Member",

	// Audit log actions.
	"account.create":            "Account created",
	"account.role":              "Role changed",
	"api":                       "API request",
	"assessment.acknowledge":    "Assessment acknowledged",
	"assessment.export":         "Assessment downloaded",
	"assessment.manager.amend":  "Manager's assessment amended",
	"assessment.manager.draft":  "Manager's assessment draft saved",
	"assessment.manager.submit": "Manager's assessment submitted",
	"assessment.self.amend":     "Self-assessment amended",
	"assessment.self.draft":     "Self-assessment draft saved",
	"assessment.self.import":    "Self-assessment uploaded",
	"assessment.self.submit":    "Self-assessment submitted",
	"assessment.share":          "Assessment shared",
	"assessment.view":           "Assessment viewed",
	"audit.view":                "Audit log viewed",
	"checkin.create":            "Check-in written",
	"checkin.item.add":          "Check-in action item added",
	"checkin.item.done":         "Check-in action item done",
	"checkin.item.reopen":       "Check-in action item opened again",
	"checkin.private-note":      "Private note on a check-in kept",
	"checkin.update":            "Check-in notes changed",
	"checkin.view":              "Check-in viewed",
	"checkins.view":             "Check-ins viewed",
	"case.comment":              "Promotion case commented on",
	"case.decide":               "Promotion case decided",
	"case.feedback-goal":        "Promotion feedback made a goal",
	"case.open":                 "Promotion case opened",
	"case.save":                 "Promotion case draft saved",
	"case.submit":               "Promotion case submitted",
	"case.view":                 "Promotion case viewed",
	"cases.review-list":         "Cases to review viewed",
	"cases.view":                "Promotion cases viewed",
	"goal.add":                  "Goal added to a plan",
	"goal.update":               "Goal of a plan changed",
	"panel.add":                 "Put on the promotion panel",
	"panel.remove":              "Taken off the promotion panel",
	"plan.agree":                "Growth plan agreed",
	"plan.save":                 "Growth plan target set",
	"plan.view":                 "Growth plan viewed",
	"cycle.close":               "Cycle closed",
	"cycle.list":                "Cycle's people viewed",
	"cycle.open":                "Cycle opened",
	"cycle.report":              "Cycle report viewed",
	"cycle.calibration":         "Calibration viewed",
	"export":                    "Export downloaded",
	"home.team":                 "Team viewed on the home page",
	"level.change":              "Level change",
	"link.create":               "Sign-in link made",
	"login":                     "Signed in",
	"login.failed":              "Sign-in failed",
	"login.throttled":           "Sign-in slowed down",
	"logout":                    "Signed out",
	"password.change":           "Password changed",
	"password.reset":            "Password set from a link",
	"people.import":             "People imported",
	"people.list":               "People list viewed",
	"person.create":             "Person added",
	"person.update":             "Person edited",
	"person.view":               "Person viewed",
	"rollout.apply":             "Rollout applied",
	"rollout.discard":           "Rollout discarded",
	"rollout.list":              "Rollout review viewed",
	"rollout.review":            "Rollout proposal reviewed",
	"rollout.rules":             "Rollout mapping saved",
	"sessions.end":              "Other sessions ended",
	"token.create":              "API token made",
	"token.revoke":              "API token revoked",
	"two-factor.off":            "Two-factor sign-in turned off",
	"two-factor.on":             "Two-factor sign-in turned on",
	"two-factor.recovery-codes": "Recovery codes made",
	"two-factor.reset":          "Two-factor sign-in reset",
}

// Label is the words for a code the app records (an audit action, a level change's reason, a
// status);
// a code it has no words for is shown as it is.
func Label(code string) string {
	if l, ok := labels[code]; ok {
		return l
	}
	return code
}

// Choice is one option of a picker: the value sent and the words shown.
type Choice struct {
	Value, Label string
}

// AuditActions lists every audit action the app records, for a picker, ordered by its words.
func AuditActions() []Choice {
	var out []Choice
	for code, label := range labels {
		if slices.Contains(notActions, code) {
			continue
		}
		out = append(out, Choice{Value: code, Label: label})
	}
	slices.SortFunc(out, func(a, b Choice) int { return strings.Compare(a.Label, b.Label) })
	return out
}

// notActions are the codes in labels that are not audit actions.
var notActions = []string{"hire", "promotion", "correction", "track-change", "rollout",
	"unmapped", "mapped", "reviewed", "not-started", "self-submitted", "manager-submitted", "shared", "acknowledged",
	"in-progress", "done", "dropped", "draft", "submitted", "approved", "not-yet",
	"self", "manager", "active", "left", "admin", "member"}
