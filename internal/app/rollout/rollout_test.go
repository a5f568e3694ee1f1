package rollout

import (
	"testing"

	"github.com/rungs/rungs/internal/store"
)

func TestApplySummary(t *testing.T) {
	for _, tc := range []struct {
		name                       string
		reviewed, mapped, unmapped int
		want                       string
	}{
		{"nobody", 0, 0, 0, "No one has a proposed level yet: applying now would level no one."},
		{"nobody mapped, some not", 0, 0, 1, "No one has a proposed level yet: applying now would level no one. The 1 person not mapped stays without a level."},
		{"one reviewed", 1, 0, 0, "Applying gives 1 person the level proposed for them (reviewed by a manager)."},
		{"one mapped", 0, 1, 2, "Applying gives 1 person the level proposed for them (mapped by title; no manager has reviewed it). The 2 people not mapped stay without a level."},
		{"many reviewed", 3, 0, 0, "Applying gives 3 people the level proposed for them (a manager has reviewed each of them)."},
		{"many mapped", 0, 2, 0, "Applying gives 2 people the level proposed for them (mapped by title; no manager has reviewed any of them)."},
		{"one of many mapped", 2, 1, 0, "Applying gives 3 people the level proposed for them (1 of them mapped by title and not reviewed by a manager)."},
		{"some of many mapped", 1, 4, 3, "Applying gives 5 people the level proposed for them (4 of them mapped by title and not reviewed by a manager). The 3 people not mapped stay without a level."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := applySummary(store.TeamProgress{Reviewed: tc.reviewed, Mapped: tc.mapped, Unmapped: tc.unmapped})
			if got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}
