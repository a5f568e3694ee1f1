package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
)

func TestLevelHistory(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		admin := mustPerson(t, s, "Admin", "admin@example.com", 0)
		p := mustPerson(t, s, "Ada", "ada@example.com", 0)
		if h, err := s.LevelHistory(ctx, p.ID); err != nil || len(h) != 0 || h == nil {
			t.Fatalf("new person's history: %#v, %v; want empty, not nil", h, err)
		}
		// The correction comes last but is dated earlier: the history keeps the order of
		// recording, and the mistaken entry stays.
		changes := []store.LevelChange{
			{Ladder: "eng", Track: "ic", ToLevel: "L2", Date: day("2024-03-01"), Reason: store.Hire},
			{Ladder: "eng", Track: "ic", ToLevel: "L4", Date: day("2025-01-01"), Reason: store.Promotion, Note: "typo", MadeBy: admin.ID},
			{Ladder: "eng", Track: "ic", ToLevel: "L3", Date: day("2025-01-01"), Reason: store.Correction, Note: "meant L3", MadeBy: admin.ID},
			{Ladder: "eng", Track: "mgr", ToLevel: "M1", Date: day("2024-12-01"), Reason: store.TrackChange, MadeBy: admin.ID},
		}
		wantFrom := []string{"", "L2", "L4", "L3"}
		var added []store.LevelChange
		for i, c := range changes {
			c.PersonID = p.ID
			got, err := s.AddLevelChange(ctx, c)
			if err != nil {
				t.Fatalf("change %d: %v", i, err)
			}
			if got.ID == 0 || got.FromLevel != wantFrom[i] || got.ToLevel != c.ToLevel || got.Reason != c.Reason ||
				got.MadeBy != c.MadeBy || got.Note != c.Note || !got.Date.Equal(c.Date) || got.CreatedAt.IsZero() {
				t.Errorf("change %d stored as %+v", i, got)
			}
			added = append(added, got)
		}
		history, err := s.LevelHistory(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(history) != len(added) {
			t.Fatalf("history has %d entries, want %d", len(history), len(added))
		}
		for i := range added {
			if history[i] != added[i] {
				t.Errorf("history[%d] = %+v, want %+v", i, history[i], added[i])
			}
		}
		now, err := s.Person(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.Ladder != "eng" || now.Track != "mgr" || now.Level != "M1" {
			t.Errorf("current level %s/%s/%s, want eng/mgr/M1", now.Ladder, now.Track, now.Level)
		}
		// Updating the person leaves both the level and the history alone.
		now.Name = "Ada L"
		if _, err := s.UpdatePerson(ctx, now); err != nil {
			t.Fatal(err)
		}
		again, _ := s.LevelHistory(ctx, p.ID)
		if len(again) != len(added) || again[0] != added[0] {
			t.Errorf("history changed by an update: %+v", again)
		}
	})
}

// The names of who made a person's level changes are read with the history, in the same
// statement, each change once whoever made it, and none for a history no one made (an
// import's).
func TestReadLevelHistoryAuthors(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		admin := mustPerson(t, s, "Admin", "admin@example.com", 0)
		lead := mustPerson(t, s, "Lead", "lead@example.com", 0)
		ada := mustPerson(t, s, "Ada", "ada@example.com", 0)
		bo := mustPerson(t, s, "Bo", "bo@example.com", 0)
		for _, c := range []store.LevelChange{
			{PersonID: ada.ID, Ladder: "eng", ToLevel: "L2", Date: day("2024-03-01"), Reason: store.Hire},
			{PersonID: ada.ID, Ladder: "eng", ToLevel: "L3", Date: day("2025-01-01"), Reason: store.Promotion, MadeBy: admin.ID},
			{PersonID: ada.ID, Ladder: "eng", ToLevel: "L4", Date: day("2025-06-01"), Reason: store.Promotion, MadeBy: lead.ID},
			{PersonID: ada.ID, Ladder: "eng", ToLevel: "L3", Date: day("2025-06-01"), Reason: store.Correction, MadeBy: admin.ID},
			{PersonID: bo.ID, Ladder: "eng", ToLevel: "L2", Date: day("2024-03-01"), Reason: store.Hire},
		} {
			if _, err := s.AddLevelChange(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		for _, who := range []struct {
			p       store.Person
			changes int
			want    map[int64]string
		}{
			{ada, 4, map[int64]string{admin.ID: "Admin", lead.ID: "Lead"}},
			{bo, 1, map[int64]string{}},
		} {
			r := s.Reads()
			var history []store.LevelChange
			authors := map[int64]string{}
			store.ReadLevelHistory(r, who.p.ID, &history, authors)
			if err := r.Run(ctx); err != nil {
				t.Fatal(err)
			}
			if len(history) != who.changes {
				t.Errorf("%s's level history: %d changes, want %d", who.p.Name, len(history), who.changes)
			}
			if len(authors) != len(who.want) || authors[admin.ID] != who.want[admin.ID] || authors[lead.ID] != who.want[lead.ID] {
				t.Errorf("who made %s's level changes: %v, want %v", who.p.Name, authors, who.want)
			}
		}
	})
}

func TestLevelChangeErrors(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		p := mustPerson(t, s, "Ada", "ada@example.com", 0)
		ok := store.LevelChange{PersonID: p.ID, Ladder: "eng", Track: "ic", ToLevel: "L2", Date: day("2024-03-01"), Reason: store.Hire}
		tests := []struct {
			name   string
			change func(c *store.LevelChange)
			want   error // nil: a validation error
		}{
			{"unknown person", func(c *store.LevelChange) { c.PersonID = 9999 }, store.ErrNotFound},
			{"unknown maker (foreign key)", func(c *store.LevelChange) { c.MadeBy = 9999 }, store.ErrConflict},
			{"bad reason", func(c *store.LevelChange) { c.Reason = "whim" }, nil},
			{"no level", func(c *store.LevelChange) { c.ToLevel = " " }, nil},
			{"no date", func(c *store.LevelChange) { c.Date = time.Time{} }, nil},
		}
		for _, tt := range tests {
			c := ok
			tt.change(&c)
			_, err := s.AddLevelChange(ctx, c)
			checkFailure(t, tt.name, err, tt.want)
		}
		// A failed change leaves neither a history entry nor a new current level.
		if h, err := s.LevelHistory(ctx, p.ID); err != nil || len(h) != 0 {
			t.Errorf("history after failures: %+v, %v", h, err)
		}
		if got, _ := s.Person(ctx, p.ID); got.Level != "" {
			t.Errorf("level %q after failures", got.Level)
		}
		if _, err := s.LevelHistory(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("history of nobody: %v, want ErrNotFound", err)
		}
	})
}
