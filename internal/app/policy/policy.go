// Package policy decides who may see or do what in the people app. Every such decision is
// made here: handlers never check roles themselves. A route names its rule (the route table
// in package app), and lists ask Scope for theirs.
package policy

import (
	"context"
	"slices"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

// Viewer is the person signed in, or nil for nobody.
type Viewer struct {
	Account access.Account
	Person  store.Person
	// Manager is true when someone reports to them directly.
	Manager bool
	// Session is the session's cookie value, kept to derive the CSRF token and to sign out.
	Session string
	// SignedInWith is how the session was opened.
	SignedInWith access.SignInMethod

	// above and reviewer remember what was read of the reporting chain and the promotion
	// panel for this viewer, who serves one request: a person's page asks whether the
	// viewer is above them for the route, the check-ins, the plan, the cases and the
	// assessments, and the chain is read once.
	above    map[int64]bool
	reviewer *bool
}

// Admin reports whether the viewer is on the people team.
func (v *Viewer) Admin() bool { return v != nil && v.Account.Role == store.Admin }

// Rule is who may use a route.
type Rule int

// The rules a route can name.
const (
	Anyone          Rule = iota + 1 // signed in or not
	OwnAccount                      // any account, even an admin who must turn two-factor on first
	SignedIn                        // any account
	Managers                        // someone with reports, or an admin
	Admins                          // the people team
	SeePerson                       // the person {id}: themselves, anyone above them in the chain, an admin
	ReviewPerson                    // the rollout proposal of {id}: anyone above them in the chain, an admin
	SeeAssessment                   // {id}'s assessment: themselves, anyone above them, admins unless the framework says not
	AssessSelf                      // {id}'s own side of their assessment: themselves alone
	AssessAsManager                 // the manager's side of {id}'s assessment: anyone above them in the chain
	SeeCheckIns                     // the list of {id}'s check-ins: themselves, anyone above them; admins the dates alone
	HoldCheckIn                     // open a check-in with {id}: anyone above them in the chain
	InCheckIn                       // one of {id}'s check-ins, its notes and items: themselves, anyone above them
	SeePlan                         // {id}'s growth plan: themselves, anyone above them, an admin
	WritePlan                       // change {id}'s growth plan and agree to it: themselves, anyone above them
	SeeCases                        // {id}'s promotion cases: themselves, anyone above them, reviewers (each case says more: Case)
	OpenCase                        // open a promotion case for {id}: anyone above them in the chain
	ReviewCases                     // the cases waiting for review: admins and the promotion panel
)

// Settings are what the framework and the operator say about who sees and does what.
type Settings struct {
	// AdminsReadAssessments is the framework's admins_read_assessments (true unless false).
	AdminsReadAssessments bool
	// AdminsNeedSecondFactor makes the people team sign in with a second factor: an admin
	// signed in with a password alone may only turn two-factor on (serve --admin-two-factor).
	AdminsNeedSecondFactor bool
	// PasswordsOff makes everyone sign in through the company's identity provider: no
	// password signs in, none is set or changed (serve --sso-only).
	PasswordsOff bool
}

// PasswordsAllowed reports whether passwords sign in, and may be set, changed or reset.
func PasswordsAllowed(set Settings) bool { return !set.PasswordsOff }

// RoleFromGroups is the role the identity provider's groups give, and whether they decide
// it at all: only when the operator names an admin group, which then makes the people team
// exactly its members (someone taken out of the group is a member at their next sign-in).
func RoleFromGroups(adminGroup string, groups []string) (store.Role, bool) {
	if adminGroup == "" {
		return "", false
	}
	for _, g := range groups {
		if g == adminGroup {
			return store.Admin, true
		}
	}
	return store.Member, true
}

// Above reports whether v is above subject in the reporting chain, as the rules decide it
// (read once per request).
func Above(ctx context.Context, s *store.Store, v *Viewer, subject int64) (bool, error) {
	return isAbove(ctx, s, v, subject)
}

// ReadAbove adds to r the read of whether v is above subject in the reporting chain, which
// the policy then knows (as KnowChain tells it), for a page that sends its reads at once.
func ReadAbove(r *store.Reads, v *Viewer, subject int64) {
	if !mayBeAbove(v, subject) {
		return
	}
	if _, ok := v.above[subject]; ok {
		return
	}
	var above bool
	store.ReadManages(r, v.Person.ID, subject, &above)
	r.Then(func() { v.knowAbove(subject, above) })
}

// KnowAbove tells the policy whether v is above subject, as the request has just read it
// with the session (access.SignedInBy), so that it is not asked of the database again.
func KnowAbove(v *Viewer, subject int64, above bool) {
	if mayBeAbove(v, subject) {
		v.knowAbove(subject, above)
	}
}

// KnowChain tells the policy the managers above subject, as a page has just read them, so
// that whether v is above subject is answered from them rather than asked of the database.
func KnowChain(v *Viewer, subject int64, chain []store.Person) {
	if mayBeAbove(v, subject) {
		v.knowAbove(subject, slices.ContainsFunc(chain, func(p store.Person) bool { return p.ID == v.Person.ID }))
	}
}

// isAbove reports whether v is above subject in the reporting chain. Only a manager can be,
// so only a manager's chain is read.
func isAbove(ctx context.Context, s *store.Store, v *Viewer, subject int64) (bool, error) {
	if !mayBeAbove(v, subject) {
		return false, nil
	}
	if above, ok := v.above[subject]; ok {
		return above, nil
	}
	above, err := s.Manages(ctx, v.Person.ID, subject)
	if err != nil {
		return false, err
	}
	v.knowAbove(subject, above)
	return above, nil
}

// mayBeAbove reports whether v can be above subject at all: only a manager, and never above
// themselves. For anyone else nothing is read.
func mayBeAbove(v *Viewer, subject int64) bool { return v.Manager && v.Person.ID != subject }

// knowAbove keeps, for the request, whether v is above subject.
func (v *Viewer) knowAbove(subject int64, above bool) {
	if v.above == nil {
		v.above = map[int64]bool{}
	}
	v.above[subject] = above
}

// Decision is the outcome of a rule.
type Decision int

// The outcomes of a rule.
const (
	Allow            Decision = iota
	NeedLogin                 // nobody is signed in
	Forbid                    // signed in, but this is not theirs to do
	Hide                      // signed in, and the person is not theirs to see: answered as not found
	NeedSecondFactor          // an admin signed in with a password alone, where the operator requires more
)

// Decide applies rule r for viewer v; subject is the {id} of the route, or 0. The reporting
// chain is read from s; set is what the framework and the operator say.
func Decide(ctx context.Context, s *store.Store, r Rule, v *Viewer, subject int64, set Settings) (Decision, error) {
	if r == Anyone {
		return Allow, nil
	}
	if v == nil {
		return NeedLogin, nil
	}
	if r != OwnAccount && MustEnrol(set, v) {
		return NeedSecondFactor, nil
	}
	switch r {
	case OwnAccount, SignedIn:
		return Allow, nil
	case Managers:
		if v.Admin() || v.Manager {
			return Allow, nil
		}
		return Forbid, nil
	case Admins:
		if v.Admin() {
			return Allow, nil
		}
		return Forbid, nil
	case SeePerson, ReviewPerson:
		if v.Admin() || (r == SeePerson && subject == v.Person.ID) {
			return Allow, nil
		}
		above, err := isAbove(ctx, s, v, subject)
		if err != nil || !above {
			return Hide, err
		}
		return Allow, nil
	case SeeAssessment, AssessSelf, AssessAsManager:
		return decideAssessment(ctx, s, r, v, subject, set)
	case SeeCheckIns, HoldCheckIn, InCheckIn:
		return decideCheckIns(ctx, s, r, v, subject)
	case SeePlan, WritePlan, SeeCases, OpenCase, ReviewCases:
		return decideGrowth(ctx, s, r, v, subject)
	}
	return Forbid, nil
}

// MustEnrol reports whether v may do nothing but turn two-factor on (and sign out): an
// admin signed in without a second factor when the operator requires one.
func MustEnrol(set Settings, v *Viewer) bool {
	return set.AdminsNeedSecondFactor && !set.PasswordsOff && v.Admin() && !v.SignedInWith.SecondFactor()
}

// MayTurnOffSecondFactor reports whether v may turn their own two-factor off: not an admin
// when the operator requires it of admins.
func MayTurnOffSecondFactor(set Settings, v *Viewer) bool {
	return !(set.AdminsNeedSecondFactor && v.Admin())
}

// ScopeAllows reports whether an API token of scope may use a route: a read token only
// routes that change nothing, a write token any (within what its holder may do).
func ScopeAllows(scope access.TokenScope, changes bool) bool {
	return scope == access.WriteScope || (scope == access.ReadScope && !changes)
}

// MayManageServiceTokens reports whether v may make and revoke service tokens, which act
// as the people team: only the people team.
func MayManageServiceTokens(v *Viewer) bool { return v.Admin() }

// MayRevokeToken reports whether v may revoke a token of kind, of account (0 for a service
// token): their own personal token, or a service token for the people team.
func MayRevokeToken(v *Viewer, kind access.TokenKind, account int64) bool {
	if kind == access.ServiceToken {
		return MayManageServiceTokens(v)
	}
	return account == v.Account.ID
}

// Scope is which people a viewer's lists hold: everyone for an admin, otherwise the people
// below them in the chain (and, for the people list, themselves).
func Scope(v *Viewer) (all bool, under int64) {
	if v.Admin() {
		return true, 0
	}
	return false, v.Person.ID
}

// AuditsRead reports whether showing person to v is a read of someone else's record, which
// the audit log keeps.
func AuditsRead(v *Viewer, person int64) bool { return v != nil && v.Person.ID != person }

// AuditsList reports whether showing v a list of people is a read the audit log keeps: one
// that can hold others than v (everyone, for an admin; their reports, for a manager).
func AuditsList(v *Viewer) bool { return v != nil && (v.Admin() || v.Manager) }
