package store_test

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/storetest"
)

// org is a reporting chain three levels deep under ceo:
//
//	ceo ─┬─ vp ─┬─ lead ── dev
//	     │      └─ ops
//	     └─ cfo
type org map[string]store.Person

func makeOrg(t *testing.T, s *store.Store) org {
	t.Helper()
	o := org{}
	add := func(name, manager string) {
		o[name] = mustPerson(t, s, name, name+"@example.com", o[manager].ID)
	}
	add("ceo", "")
	add("vp", "ceo")
	add("cfo", "ceo")
	add("lead", "vp")
	add("ops", "vp")
	add("dev", "lead")
	return o
}

// names returns the people's names, in order.
func names(people []store.Person) []string {
	out := []string{}
	for _, p := range people {
		out = append(out, p.Name)
	}
	return out
}

// chainOf is what the reporting chain says of o: each person's managers, nearest first,
// and the people below each one, in list order.
func chainOf(t *testing.T, s *store.Store, o org) (managers, below map[string][]string) {
	t.Helper()
	ctx := context.Background()
	managers, below = map[string][]string{}, map[string][]string{}
	for name, p := range o {
		chain, err := s.ManagerChain(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		managers[name] = names(chain)
		people, err := s.ListPeople(ctx, store.PeopleFilter{Under: p.ID, Limit: store.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		below[name] = names(people)
		for _, m := range chain {
			if ok, err := s.Manages(ctx, m.ID, p.ID); err != nil || !ok {
				t.Errorf("Manages(%s, %s) = %v, %v; the chain says so", m.Name, name, ok, err)
			}
		}
	}
	return managers, below
}

func TestManages(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeOrg(t, s)
		tests := []struct {
			manager, person string
			want            bool
		}{
			{"lead", "dev", true},
			{"vp", "dev", true},
			{"ceo", "dev", true}, // three levels up
			{"ceo", "ops", true},
			{"dev", "lead", false},
			{"dev", "ceo", false},
			{"cfo", "dev", false}, // a peer's branch
			{"ops", "dev", false},
			{"dev", "dev", false},
			{"ceo", "ceo", false},
			{"", "dev", false}, // unknown manager (id 0)
			{"ceo", "", false}, // unknown person
		}
		for _, tt := range tests {
			got, err := s.Manages(ctx, o[tt.manager].ID, o[tt.person].ID)
			if err != nil {
				t.Errorf("Manages(%s, %s): %v", tt.manager, tt.person, err)
			} else if got != tt.want {
				t.Errorf("Manages(%s, %s) = %v, want %v", tt.manager, tt.person, got, tt.want)
			}
		}
	})
}

func TestHasReports(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeOrg(t, s)
		for name, want := range map[string]bool{"ceo": true, "vp": true, "lead": true, "dev": false, "cfo": false, "": false} {
			got, err := s.HasReports(ctx, o[name].ID)
			if err != nil {
				t.Errorf("HasReports(%s): %v", name, err)
			} else if got != want {
				t.Errorf("HasReports(%s) = %v, want %v", name, got, want)
			}
		}
	})
}

func TestManagerChain(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeOrg(t, s)
		tests := []struct {
			person string
			want   []string
		}{
			{"dev", []string{"lead", "vp", "ceo"}},
			{"ops", []string{"vp", "ceo"}},
			{"ceo", []string{}},
			{"", []string{}},
		}
		for _, tt := range tests {
			chain, err := s.ManagerChain(ctx, o[tt.person].ID)
			if err != nil {
				t.Errorf("ManagerChain(%s): %v", tt.person, err)
				continue
			}
			if got := names(chain); !slices.Equal(got, tt.want) {
				t.Errorf("ManagerChain(%s) = %v, want %v", tt.person, got, tt.want)
			}
			for _, m := range chain {
				if m != o[m.Name] {
					t.Errorf("ManagerChain(%s) has %+v, want %+v", tt.person, m, o[m.Name])
				}
			}
		}
	})
}

// Around reads, in one query, what Person, ManagerChain and a list of active direct reports
// read in three.
func TestAround(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeOrg(t, s)
		o["adam"] = mustPerson(t, s, "adam", "adam@example.com", o["vp"].ID) // first by name
		gone := o["ops"]
		gone.Status = store.Left
		if _, err := s.UpdatePerson(ctx, gone); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"ceo", "vp", "lead", "dev", "cfo", "ops"} {
			person, err := s.Person(ctx, o[name].ID)
			if err != nil {
				t.Fatal(err)
			}
			chain, err := s.ManagerChain(ctx, o[name].ID)
			if err != nil {
				t.Fatal(err)
			}
			reports, err := s.ListPeople(ctx, store.PeopleFilter{ManagerID: o[name].ID, Status: store.Active, Limit: store.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			a, err := s.Around(ctx, o[name].ID)
			if err != nil {
				t.Fatal(err)
			}
			if a.Person != person || !slices.Equal(a.Chain, chain) || !slices.Equal(a.Reports, reports) {
				t.Errorf("Around(%s) = %s, %v, %v; want %s, %v, %v", name, a.Person.Name, names(a.Chain), names(a.Reports),
					person.Name, names(chain), names(reports))
			}
		}
		if a, _ := s.Around(ctx, o["vp"].ID); !slices.Equal(names(a.Reports), []string{"adam", "lead"}) {
			t.Errorf("the vp's reports: %v, want adam and lead (ops has left)", names(a.Reports))
		}
		if _, err := s.Around(ctx, o["dev"].ID+1000); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Around(no one): %v, want ErrNotFound", err)
		}
	})
}

// Moving someone moves everyone below them; renaming someone, or their leaving, reorders
// and refilters their managers' lists; and nothing else changes.
func TestChainFollowsChanges(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeOrg(t, s)
		update := func(name string, change func(p *store.Person)) {
			t.Helper()
			p := o[name]
			change(&p)
			var err error
			if o[name], err = s.UpdatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		// lead (and dev) move from vp to cfo.
		update("lead", func(p *store.Person) { p.ManagerID = o["cfo"].ID })
		managers, below := chainOf(t, s, o)
		want := map[string][]string{"ceo": {}, "vp": {"ceo"}, "cfo": {"ceo"}, "lead": {"cfo", "ceo"}, "ops": {"vp", "ceo"}, "dev": {"lead", "cfo", "ceo"}}
		for name := range o {
			if !slices.Equal(managers[name], want[name]) {
				t.Errorf("after the move, %s's managers are %v, want %v", name, managers[name], want[name])
			}
		}
		wantBelow := map[string][]string{"ceo": {"cfo", "dev", "lead", "ops", "vp"}, "vp": {"ops"}, "cfo": {"dev", "lead"}, "lead": {"dev"}, "ops": {}, "dev": {}}
		for name := range o {
			if !slices.Equal(below[name], wantBelow[name]) {
				t.Errorf("after the move, below %s: %v, want %v", name, below[name], wantBelow[name])
			}
		}
		// dev is renamed (to sort first), then leaves.
		update("dev", func(p *store.Person) { p.Name, p.Email = "aardvark", "aardvark@example.com" })
		people, err := s.ListPeople(ctx, store.PeopleFilter{Under: o["ceo"].ID, Query: "aard"})
		if err != nil || !slices.Equal(names(people), []string{"aardvark"}) {
			t.Errorf("search below ceo for the new name: %v, %v", names(people), err)
		}
		update("dev", func(p *store.Person) { p.Status = store.Left })
		for _, tt := range []struct {
			status store.Status
			want   []string
		}{
			{"", []string{"aardvark", "cfo", "lead", "ops", "vp"}},
			{store.Active, []string{"cfo", "lead", "ops", "vp"}},
			{store.Left, []string{"aardvark"}},
		} {
			people, err := s.ListPeople(ctx, store.PeopleFilter{Under: o["ceo"].ID, Status: tt.status})
			if err != nil || !slices.Equal(names(people), tt.want) {
				t.Errorf("below ceo, status %q: %v, %v; want %v", tt.status, names(people), err, tt.want)
			}
		}
		// ceo gets a manager: everyone below ceo gets them too.
		chair := mustPerson(t, s, "chair", "chair@example.com", 0)
		update("ceo", func(p *store.Person) { p.ManagerID = chair.ID })
		people, err = s.ListPeople(ctx, store.PeopleFilter{Under: chair.ID})
		if err != nil || !slices.Equal(names(people), []string{"aardvark", "ceo", "cfo", "lead", "ops", "vp"}) {
			t.Errorf("below the new top: %v, %v", names(people), err)
		}
	})
}

// No change of manager makes someone their own manager's manager, however far round: it
// fails with ErrCycle (an ErrConflict) and changes nothing.
func TestChainRefusesCycles(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeOrg(t, s)
		before, beforeBelow := chainOf(t, s, o)
		for _, tt := range []struct{ person, manager string }{
			{"ceo", "dev"}, // three levels round
			{"vp", "lead"},
			{"lead", "dev"},
		} {
			p := o[tt.person]
			p.ManagerID = o[tt.manager].ID
			_, err := s.UpdatePerson(ctx, p)
			if !errors.Is(err, store.ErrCycle) || !errors.Is(err, store.ErrConflict) {
				t.Errorf("%s managed by %s: %v, want ErrCycle", tt.person, tt.manager, err)
			}
			if got, _ := s.Person(ctx, p.ID); got.ManagerID != o[tt.person].ManagerID {
				t.Errorf("%s's manager changed to %d", tt.person, got.ManagerID)
			}
		}
		// An import is refused in the same way, in one piece.
		_, err := s.ImportPeople(ctx, []store.ImportRow{
			{Person: store.Person{Name: "new", Email: "new@example.com", StartDate: day("2024-01-01")}, ManagerEmail: "dev@example.com"},
			{Person: store.Person{Name: "ceo", Email: "ceo@example.com", StartDate: day("2024-03-01")}, ManagerEmail: "new@example.com"},
		}, 0)
		if !errors.Is(err, store.ErrCycle) {
			t.Errorf("import making a cycle: %v, want ErrCycle", err)
		}
		if _, err := s.PersonByEmail(ctx, "new@example.com"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the refused import created someone: %v", err)
		}
		after, afterBelow := chainOf(t, s, o)
		for name := range o {
			if !slices.Equal(before[name], after[name]) || !slices.Equal(beforeBelow[name], afterBelow[name]) {
				t.Errorf("%s: chain %v below %v, was %v below %v", name, after[name], afterBelow[name], before[name], beforeBelow[name])
			}
		}
	})
}

// A database from before the chain was kept may hold a cycle, which older versions let an
// import make: migrated, its reports and managers read as they did then (a walk never visits
// anyone twice), and giving someone in the cycle a manager outside it ends the cycle.
func TestChainMigratesOldCycles(t *testing.T) {
	t.Parallel()
	eachEmptyBackend(t, func(t *testing.T, cfg store.Config) {
		ctx := context.Background()
		old, err := store.OpenWithMigrations(ctx, cfg, store.MigrationsUpTo(2))
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		for _, p := range []struct{ name, manager string }{{"top", ""}, {"loop1", ""}, {"loop2", "loop1"}, {"loop3", "loop2"}, {"under3", "loop3"}} {
			var manager any
			if p.manager != "" {
				manager = ids[p.manager]
			}
			var id int64
			if err := old.DB().QueryRowContext(ctx, old.Rebind(`INSERT INTO people (name, email, manager_id, start_date, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), p.name, p.name+"@example.com", manager, day("2024-01-01"), day("2024-01-01"), day("2024-01-01")).Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids[p.name] = id
		}
		// loop1 reports to loop3: loop1 → loop2 → loop3 → loop1.
		if _, err := old.DB().ExecContext(ctx, old.Rebind(`UPDATE people SET manager_id = ? WHERE id = ?`), ids["loop3"], ids["loop1"]); err != nil {
			t.Fatal(err)
		}
		old.Close()
		s := open(t, cfg)
		o := org{}
		for name, id := range ids {
			if o[name], err = s.Person(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		managers, below := chainOf(t, s, o)
		for name, want := range map[string][]string{"loop1": {"loop3", "loop2"}, "loop2": {"loop1", "loop3"}, "under3": {"loop3", "loop2", "loop1"}} {
			if !slices.Equal(managers[name], want) {
				t.Errorf("%s's managers: %v, want %v", name, managers[name], want)
			}
		}
		for name, want := range map[string][]string{"loop1": {"loop2", "loop3", "under3"}, "loop3": {"loop1", "loop2", "under3"}} {
			if !slices.Equal(below[name], want) {
				t.Errorf("below %s: %v, want %v", name, below[name], want)
			}
		}
		if ok, err := s.Manages(ctx, ids["loop1"], ids["loop1"]); ok || err != nil {
			t.Errorf("loop1 manages themselves: %v, %v", ok, err)
		}
		// A backup leaves the chain out; the restore builds it again as it was, cycle and all.
		var file bytes.Buffer
		if _, err := s.Backup(ctx, &file, "v-test"); err != nil {
			t.Fatal(err)
		}
		to := store.Config{SQLitePath: storetest.EmptySQLite(t)}
		if s.Dialect() == "postgres" {
			to = store.Config{PostgresURL: storetest.EmptyPostgres(t)}
		}
		if _, err := store.Restore(ctx, to, &file, store.RestoreOptions{}); err != nil {
			t.Fatalf("restore: %v", err)
		}
		restoredManagers, restoredBelow := chainOf(t, open(t, to), o)
		if !maps.EqualFunc(managers, restoredManagers, slices.Equal) || !maps.EqualFunc(below, restoredBelow, slices.Equal) {
			t.Errorf("restored chain: managers %v below %v; backed up: managers %v below %v", restoredManagers, restoredBelow, managers, below)
		}
		// A change elsewhere in the cycle that keeps it is refused; one that ends it is not.
		loop3 := o["loop3"]
		loop3.Name = "loop3 renamed"
		if _, err := s.UpdatePerson(ctx, loop3); err != nil {
			t.Errorf("renaming someone in the old cycle: %v", err)
		}
		loop1 := o["loop1"]
		loop1.ManagerID = ids["loop2"]
		if _, err := s.UpdatePerson(ctx, loop1); !errors.Is(err, store.ErrCycle) {
			t.Errorf("moving loop1 within the cycle: %v, want ErrCycle", err)
		}
		loop1.ManagerID = ids["top"]
		if _, err := s.UpdatePerson(ctx, loop1); err != nil {
			t.Fatalf("moving loop1 out of the cycle: %v", err)
		}
		people, err := s.ListPeople(ctx, store.PeopleFilter{Under: ids["top"]})
		if want := []string{"loop1", "loop2", "loop3 renamed", "under3"}; err != nil || !slices.Equal(names(people), want) {
			t.Errorf("below top once the cycle is broken: %v, %v; want %v", names(people), err, want)
		}
	})
}
