package policy

import (
	"context"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/growth"
)

// A growth plan is the person's and their chain's: they write it together, and each side
// agrees to it. The people team reads plans, to see that everyone has one and how they go,
// and writes none: a plan is agreed in a 1:1, not set from outside.
//
// A promotion case is written by the chain above the person and decided by reviewers: the
// people team and the promotion panel, people an admin names. Nobody in the person's chain
// decides it, nor the person, nor whoever opened it, even when they are reviewers too: the
// chain argues, others judge. A draft is the chain's alone; reviewers see a case once it is
// submitted. The person learns where their case stands, and once it is decided, the
// decision, its reasons and the feedback; the argument and the reviewers' comments stay
// with those who wrote and weighed them. A case shows the shared notes of the check-ins its
// writer chose and submitted assessments; private notes are in no case.

func decideGrowth(ctx context.Context, s *store.Store, r Rule, v *Viewer, subject int64) (Decision, error) {
	self := subject == v.Person.ID
	above, err := isAbove(ctx, s, v, subject)
	if err != nil {
		return Hide, err
	}
	// Whether v reviews cases is asked of the database (the panel) only when the rules below
	// turn on it: a person's own page, or their manager's view of it, asks no more.
	reviewer := false
	if r == ReviewCases || ((r == SeeCases || r == OpenCase) && !self && !above) {
		if reviewer, err = IsReviewer(ctx, s, v); err != nil {
			return Hide, err
		}
	}
	switch r {
	case SeePlan:
		if self || above || v.Admin() {
			return Allow, nil
		}
	case WritePlan:
		if self || above {
			return Allow, nil
		}
		if v.Admin() {
			return Forbid, nil
		}
	case SeeCases:
		if self || above || reviewer {
			return Allow, nil
		}
	case OpenCase:
		if above {
			return Allow, nil
		}
		if self || reviewer {
			return Forbid, nil
		}
	case ReviewCases:
		if reviewer {
			return Allow, nil
		}
		return Forbid, nil
	}
	return Hide, nil
}

// IsReviewer reports whether v reviews promotion cases: on the people team, or on the
// promotion panel.
func IsReviewer(ctx context.Context, s *store.Store, v *Viewer) (bool, error) {
	if v == nil {
		return false, nil
	}
	if v.Admin() {
		return true, nil
	}
	if v.reviewer != nil {
		return *v.reviewer, nil
	}
	on, err := growth.OnPanel(ctx, s, v.Person.ID)
	if err != nil {
		return false, err
	}
	v.reviewer = &on
	return on, nil
}

// Reviews reports whether v reviews promotion cases as far as the request knows it, without
// asking the database: for an admin, or when KnowReviewer was told. It is for what a page
// reads before its viewer is known (web.Seen); what a viewer may do asks IsReviewer.
func Reviews(v *Viewer) bool { return v.Admin() || v.reviewer != nil && *v.reviewer }

// KnowReviewer tells the policy whether v is on the promotion panel, as the request has just
// read it with the session (access.SignedInBy): a person's own page and the access to a
// promotion case turn on it, and asked of the database it was a round trip of its own.
func KnowReviewer(v *Viewer, onPanel bool) { v.reviewer = &onPanel }

// PlanAccess is what a viewer may see and do with one person's growth plan.
type PlanAccess struct {
	Own   bool // the viewer is the person
	Above bool // the viewer is above the person in the reporting chain
	Read  bool
	// Write is setting the target and adding and changing goals.
	Write bool
	// AgreeAsPerson and AgreeAsManager are the two agreements a plan needs.
	AgreeAsPerson, AgreeAsManager bool
}

// Plan says what v may see and do with subject's plan; above is whether v is above subject
// in the reporting chain.
func Plan(v *Viewer, subject int64, above bool) PlanAccess {
	a := PlanAccess{Own: v.Person.ID == subject, Above: above && v.Person.ID != subject}
	a.Read = a.Own || a.Above || v.Admin()
	a.Write = a.Own || a.Above
	a.AgreeAsPerson, a.AgreeAsManager = a.Own, a.Above
	return a
}

// PlanOf is Plan with the chain read from s.
func PlanOf(ctx context.Context, s *store.Store, v *Viewer, subject int64) (PlanAccess, error) {
	if v == nil {
		return PlanAccess{}, nil
	}
	above, err := isAbove(ctx, s, v, subject)
	if err != nil {
		return PlanAccess{}, err
	}
	return Plan(v, subject, above), nil
}

// CaseAccess is what a viewer may see and do with one promotion case.
type CaseAccess struct {
	Own      bool // the viewer is the person
	Above    bool // the viewer is above the person in the reporting chain
	Reviewer bool // the viewer reviews cases (and the case is not about them)
	Read     bool // that the case exists, its target and where it stands
	// Packet is the argument, the evidence compiled for it and the reviewers' comments.
	Packet bool
	// Write is changing a draft's argument and evidence, and submitting it.
	Write   bool
	Comment bool
	Decide  bool
	// Outcome is a decided case's decision, reasons and feedback.
	Outcome bool
	// ToGoals is turning a "not yet"'s feedback into goals of the person's plan.
	ToGoals bool
}

// Case says what v may see and do with case c; above is whether v is above its person in
// the reporting chain, reviewer whether v reviews cases (IsReviewer).
func Case(v *Viewer, c growth.Case, above, reviewer bool) CaseAccess {
	own := v.Person.ID == c.PersonID
	a := CaseAccess{Own: own, Above: above && !own, Reviewer: reviewer && !own}
	draft, submitted, decided := c.Status == growth.Draft, c.Status == growth.Submitted, c.Status.Decided()
	a.Packet = a.Above || (a.Reviewer && !draft)
	a.Read = a.Packet || (own && !draft)
	a.Write = a.Above && draft
	a.Comment = a.Packet && submitted
	a.Decide = a.Reviewer && !a.Above && c.OpenedBy != v.Person.ID && submitted
	a.Outcome = a.Read && decided
	a.ToGoals = (own || a.Above) && c.Status == growth.NotYet
	return a
}

// CaseOf is Case with the chain and the panel read from s.
func CaseOf(ctx context.Context, s *store.Store, v *Viewer, c growth.Case) (CaseAccess, error) {
	if v == nil {
		return CaseAccess{}, nil
	}
	above, err := isAbove(ctx, s, v, c.PersonID)
	if err != nil {
		return CaseAccess{}, err
	}
	reviewer, err := IsReviewer(ctx, s, v)
	if err != nil {
		return CaseAccess{}, err
	}
	return Case(v, c, above, reviewer), nil
}
