package policy_test

import (
	"context"
	"testing"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

// A chain a page has read answers whether the viewer is above the person without the
// database: the nil store here would fail the test if it were asked.
func TestKnowChain(t *testing.T) {
	ctx := context.Background()
	v := &policy.Viewer{Account: access.Account{Role: store.Admin}, Person: store.Person{ID: 1}, Manager: true}
	policy.KnowChain(v, 7, []store.Person{{ID: 5}, {ID: 1}})
	policy.KnowChain(v, 8, []store.Person{{ID: 5}, {ID: 3}})
	policy.KnowChain(v, 9, nil)
	for subject, want := range map[int64]bool{7: true, 8: false, 9: false, 1: false} {
		if got, err := policy.Above(ctx, nil, v, subject); err != nil || got != want {
			t.Errorf("above %d: %v, %v; want %v", subject, got, err, want)
		}
	}
}

// Whether the viewer is above the person a route is about, read with the session, answers
// the route's rule and a page's decisions without the database (the nil store); a viewer who
// manages nobody is told nothing.
func TestKnowAbove(t *testing.T) {
	ctx := context.Background()
	manager := &policy.Viewer{Person: store.Person{ID: 1}, Manager: true}
	policy.KnowAbove(manager, 7, true)
	policy.KnowAbove(manager, 8, false)
	for subject, want := range map[int64]policy.Decision{7: policy.Allow, 8: policy.Hide} {
		if d, err := policy.Decide(ctx, nil, policy.SeePerson, manager, subject, policy.Settings{}); err != nil || d != want {
			t.Errorf("see %d: %v, %v; want %v", subject, d, err, want)
		}
	}
	member := &policy.Viewer{Person: store.Person{ID: 2}}
	policy.KnowAbove(member, 7, true) // a session's read never says so of them; were it to, it is not believed
	if got, err := policy.Above(ctx, nil, member, 7); err != nil || got {
		t.Errorf("someone who manages nobody is above %d: %v, %v", 7, got, err)
	}
}

// TestKnowReviewer: what the session's read says of the promotion panel answers whether a
// viewer reviews cases, with a nil store (which would fail the test if asked).
func TestKnowReviewer(t *testing.T) {
	ctx := context.Background()
	for _, on := range []bool{true, false} {
		v := &policy.Viewer{Person: store.Person{ID: 3}}
		policy.KnowReviewer(v, on)
		if got, err := policy.IsReviewer(ctx, nil, v); err != nil || got != on {
			t.Errorf("on the panel %v: IsReviewer %v, %v", on, got, err)
		}
		want := policy.Forbid
		if on {
			want = policy.Allow
		}
		if d, err := policy.Decide(ctx, nil, policy.ReviewCases, v, 0, policy.Settings{}); err != nil || d != want {
			t.Errorf("on the panel %v: review cases %v, %v; want %v", on, d, err, want)
		}
	}
}
