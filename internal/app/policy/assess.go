package policy

import (
	"context"

	"github.com/rungs/rungs/internal/store"
)

// Assessments are private to the person and the people above them in the reporting chain;
// the people team reads them too unless the framework says admins_read_assessments: false,
// and then sees only how far each has come. A manager's assessment reaches the person once
// it is shared; a self-assessment reaches anyone else once it is submitted.

func decideAssessment(ctx context.Context, s *store.Store, r Rule, v *Viewer, subject int64, set Settings) (Decision, error) {
	self := subject == v.Person.ID
	above, err := isAbove(ctx, s, v, subject)
	if err != nil {
		return Hide, err
	}
	// Whoever may see the assessment is told "not yours to do" for a side that is not
	// theirs; anyone else is told there is nothing there.
	sees := self || above || (v.Admin() && set.AdminsReadAssessments)
	switch {
	case r == SeeAssessment && sees:
		return Allow, nil
	case r == AssessSelf && self, r == AssessAsManager && above:
		return Allow, nil
	case r == SeeAssessment:
		return Hide, nil
	case sees || v.Admin():
		return Forbid, nil
	}
	return Hide, nil
}

// AssessmentAccess is what a viewer may see and do on one person's assessment in one cycle.
type AssessmentAccess struct {
	Own          bool // the viewer is the person
	Above        bool // the viewer is above the person in the reporting chain
	SeeSelf      bool // the person's own ratings
	SeeManager   bool // the manager's ratings
	WriteSelf    bool // rate and submit the person's side (open cycles only)
	WriteManager bool // rate, submit and share the manager's side (open cycles only)
}

// AssessmentState is where an assessment stands, as far as access depends on it.
type AssessmentState struct {
	Open, SelfSubmitted, ManagerSubmitted, Shared bool
}

// Assessment says what v may see and do on subject's assessment; above is whether v is above
// subject in the reporting chain (the route's rule has checked that v may see it at all).
func Assessment(v *Viewer, subject int64, above bool, st AssessmentState, set Settings) AssessmentAccess {
	a := AssessmentAccess{Own: v.Person.ID == subject, Above: above && v.Person.ID != subject}
	admin := v.Admin() && set.AdminsReadAssessments
	// Drafts are their author's: the person's own until submitted; the manager's are the
	// chain's, who write them together, and reach the person and admins when submitted
	// (admins) or shared (the person).
	a.SeeSelf = a.Own || ((a.Above || admin) && st.SelfSubmitted)
	a.SeeManager = a.Above || (a.Own && st.Shared) || (admin && st.ManagerSubmitted)
	a.WriteSelf = a.Own && st.Open
	a.WriteManager = a.Above && st.Open
	return a
}

// ReportScope is what a viewer's reports over a cycle cover: everyone (all) or the people
// below under; ratings says whether they may count ratings or only how far people have come.
func ReportScope(v *Viewer, set Settings) (all bool, under int64, ratings bool) {
	if v.Admin() {
		return true, 0, set.AdminsReadAssessments
	}
	return false, v.Person.ID, true
}
