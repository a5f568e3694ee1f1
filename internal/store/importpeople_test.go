package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
	"github.com/rungs/rungs/internal/store/storetest"
)

func TestImportPeople(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		grace := mustPerson(t, s, "Grace", "grace@example.com", 0)
		old, err := s.CreatePerson(ctx, store.Person{Name: "Old", Email: "old@example.com", Title: "Intern", StartDate: day("2020-01-01")})
		if err != nil {
			t.Fatal(err)
		}
		rows := []store.ImportRow{
			{Person: store.Person{Name: " Ada ", Email: "ada@example.com", Title: " Engineer ", StartDate: day("2024-03-01")},
				ManagerEmail: "GRACE@example.com", Ladder: "eng", Track: "ic", Level: "L2"}, // a stored manager
			{Person: store.Person{Name: "Bob", Email: "bob@example.com", StartDate: day("2024-04-01")},
				ManagerEmail: "ada@example.com"}, // a manager imported before
			{Person: store.Person{Name: "Cy", Email: "cy@example.com", StartDate: day("2024-05-01"), Status: store.Left},
				ManagerEmail: " Dee@Example.com "}, // a manager imported after
			{Person: store.Person{Name: "Dee", Email: "dee@example.com", StartDate: day("2024-06-01")},
				Ladder: "", Track: "ic", Level: "L3"}, // a level without its ladder: no level
			{Person: store.Person{ID: 9999, Name: "Old Timer", Email: "OLD@example.com", Title: "Engineer", StartDate: day("2020-01-02"), Status: store.Left},
				ManagerEmail: "dee@example.com", Ladder: "eng", Track: "ic", Level: "L5"}, // existing: level ignored
		}
		got, err := s.ImportPeople(ctx, rows, grace.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got != (store.ImportResult{Created: 4, Updated: 1}) {
			t.Errorf("result %+v, want 4 created and 1 updated", got)
		}
		if rows[0].Person.Name != " Ada " {
			t.Errorf("the caller's row changed: %q", rows[0].Person.Name)
		}
		person := func(email string) store.Person {
			p, err := s.PersonByEmail(ctx, email)
			if err != nil {
				t.Fatalf("%s: %v", email, err)
			}
			return p
		}
		ada, bob, cy, dee, oldNow := person("ada@example.com"), person("bob@example.com"), person("cy@example.com"), person("dee@example.com"), person("old@example.com")
		tests := []struct {
			name string
			got  store.Person
			want store.Person // the fields compared: name, email, title, manager, level, start, status
		}{
			{"levelled, stored manager", ada, store.Person{Name: "Ada", Email: "ada@example.com", Title: "Engineer", ManagerID: grace.ID,
				Ladder: "eng", Track: "ic", Level: "L2", StartDate: day("2024-03-01"), Status: store.Active}},
			{"manager imported before", bob, store.Person{Name: "Bob", Email: "bob@example.com", ManagerID: ada.ID,
				StartDate: day("2024-04-01"), Status: store.Active}},
			{"manager imported after", cy, store.Person{Name: "Cy", Email: "cy@example.com", ManagerID: dee.ID,
				StartDate: day("2024-05-01"), Status: store.Left}},
			{"part of a level", dee, store.Person{Name: "Dee", Email: "dee@example.com", StartDate: day("2024-06-01"), Status: store.Active}},
			{"existing, updated", oldNow, store.Person{Name: "Old Timer", Email: "OLD@example.com", Title: "Engineer", ManagerID: dee.ID,
				StartDate: day("2020-01-02"), Status: store.Left}},
		}
		for _, tt := range tests {
			g := tt.got
			if g.Name != tt.want.Name || g.Email != tt.want.Email || g.Title != tt.want.Title || g.ManagerID != tt.want.ManagerID ||
				g.Ladder != tt.want.Ladder || g.Track != tt.want.Track || g.Level != tt.want.Level ||
				!g.StartDate.Equal(tt.want.StartDate) || g.Status != tt.want.Status {
				t.Errorf("%s: %+v, want %+v", tt.name, g, tt.want)
			}
		}
		if oldNow.ID != old.ID || !oldNow.CreatedAt.Equal(old.CreatedAt) || !oldNow.UpdatedAt.After(old.UpdatedAt) {
			t.Errorf("existing person %+v, was %+v", oldNow, old)
		}
		// The new levelled person's first level is in their history; nobody else has one.
		history, err := s.LevelHistory(ctx, ada.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(history) != 1 || history[0].Reason != store.Hire || history[0].FromLevel != "" || history[0].ToLevel != "L2" ||
			history[0].Ladder != "eng" || history[0].Track != "ic" || !history[0].Date.Equal(day("2024-03-01")) || history[0].MadeBy != grace.ID {
			t.Errorf("Ada's history %+v", history)
		}
		changes := 0
		if err := s.EachLevelChange(ctx, func(store.LevelChange) error { changes++; return nil }); err != nil || changes != 1 {
			t.Errorf("%d level changes, %v; want 1", changes, err)
		}
		if got, err := s.ImportPeople(ctx, nil, grace.ID); err != nil || got != (store.ImportResult{}) {
			t.Errorf("empty import: %+v, %v", got, err)
		}
	})
}

// bulkRows makes n people whose emails start with prefix: a tree ten reports wide, so that
// managers come before and after their reports across batches, every third one levelled.
func bulkRows(prefix string, n int) []store.ImportRow {
	rows := make([]store.ImportRow, n)
	for i := range rows {
		r := store.ImportRow{Person: store.Person{
			Name: fmt.Sprintf("Person %d", i), Email: fmt.Sprintf("%s%d@example.com", prefix, i),
			Title: []string{"Engineer", "Senior Engineer", "Designer", "Manager"}[i%4], StartDate: day("2024-01-01"),
		}}
		if i > 0 {
			r.ManagerEmail = fmt.Sprintf("%s%d@example.com", prefix, (i-1)/10)
		}
		if i%3 == 0 {
			r.Ladder, r.Track, r.Level = "eng", "ic", fmt.Sprintf("L%d", 1+i%5)
		}
		rows[i] = r
	}
	// Reversed, so that most managers are imported after their reports.
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	return rows
}

// An import of several batches, then the same people again: all updated, managers changed.
func TestImportPeopleBatches(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const n = 1234
		rows := bulkRows("p", n)
		got, err := s.ImportPeople(ctx, rows, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got != (store.ImportResult{Created: n}) {
			t.Errorf("first import %+v, want %d created", got, n)
		}
		check := func(email, manager, level string) {
			t.Helper()
			p, err := s.PersonByEmail(ctx, email)
			if err != nil {
				t.Fatal(err)
			}
			var m store.Person
			if manager != "" {
				if m, err = s.PersonByEmail(ctx, manager); err != nil {
					t.Fatal(err)
				}
			}
			if p.ManagerID != m.ID || p.Level != level {
				t.Errorf("%s: manager %d, level %q; want %d (%s), %q", email, p.ManagerID, p.Level, m.ID, manager, level)
			}
		}
		check("p0@example.com", "", "L1")
		check("p1232@example.com", "p123@example.com", "")
		check("p1230@example.com", "p122@example.com", "L1")
		levelled, err := s.CountPeople(ctx, store.PeopleFilter{Unlevelled: true})
		if err != nil || levelled != n-(n+2)/3 {
			t.Errorf("%d unlevelled, %v; want %d", levelled, err, n-(n+2)/3)
		}
		changes := 0
		if err := s.EachLevelChange(ctx, func(store.LevelChange) error { changes++; return nil }); err != nil || changes != (n+2)/3 {
			t.Errorf("%d level changes, %v; want %d", changes, err, (n+2)/3)
		}
		// Again, everyone reporting to p0 now, with a new title.
		for i := range rows {
			rows[i].Person.Title = "Staff"
			if rows[i].Person.Email != "p0@example.com" {
				rows[i].ManagerEmail = "P0@example.com"
			}
		}
		if got, err = s.ImportPeople(ctx, rows, 0); err != nil {
			t.Fatal(err)
		}
		if got != (store.ImportResult{Updated: n}) {
			t.Errorf("second import %+v, want %d updated", got, n)
		}
		check("p1232@example.com", "p0@example.com", "")
		// Once more, the same: nothing changes, not even the update times.
		before := mustEmail(t, s, "p7@example.com")
		if got, err = s.ImportPeople(ctx, rows, 0); err != nil || got != (store.ImportResult{}) {
			t.Errorf("unchanged import %+v, %v; want nothing created or updated", got, err)
		}
		if after := mustEmail(t, s, "p7@example.com"); after != before {
			t.Errorf("unchanged import changed %+v to %+v", before, after)
		}
		if reports, err := s.CountPeople(ctx, store.PeopleFilter{ManagerID: mustEmail(t, s, "p0@example.com").ID, Query: "example"}); err != nil || reports != n-1 {
			t.Errorf("p0 has %d reports, %v; want %d", reports, err, n-1)
		}
		if staff, err := s.RolloutTitles(ctx); err != nil || len(staff) != 1 || staff[0].Title != "Staff" {
			t.Errorf("titles after the second import: %+v, %v", staff, err)
		}
	})
}

func mustEmail(t *testing.T, s *store.Store, email string) store.Person {
	t.Helper()
	p, err := s.PersonByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// An import that fails, late or early, leaves nothing written: no new person, no update of an
// existing one, no level history.
func TestImportPeopleAllOrNothing(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		importer := mustPerson(t, s, "Importer", "importer@example.com", 0)
		existing := mustPerson(t, s, "Existing", "existing@example.com", 0)
		const n = 1200 // three batches
		tests := []struct {
			name    string
			change  func(rows []store.ImportRow) int64 // returns the importer
			wantErr error                              // nil: any error
		}{
			// Caught by the database in the last statement of the manager pass, after every
			// person was inserted and updated.
			{"a late row manages itself", func(rows []store.ImportRow) int64 {
				rows[n-50].ManagerEmail = rows[n-50].Person.Email
				return importer.ID
			}, nil},
			// Caught by the database's foreign key in the last statement of all.
			{"unknown importer of a late levelled row", func(rows []store.ImportRow) int64 {
				for i := range rows {
					rows[i].Level = ""
				}
				rows[n-1].Ladder, rows[n-1].Track, rows[n-1].Level = "eng", "ic", "L1"
				return 9999
			}, store.ErrConflict},
			{"one email twice", func(rows []store.ImportRow) int64 {
				rows[n-2].Person.Email = "P5@EXAMPLE.com"
				return importer.ID
			}, store.ErrConflict},
			{"unknown manager", func(rows []store.ImportRow) int64 {
				rows[n-1].ManagerEmail = "nobody@example.com"
				return importer.ID
			}, store.ErrNotFound},
			{"a late row without a name", func(rows []store.ImportRow) int64 {
				rows[n-1].Person.Name = " "
				return importer.ID
			}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				rows := bulkRows("p", n)
				// The existing person is updated early on, before the failure.
				rows = append([]store.ImportRow{{Person: store.Person{Name: "Changed", Email: "existing@example.com", StartDate: day("2000-01-01")},
					ManagerEmail: "p0@example.com"}}, rows...)
				by := tt.change(rows[1:])
				_, err := s.ImportPeople(ctx, rows, by)
				if err == nil {
					t.Fatal("no error")
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("error %v, want %v", err, tt.wantErr)
				}
				if n, err := s.CountPeople(ctx, store.PeopleFilter{}); err != nil || n != 2 {
					t.Errorf("%d people after the failed import, %v; want 2", n, err)
				}
				if got, err := s.Person(ctx, existing.ID); err != nil || got != existing {
					t.Errorf("existing person after the failed import: %+v, %v; want %+v", got, err, existing)
				}
				changes := 0
				if err := s.EachLevelChange(ctx, func(store.LevelChange) error { changes++; return nil }); err != nil || changes != 0 {
					t.Errorf("%d level changes after the failed import, %v", changes, err)
				}
			})
		}
		// The store still works: the same import without the fault goes through.
		if _, err := s.ImportPeople(ctx, bulkRows("p", n), importer.ID); err != nil {
			t.Errorf("import after the failures: %v", err)
		}
	})
}

// BenchmarkImportPeople imports people into a fresh database each time, on both databases.
func BenchmarkImportPeople(b *testing.B) {
	for _, size := range []int{10_000, 100_000} {
		rows := bulkRows("p", size)
		for _, backend := range []string{"sqlite", "postgres"} {
			b.Run(fmt.Sprintf("%s/%d", backend, size), func(b *testing.B) {
				fresh := freshDatabases(b, backend)
				ctx := context.Background()
				for b.Loop() {
					b.StopTimer()
					s := fresh()
					b.StartTimer()
					got, err := s.ImportPeople(ctx, rows, 0)
					if err != nil || got.Created != size {
						b.Fatalf("import: %+v, %v", got, err)
					}
					b.StopTimer()
					s.Close()
					b.StartTimer()
				}
				b.ReportMetric(float64(size*b.N)/b.Elapsed().Seconds(), "people/s")
			})
		}
	}
}

// freshDatabases returns a function that opens a new, migrated database on each call: a new
// SQLite file, or a new database on the test binary's PostgreSQL server.
func freshDatabases(b *testing.B, backend string) func() *store.Store {
	return func() *store.Store {
		cfg := store.Config{SQLitePath: storetest.SQLite(b)}
		if backend == "postgres" {
			cfg = store.Config{PostgresURL: storetest.Postgres(b)}
		}
		s, err := store.Open(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
}

// BenchmarkApplyRollout levels everyone of a 100,000-person import that has no level yet
// (two thirds of them) from title rules, in one transaction.
func BenchmarkApplyRollout(b *testing.B) {
	const size = 100_000
	rows := bulkRows("p", size)
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			fresh := freshDatabases(b, backend)
			ctx := context.Background()
			levelled := 0
			for b.Loop() {
				b.StopTimer()
				s := fresh()
				if _, err := s.ImportPeople(ctx, rows, 0); err != nil {
					b.Fatal(err)
				}
				r, err := s.OpenRollout(ctx, 0)
				if err != nil {
					b.Fatal(err)
				}
				for _, rule := range []store.RolloutRule{
					{Title: "Engineer", Ladder: "eng", Track: "ic", Level: "L2"},
					{Title: "Senior Engineer", Ladder: "eng", Track: "ic", Level: "L3"},
					{Title: "Designer", Ladder: "design", Level: "D1"},
					{Title: "Manager", Ladder: "mgmt", Level: "M1"},
				} {
					if err := s.SetRolloutRule(ctx, r.ID, rule); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				if levelled, err = s.ApplyRollout(ctx, r.ID, 0, day("2026-01-05")); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				s.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(levelled*b.N)/b.Elapsed().Seconds(), "people/s")
		})
	}
}

// An import reports its progress as it writes: rising (by a batch at most while it inserts)
// and ending at its total — new people, stored people compared, and first levels.
func TestImportPeopleProgress(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		rows := make([]store.ImportRow, 1200)
		for i := range rows {
			rows[i] = store.ImportRow{Person: store.Person{Name: fmt.Sprintf("Person %d", i), Email: fmt.Sprintf("p%d@example.com", i),
				StartDate: day("2024-01-01")}}
			if i > 0 {
				rows[i].ManagerEmail = "p0@example.com"
			}
			if i%3 == 0 {
				rows[i].Ladder, rows[i].Track, rows[i].Level = "engineering", "product", "engineer"
			}
		}
		imported := func(rows []store.ImportRow) (steps [][2]int) {
			ctx := store.WithProgress(context.Background(), func(done, total int) { steps = append(steps, [2]int{done, total}) })
			if _, err := s.ImportPeople(ctx, rows, 0); err != nil {
				t.Fatal(err)
			}
			return steps
		}
		check := func(name string, steps [][2]int, total, maxStep int) {
			t.Helper()
			if len(steps) < 3 {
				t.Fatalf("%s: %d progress reports, want one a batch: %v", name, len(steps), steps)
			}
			for i, st := range steps {
				prev := 0
				if i > 0 {
					prev = steps[i-1][0]
				}
				if st[1] != total || st[0] <= prev || st[0]-prev > maxStep {
					t.Fatalf("%s: report %d is %d of %d after %d, want rising by at most %d to %d", name, i, st[0], st[1], prev, maxStep, total)
				}
			}
			if last := steps[len(steps)-1]; last[0] != total {
				t.Errorf("%s: the last report is %d of %d", name, last[0], last[1])
			}
		}
		check("first import", imported(rows), 1200+400, 500)
		// Again, with a tenth renamed and a hundred new: every stored person is compared.
		for i := 0; i < len(rows); i += 10 {
			rows[i].Person.Name += " Jr"
		}
		for i := range 100 {
			rows = append(rows, store.ImportRow{Person: store.Person{Name: fmt.Sprintf("New %d", i), Email: fmt.Sprintf("n%d@example.com", i),
				StartDate: day("2024-01-01")}})
		}
		check("second import", imported(rows), 100+1200, 1300)
		// Without a Progress in the context, nothing is called and nothing fails.
		if _, err := s.ImportPeople(context.Background(), rows, 0); err != nil {
			t.Fatal(err)
		}
	})
}

// A kept upload is its account's alone, taken once, gone after its lifetime, and returned to
// the byte, whatever bytes the file holds; a rolled-back apply keeps it.
func TestUploads(t *testing.T) {
	t.Parallel()
	eachStoreAt(t, func(t *testing.T, s *store.Store, clk *clock) {
		ctx := context.Background()
		account := func(email string) int64 {
			p := mustPerson(t, s, email, email, 0)
			a, err := access.CreateAccount(ctx, s, p.ID, "hash", store.Admin)
			if err != nil {
				t.Fatal(err)
			}
			return a.ID
		}
		ada, bea := account("ada@example.com"), account("bea@example.com")
		content := []byte("name,email\r\nJos\xe9,\x00jose@example.com\n") // not UTF-8, a NUL: kept as bytes
		key, err := s.SaveUpload(ctx, ada, store.Upload{Name: "hr.csv", Content: content})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.TakeUpload(ctx, bea, key); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another account takes the upload: %v", err)
		}
		rollback := errors.New("rollback")
		if err := s.WithTx(ctx, func(tx *store.Store) error {
			if _, err := tx.TakeUpload(ctx, ada, key); err != nil {
				return err
			}
			return rollback
		}); !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		u, err := s.TakeUpload(ctx, ada, key)
		if err != nil || u.Name != "hr.csv" || string(u.Content) != string(content) {
			t.Fatalf("take after a rolled-back take: %q %q %v", u.Name, u.Content, err)
		}
		if _, err := s.TakeUpload(ctx, ada, key); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an upload taken twice: %v", err)
		}

		old, err := s.SaveUpload(ctx, ada, store.Upload{Name: "old.csv", Content: []byte("x")})
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(store.UploadLifetime)
		if _, err := s.TakeUpload(ctx, ada, old); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an upload past its lifetime: %v", err)
		}
	})
}
