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
