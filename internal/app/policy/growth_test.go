package policy_test

import (
	"testing"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
	"github.com/rungs/rungs/internal/store/growth"
)

// Who may do what with a promotion case, at each step: the chain argues, others judge, and the
// person learns the outcome.
func TestCaseAccess(t *testing.T) {
	const person, opener = 1, 2
	viewer := func(id int64, admin bool) *policy.Viewer {
		v := &policy.Viewer{Account: access.Account{Role: store.Member}, Person: store.Person{ID: id}}
		if admin {
			v.Account.Role = store.Admin
		}
		return v
	}
	type want struct{ read, packet, write, comment, decide, outcome, toGoals bool }
	tests := []struct {
		name            string
		v               *policy.Viewer
		above, reviewer bool
		status          growth.CaseStatus
		want            want
	}{
		{"the opener, draft", viewer(opener, false), true, false, growth.Draft, want{read: true, packet: true, write: true}},
		{"another manager above, draft", viewer(3, false), true, false, growth.Draft, want{read: true, packet: true, write: true}},
		{"the person, draft", viewer(person, false), false, false, growth.Draft, want{}},
		{"an admin, draft", viewer(4, true), false, true, growth.Draft, want{}},
		{"the person, submitted", viewer(person, false), false, false, growth.Submitted, want{read: true}},
		{"the opener, submitted", viewer(opener, false), true, false, growth.Submitted, want{read: true, packet: true, comment: true}},
		{"an admin, submitted", viewer(4, true), false, true, growth.Submitted, want{read: true, packet: true, comment: true, decide: true}},
		{"a panel member, submitted", viewer(5, false), false, true, growth.Submitted, want{read: true, packet: true, comment: true, decide: true}},
		{"an admin above the person", viewer(6, true), true, true, growth.Submitted, want{read: true, packet: true, comment: true}},
		{"an admin who opened it", viewer(opener, true), true, true, growth.Submitted, want{read: true, packet: true, comment: true}},
		{"the person on the panel", viewer(person, false), false, true, growth.Submitted, want{read: true}},
		{"a peer", viewer(7, false), false, false, growth.Submitted, want{}},
		{"the person, not yet", viewer(person, false), false, false, growth.NotYet, want{read: true, outcome: true, toGoals: true}},
		{"the opener, not yet", viewer(opener, false), true, false, growth.NotYet, want{read: true, packet: true, outcome: true, toGoals: true}},
		{"an admin, approved", viewer(4, true), false, true, growth.Approved, want{read: true, packet: true, outcome: true}},
		{"the person, approved", viewer(person, false), false, false, growth.Approved, want{read: true, outcome: true}},
	}
	for _, tt := range tests {
		a := policy.Case(tt.v, growth.Case{PersonID: person, OpenedBy: opener, Status: tt.status}, tt.above, tt.reviewer)
		got := want{a.Read, a.Packet, a.Write, a.Comment, a.Decide, a.Outcome, a.ToGoals}
		if got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// A plan is the person's and their chain's to write and agree; the people team reads it.
func TestPlanAccess(t *testing.T) {
	self := &policy.Viewer{Account: access.Account{Role: store.Member}, Person: store.Person{ID: 1}}
	mgr := &policy.Viewer{Account: access.Account{Role: store.Member}, Person: store.Person{ID: 2}, Manager: true}
	admin := &policy.Viewer{Account: access.Account{Role: store.Admin}, Person: store.Person{ID: 3}}
	peer := &policy.Viewer{Account: access.Account{Role: store.Member}, Person: store.Person{ID: 4}}
	for _, tt := range []struct {
		name  string
		v     *policy.Viewer
		above bool
		want  policy.PlanAccess
	}{
		{"self", self, false, policy.PlanAccess{Own: true, Read: true, Write: true, AgreeAsPerson: true}},
		{"manager", mgr, true, policy.PlanAccess{Above: true, Read: true, Write: true, AgreeAsManager: true}},
		{"admin", admin, false, policy.PlanAccess{Read: true}},
		{"peer", peer, false, policy.PlanAccess{}},
	} {
		if got := policy.Plan(tt.v, 1, tt.above); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
