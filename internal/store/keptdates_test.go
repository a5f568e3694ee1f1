package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/checkins"
)

// The dates people's rows keep for their manager's home (0018: level_since, last_checkin)
// are those their level history and check-ins give, after every way of writing them: a
// rollout, an import that levels new people, level changes (a change of track does not
// count), check-ins made and moved to another date.
func TestKeptDatesFollowTheirHistory(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st := makeStaff(t, s)
		r := mustRollout(t, s, st["Grace"].ID)
		mapStaff(t, s, r.ID, st)
		if _, err := s.ApplyRollout(ctx, r.ID, st["Grace"].ID, day("2025-02-03")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportPeople(ctx, bulkRows("i", 30), st["Grace"].ID); err != nil {
			t.Fatal(err)
		}
		ada := st["Ada"].ID
		for _, c := range []store.LevelChange{
			{PersonID: ada, Ladder: "eng", Track: "ic", ToLevel: "L3", Date: day("2025-06-02"), Reason: store.Promotion},
			{PersonID: ada, Ladder: "eng", Track: "mgr", ToLevel: "L3", Date: day("2025-09-01"), Reason: store.TrackChange},
		} {
			if _, err := s.AddLevelChange(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		known := func(string) bool { return true }
		var last checkins.CheckIn
		for _, held := range []string{"2026-01-05", "2026-01-19"} {
			var err error
			if last, err = checkins.CreateCheckIn(ctx, s, checkins.CheckIn{PersonID: ada, ManagerID: st["Grace"].ID, HeldOn: day(held)}, known); err != nil {
				t.Fatal(err)
			}
		}
		last.HeldOn = day("2025-12-01") // moved before the other: that one is the last now
		if _, err := checkins.UpdateCheckIn(ctx, s, last, st["Grace"].ID, known); err != nil {
			t.Fatal(err)
		}

		type dates struct{ since, checkIn time.Time }
		kept, want := map[int64]dates{}, map[int64]dates{}
		rows, err := s.Query(ctx, `SELECT id, level_since, last_checkin,
			(SELECT max(h.date) FROM level_history h WHERE h.person_id = people.id AND h.from_level <> h.to_level),
			(SELECT max(c.held_on) FROM checkins c WHERE c.person_id = people.id)
			FROM people`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			var k, w dates
			if err := rows.Scan(&id, store.Time(&k.since), store.Time(&k.checkIn), store.Time(&w.since), store.Time(&w.checkIn)); err != nil {
				t.Fatal(err)
			}
			kept[id], want[id] = k, w
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if len(kept) != 9+30 {
			t.Fatalf("read %d people, want 39", len(kept))
		}
		for id, w := range want {
			if k := kept[id]; !k.since.Equal(w.since) || !k.checkIn.Equal(w.checkIn) {
				t.Errorf("person %d keeps %+v, their history gives %+v", id, k, w)
			}
		}
		// And the history gives what happened.
		imported := func(i int) int64 { return mustEmail(t, s, "i"+string(rune('0'+i))+"@example.com").ID }
		for _, tc := range []struct {
			name string
			id   int64
			want dates
		}{
			{"promoted, then a change of track", ada, dates{day("2025-06-02"), day("2026-01-05")}},
			{"levelled by the rollout", st["Bob"].ID, dates{since: day("2025-02-03")}},
			{"hired on their level", st["Grace"].ID, dates{since: day("2023-01-01")}},
			{"not levelled", st["Dee"].ID, dates{}},
			{"imported on a level", imported(3), dates{since: day("2024-01-01")}},
			{"imported without one", imported(1), dates{}},
		} {
			if k := kept[tc.id]; !k.since.Equal(tc.want.since) || !k.checkIn.Equal(tc.want.checkIn) {
				t.Errorf("%s: %+v, want %+v", tc.name, k, tc.want)
			}
		}
	})
}
