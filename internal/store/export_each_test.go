package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/rungs/rungs/internal/store"
)

func TestEachPersonAndLevelChange(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		// Names against the id order, so that ordering by id shows.
		var people []store.Person
		for _, name := range []string{"Zoe", "Ada", "Mia"} {
			people = append(people, mustPerson(t, s, name, name+"@example.com", 0))
		}
		var changes []store.LevelChange
		for _, c := range []store.LevelChange{
			{PersonID: people[2].ID, Ladder: "eng", Track: "ic", ToLevel: "L1", Date: day("2024-01-01"), Reason: store.Hire},
			{PersonID: people[0].ID, Ladder: "eng", Track: "ic", ToLevel: "L2", Date: day("2024-01-01"), Reason: store.Hire},
			{PersonID: people[2].ID, Ladder: "eng", Track: "ic", ToLevel: "L2", Date: day("2025-01-01"), Reason: store.Promotion},
		} {
			added, err := s.AddLevelChange(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			changes = append(changes, added)
		}
		// Read back after the changes, which set the current levels.
		for i, p := range people {
			people[i], _ = s.Person(ctx, p.ID)
		}
		var gotPeople []store.Person
		if err := s.EachPerson(ctx, func(p store.Person) error { gotPeople = append(gotPeople, p); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(gotPeople) != len(people) {
			t.Fatalf("EachPerson gave %d people, want %d", len(gotPeople), len(people))
		}
		for i := range people {
			if gotPeople[i] != people[i] {
				t.Errorf("EachPerson #%d = %+v, want %+v", i, gotPeople[i], people[i])
			}
		}
		var gotChanges []store.LevelChange
		if err := s.EachLevelChange(ctx, func(c store.LevelChange) error { gotChanges = append(gotChanges, c); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(gotChanges) != len(changes) {
			t.Fatalf("EachLevelChange gave %d changes, want %d", len(gotChanges), len(changes))
		}
		for i := range changes {
			if gotChanges[i] != changes[i] {
				t.Errorf("EachLevelChange #%d = %+v, want %+v", i, gotChanges[i], changes[i])
			}
		}
		// The function's error stops the walk and comes back as it is.
		stop := errors.New("stop")
		calls := 0
		if err := s.EachPerson(ctx, func(store.Person) error { calls++; return stop }); err != stop || calls != 1 {
			t.Errorf("EachPerson = %v after %d calls, want stop after 1", err, calls)
		}
		calls = 0
		if err := s.EachLevelChange(ctx, func(store.LevelChange) error { calls++; return stop }); err != stop || calls != 1 {
			t.Errorf("EachLevelChange = %v after %d calls, want stop after 1", err, calls)
		}
	})
}
