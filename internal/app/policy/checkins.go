package policy

import (
	"context"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/checkins"
)

// Check-ins are the person's and the chain above them: the person and anyone above them read
// the shared notes and the action items, and anyone above them may open a check-in (a
// skip-level meeting is one too). The two who held a check-in, the person and the manager
// who opened it, keep its notes and items. A private note is its author's alone, whoever they
// are: never an admin's to read, nor another manager's. The people team sees that check-ins
// happen and when, not what was said, unless they are in the person's chain themselves.

func decideCheckIns(ctx context.Context, s *store.Store, r Rule, v *Viewer, subject int64) (Decision, error) {
	self := subject == v.Person.ID
	above, err := isAbove(ctx, s, v, subject)
	if err != nil {
		return Hide, err
	}
	switch {
	case r == HoldCheckIn && above, r == InCheckIn && (self || above), r == SeeCheckIns && (self || above || v.Admin()):
		return Allow, nil
	case r == HoldCheckIn && (self || v.Admin()):
		// They know of the check-ins, and are told this is not theirs to do.
		return Forbid, nil
	}
	return Hide, nil
}

// CheckInEditDays is how long after a check-in is written its date and shared notes can be
// put right: long enough to tidy the notes of one meeting before the next, short enough that
// what was agreed reads later as it was agreed. Action items and private notes keep changing.
const CheckInEditDays = 30

// CheckInAccess is what a viewer may see and do with one person's check-ins.
type CheckInAccess struct {
	Own   bool // the viewer is the person
	Above bool // the viewer is above the person in the reporting chain
	// Notes is reading shared notes, action items and the expectations they name; without
	// it (an admin outside the chain) only the check-ins' dates and who held them.
	Notes bool
	Hold  bool // open a new check-in with the person
}

// CheckIns says what v may see and do with subject's check-ins; above is whether v is above
// subject in the reporting chain.
func CheckIns(v *Viewer, subject int64, above bool) CheckInAccess {
	a := CheckInAccess{Own: v.Person.ID == subject, Above: above && v.Person.ID != subject}
	a.Notes = a.Own || a.Above
	a.Hold = a.Above
	return a
}

// CheckInsOf is CheckIns with the chain read from s.
func CheckInsOf(ctx context.Context, s *store.Store, v *Viewer, subject int64) (CheckInAccess, error) {
	if v == nil {
		return CheckInAccess{}, nil
	}
	above, err := isAbove(ctx, s, v, subject)
	if err != nil {
		return CheckInAccess{}, err
	}
	return CheckIns(v, subject, above), nil
}

// HeldIt reports whether v is one of the two who held c: the person, or the manager who
// opened it. They keep its action items.
func HeldIt(v *Viewer, c checkins.CheckIn) bool {
	return v.Person.ID == c.PersonID || v.Person.ID == c.ManagerID
}

// MayEditCheckIn reports whether v may change c's date and shared notes now: one of the two
// who held it, within CheckInEditDays of its writing.
func MayEditCheckIn(v *Viewer, c checkins.CheckIn, now time.Time) bool {
	return HeldIt(v, c) && now.Before(c.CreatedAt.AddDate(0, 0, CheckInEditDays))
}
