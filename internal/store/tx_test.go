package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rungs/rungs/internal/store"
)

func TestWithTx(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		boom := errors.New("boom")
		tests := []struct {
			name    string
			fn      func(tx *store.Store) error
			wantErr error
			kept    bool
		}{
			{"error rolls back", func(tx *store.Store) error { return boom }, boom, false},
			{"conflict rolls back", func(tx *store.Store) error {
				_, err := tx.CreatePerson(ctx, store.Person{Name: "Dup", Email: "DUP@example.com", StartDate: day("2024-01-01")})
				return err
			}, store.ErrConflict, false},
			{"nested error rolls back", func(tx *store.Store) error {
				return tx.WithTx(ctx, func(tx *store.Store) error { return boom })
			}, boom, false},
			{"nil commits", func(tx *store.Store) error { return nil }, nil, true},
		}
		for i, tt := range tests {
			email := "dup@example.com"
			if i > 0 {
				email = strings.ReplaceAll(tt.name, " ", ".") + "@example.com"
			}
			var id int64
			err := s.WithTx(ctx, func(tx *store.Store) error {
				p, err := tx.CreatePerson(ctx, store.Person{Name: tt.name, Email: email, StartDate: day("2024-01-01")})
				if err != nil {
					return err
				}
				id = p.ID
				// Reads inside the transaction see its writes.
				if _, err := tx.Person(ctx, id); err != nil {
					return err
				}
				if _, err := tx.AddLevelChange(ctx, store.LevelChange{PersonID: id, Ladder: "eng", Track: "ic", ToLevel: "L1",
					Date: day("2024-01-01"), Reason: store.Hire}); err != nil {
					return err
				}
				return tt.fn(tx)
			})
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("%s: WithTx = %v, want %v", tt.name, err, tt.wantErr)
			}
			_, err = s.Person(ctx, id)
			if tt.kept && err != nil {
				t.Errorf("%s: person not kept: %v", tt.name, err)
			}
			if !tt.kept && !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: person kept after rollback (%v)", tt.name, err)
			}
			// The first case left no person behind, so its email is free for the conflict case.
			if i == 0 {
				mustPerson(t, s, "Dup", "dup@example.com", 0)
			}
		}
		people, err := s.ListPeople(ctx, store.PeopleFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(people) != 2 {
			t.Errorf("%d people at the end, want 2 (Dup and the committed one)", len(people))
		}
	})
}

func TestWithTxPanicRollsBack(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		func() {
			defer func() { recover() }()
			s.WithTx(ctx, func(tx *store.Store) error {
				mustPerson(t, tx, "Ada", "ada@example.com", 0)
				panic("boom")
			})
		}()
		if _, err := s.PersonByEmail(ctx, "ada@example.com"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("after a panic: %v, want ErrNotFound", err)
		}
		// The connection went back to the pool: writes still work.
		mustPerson(t, s, "Ada", "ada@example.com", 0)
	})
}
