package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/rungs/rungs/internal/store"
)

func TestCreateAndReadPerson(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		boss := mustPerson(t, s, "Grace", "grace@example.com", 0)
		p, err := s.CreatePerson(ctx, store.Person{Name: " Ada ", Email: "Ada@Example.com", Title: " Software Engineer\t",
			ManagerID: boss.ID, StartDate: day("2024-03-01"), Level: "ignored"})
		if err != nil {
			t.Fatal(err)
		}
		if p.ID == 0 || p.Name != "Ada" || p.Title != "Software Engineer" || p.Status != store.Active || p.Level != "" || p.ManagerID != boss.ID ||
			!p.StartDate.Equal(day("2024-03-01")) || p.CreatedAt.IsZero() || !p.CreatedAt.Equal(p.UpdatedAt) {
			t.Errorf("created %+v", p)
		}
		byID, err := s.Person(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if byID != p {
			t.Errorf("Person(%d) = %+v, want %+v", p.ID, byID, p)
		}
		byEmail, err := s.PersonByEmail(ctx, "ADA@example.COM")
		if err != nil {
			t.Fatal(err)
		}
		if byEmail != p {
			t.Errorf("PersonByEmail = %+v, want %+v", byEmail, p)
		}
	})
}

func TestPersonErrors(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ada := mustPerson(t, s, "Ada", "ada@example.com", 0)
		grace := mustPerson(t, s, "Grace", "grace@example.com", 0)
		tests := []struct {
			name string
			do   func() error
			want error // nil: any error that is neither ErrNotFound nor ErrConflict
		}{
			{"email taken, other case", func() error {
				_, err := s.CreatePerson(ctx, store.Person{Name: "A", Email: "ADA@example.com", StartDate: day("2024-01-01")})
				return err
			}, store.ErrConflict},
			{"update to a taken email", func() error {
				grace.Email = "Ada@Example.com"
				_, err := s.UpdatePerson(ctx, grace)
				return err
			}, store.ErrConflict},
			{"unknown manager (foreign key)", func() error {
				_, err := s.CreatePerson(ctx, store.Person{Name: "B", Email: "b@example.com", ManagerID: 9999, StartDate: day("2024-01-01")})
				return err
			}, store.ErrConflict},
			{"missing by id", func() error { _, err := s.Person(ctx, 9999); return err }, store.ErrNotFound},
			{"missing by email", func() error { _, err := s.PersonByEmail(ctx, "nobody@example.com"); return err }, store.ErrNotFound},
			{"update missing", func() error {
				_, err := s.UpdatePerson(ctx, store.Person{ID: 9999, Name: "X", Email: "x@example.com", StartDate: day("2024-01-01")})
				return err
			}, store.ErrNotFound},
			{"own manager", func() error {
				a := ada
				a.ManagerID = a.ID
				_, err := s.UpdatePerson(ctx, a)
				return err
			}, nil},
			{"bad status", func() error {
				a := ada
				a.Status = "gone"
				_, err := s.UpdatePerson(ctx, a)
				return err
			}, nil},
			{"no name", func() error {
				_, err := s.CreatePerson(ctx, store.Person{Email: "c@example.com", StartDate: day("2024-01-01")})
				return err
			}, nil},
			{"a name in the email", func() error {
				_, err := s.CreatePerson(ctx, store.Person{Name: "C", Email: "Cy <c@example.com>", StartDate: day("2024-01-01")})
				return err
			}, nil},
			{"two emails", func() error {
				_, err := s.CreatePerson(ctx, store.Person{Name: "C", Email: "c@example.com, d@example.com", StartDate: day("2024-01-01")})
				return err
			}, nil},
			{"no start date", func() error {
				_, err := s.CreatePerson(ctx, store.Person{Name: "C", Email: "c@example.com"})
				return err
			}, nil},
		}
		for _, tt := range tests {
			err := tt.do()
			checkFailure(t, tt.name, err, tt.want)
		}
		// Nothing above changed the two people.
		if got, _ := s.Person(ctx, ada.ID); got != ada {
			t.Errorf("ada changed: %+v", got)
		}
	})
}

func TestUpdatePerson(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		boss := mustPerson(t, s, "Grace", "grace@example.com", 0)
		p := mustPerson(t, s, "Ada", "ada@example.com", 0)
		p.Name, p.Email, p.Title, p.ManagerID, p.Status, p.StartDate = "Ada L", "ada.l@example.com", " CTO ", boss.ID, store.Left, day("2023-01-02")
		p.Level = "L9" // not saved: levels change only through AddLevelChange
		got, err := s.UpdatePerson(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Ada L" || got.Email != "ada.l@example.com" || got.Title != "CTO" || got.ManagerID != boss.ID || got.Status != store.Left ||
			!got.StartDate.Equal(day("2023-01-02")) || got.Level != "" || !got.CreatedAt.Equal(p.CreatedAt) || got.UpdatedAt.Before(p.CreatedAt) {
			t.Errorf("updated %+v", got)
		}
		got.ManagerID = 0
		if got, err = s.UpdatePerson(ctx, got); err != nil || got.ManagerID != 0 {
			t.Errorf("clearing the manager: %+v, %v", got, err)
		}
	})
}

func TestListPeople(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		boss := mustPerson(t, s, "Boss", "boss@example.com", 0)
		names := []string{"Erin", "Carol", "Alice", "Dave", "Bob"}
		id := map[string]int64{}
		for _, n := range names {
			p := mustPerson(t, s, n, n+"@example.com", boss.ID)
			id[n] = p.ID
			if n == "Dave" {
				p.Status = store.Left
				if _, err := s.UpdatePerson(ctx, p); err != nil {
					t.Fatal(err)
				}
			}
			if n == "Alice" || n == "Bob" {
				if _, err := s.AddLevelChange(ctx, store.LevelChange{PersonID: p.ID, Ladder: "eng", Track: "ic", ToLevel: "L2",
					Date: day("2024-03-01"), Reason: store.Hire}); err != nil {
					t.Fatal(err)
				}
			}
		}
		tests := []struct {
			name   string
			filter store.PeopleFilter
			want   []string
		}{
			{"all, by name", store.PeopleFilter{}, []string{"Alice", "Bob", "Boss", "Carol", "Dave", "Erin"}},
			{"active", store.PeopleFilter{Status: store.Active}, []string{"Alice", "Bob", "Boss", "Carol", "Erin"}},
			{"left", store.PeopleFilter{Status: store.Left}, []string{"Dave"}},
			{"reports", store.PeopleFilter{ManagerID: boss.ID}, []string{"Alice", "Bob", "Carol", "Dave", "Erin"}},
			{"ladder", store.PeopleFilter{Ladder: "eng"}, []string{"Alice", "Bob"}},
			{"combined", store.PeopleFilter{Status: store.Active, ManagerID: boss.ID, Ladder: "eng"}, []string{"Alice", "Bob"}},
			{"page 1", store.PeopleFilter{Limit: 2}, []string{"Alice", "Bob"}},
			{"page 2", store.PeopleFilter{Limit: 2, After: id["Bob"]}, []string{"Boss", "Carol"}},
			{"page before", store.PeopleFilter{Limit: 2, Before: id["Carol"]}, []string{"Bob", "Boss"}},
			{"page before, at the start", store.PeopleFilter{Limit: 2, Before: id["Bob"]}, []string{"Alice"}},
			{"past the end", store.PeopleFilter{After: id["Erin"]}, []string{}},
			{"active, after someone who left", store.PeopleFilter{Status: store.Active, After: id["Dave"]}, []string{"Erin"}},
			{"no one", store.PeopleFilter{ManagerID: 9999}, []string{}},
		}
		for _, tt := range tests {
			people, err := s.ListPeople(ctx, tt.filter)
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
				continue
			}
			got := []string{}
			for _, p := range people {
				got = append(got, p.Name)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
			}
		}
		for _, f := range []store.PeopleFilter{{Limit: -1}, {Limit: store.MaxLimit + 1}, {After: 1, Before: 2}} {
			if _, err := s.ListPeople(ctx, f); err == nil {
				t.Errorf("%+v: no error", f)
			}
		}
	})
}
