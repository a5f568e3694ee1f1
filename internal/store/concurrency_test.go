package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
)

// pairs is how many pairs of writes the concurrency tests make at once: the count,
// enough that on PostgreSQL many of them overlap.
const pairs = 20

// together runs each of fns in a goroutine of its own, all let go at once, and waits for them.
func together(fns ...func()) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fn()
		}()
	}
	close(start)
	wg.Wait()
}

// A save from a copy that someone else saved since is refused, and leaves their save alone.
func TestUpdatePersonStale(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		p := mustPerson(t, s, "Ada", "ada@example.com", 0)
		first, second := p, p
		first.Title = "CTO"
		saved, err := s.UpdatePerson(ctx, first)
		if err != nil {
			t.Fatal(err)
		}
		if saved.Version != p.Version+1 {
			t.Errorf("version after a save: %d, want %d", saved.Version, p.Version+1)
		}
		second.Status = store.Left
		_, err = s.UpdatePerson(ctx, second)
		if !errors.Is(err, store.ErrStale) || errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
			t.Errorf("a save of the version before: %v, want ErrStale alone", err)
		}
		if got, _ := s.Person(ctx, p.ID); got != saved {
			t.Errorf("after the refused save: %+v, want the first save %+v", got, saved)
		}
		// Saved again from what is there now, it goes through.
		saved.Status = store.Left
		if got, err := s.UpdatePerson(ctx, saved); err != nil || got.Status != store.Left || got.Title != "CTO" {
			t.Errorf("a save of the current version: %+v, %v", got, err)
		}
		// A level change is not a save of the record: a form shown before it still saves.
		again, _ := s.Person(ctx, p.ID)
		if _, err := s.AddLevelChange(ctx, store.LevelChange{PersonID: p.ID, Ladder: "eng", ToLevel: "L1", Date: day("2024-01-01"), Reason: store.Hire}); err != nil {
			t.Fatal(err)
		}
		again.Title = "Chief"
		if _, err := s.UpdatePerson(ctx, again); err != nil {
			t.Errorf("a save after a level change: %v", err)
		}
	})
}

// Pairs of saves of the same person made at once: exactly one of each pair is kept, the other
// is told (ErrStale), and what is stored is the winner's whole save.
func TestUpdatePersonConcurrent(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		type result struct {
			saved store.Person
			err   error
		}
		people := make([]store.Person, pairs)
		results := make([][2]result, pairs)
		var fns []func()
		for i := range pairs {
			people[i] = mustPerson(t, s, fmt.Sprint("P", i), fmt.Sprintf("p%d@example.com", i), 0)
			for side := range 2 {
				fns = append(fns, func() {
					p := people[i]
					p.Title = fmt.Sprint("title of side ", side)
					if side == 1 {
						p.Status = store.Left
					}
					r := &results[i][side]
					r.saved, r.err = s.UpdatePerson(ctx, p)
				})
			}
		}
		together(fns...)
		for i, r := range results {
			var winner *result
			for side := range r {
				switch err := r[side].err; {
				case err == nil:
					if winner != nil {
						t.Errorf("pair %d: both saves were kept", i)
					}
					winner = &r[side]
				case !errors.Is(err, store.ErrStale):
					t.Errorf("pair %d, side %d: %v, want ErrStale", i, side, err)
				}
			}
			if winner == nil {
				t.Errorf("pair %d: neither save was kept", i)
				continue
			}
			if got, err := s.Person(ctx, people[i].ID); err != nil || got != winner.saved {
				t.Errorf("pair %d: stored %+v, %v; the winner saved %+v", i, got, err, winner.saved)
			}
		}
	})
}

// A level change made from a form that showed an older history is refused, and one from a
// form of the current history is not; of two made at once from the same form, one is kept.
func TestAddLevelChangeAfter(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		change := func(p store.Person, level string) store.LevelChange {
			return store.LevelChange{PersonID: p.ID, Ladder: "eng", ToLevel: level, Date: day("2024-01-01"), Reason: store.Promotion}
		}
		p := mustPerson(t, s, "Ada", "ada@example.com", 0)
		first, err := s.AddLevelChangeAfter(ctx, change(p, "L1"), 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddLevelChangeAfter(ctx, change(p, "L2"), 0); !errors.Is(err, store.ErrStale) {
			t.Errorf("a change from a form shown before the first level: %v, want ErrStale", err)
		}
		if _, err := s.AddLevelChangeAfter(ctx, change(p, "L2"), first.ID); err != nil {
			t.Errorf("a change from a form of the current history: %v", err)
		}
		if _, err := s.AddLevelChangeAfter(ctx, change(store.Person{ID: 9999}, "L2"), 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a change of nobody: %v, want ErrNotFound", err)
		}
		if history, _ := s.LevelHistory(ctx, p.ID); len(history) != 2 || history[1].FromLevel != "L1" || history[1].ToLevel != "L2" {
			t.Errorf("history: %+v", history)
		}

		people := make([]store.Person, pairs)
		errs := make([][2]error, pairs)
		var fns []func()
		for i := range pairs {
			people[i] = mustPerson(t, s, fmt.Sprint("P", i), fmt.Sprintf("p%d@example.com", i), 0)
			for side := range 2 {
				fns = append(fns, func() {
					_, errs[i][side] = s.AddLevelChangeAfter(ctx, change(people[i], fmt.Sprint("L", side+1)), 0)
				})
			}
		}
		together(fns...)
		for i, e := range errs {
			kept := 0
			for side, err := range e {
				if err == nil {
					kept++
				} else if !errors.Is(err, store.ErrStale) {
					t.Errorf("pair %d, side %d: %v, want ErrStale", i, side, err)
				}
			}
			history, err := s.LevelHistory(ctx, people[i].ID)
			if kept != 1 || err != nil || len(history) != 1 || history[0].FromLevel != "" {
				t.Errorf("pair %d: %d kept, history %+v, %v; want one change", i, kept, history, err)
			}
		}
	})
}

// Pairs of people each made the other's manager at once: one of each pair is kept, the other
// is refused as a cycle, and no one ends up above themselves, in people or the chain.
func TestManagerSwapsConcurrent(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		top := mustPerson(t, s, "top", "top@example.com", 0)
		people := make([][2]store.Person, pairs)
		errs := make([][2]error, pairs)
		var fns []func()
		for i := range pairs {
			for side := range 2 {
				people[i][side] = mustPerson(t, s, fmt.Sprintf("P%d-%d", i, side), fmt.Sprintf("p%d-%d@example.com", i, side), top.ID)
			}
			for side := range 2 {
				fns = append(fns, func() {
					p := people[i][side]
					p.ManagerID = people[i][1-side].ID
					_, errs[i][side] = s.UpdatePerson(ctx, p)
				})
			}
		}
		together(fns...)
		for i, e := range errs {
			kept := 0
			for side, err := range e {
				if err == nil {
					kept++
				} else if !errors.Is(err, store.ErrCycle) {
					t.Errorf("pair %d, side %d: %v, want ErrCycle", i, side, err)
				}
			}
			if kept != 1 {
				t.Errorf("pair %d: %d swaps kept, want 1", i, kept)
			}
		}
		checkNoCycles(t, s)
	})
}

// checkNoCycles fails the test if anyone's managers, followed up people.manager_id, lead
// back to them, or the reporting chain puts anyone above themselves or disagrees with the
// managers.
func checkNoCycles(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	manager := map[int64]int64{}
	if err := s.EachPerson(ctx, func(p store.Person) error {
		manager[p.ID] = p.ManagerID
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for id := range manager {
		var above []int64
		for m, steps := manager[id], 0; m != 0; m, steps = manager[m], steps+1 {
			if m == id || steps > len(manager) {
				t.Errorf("person %d is above themselves: managers %v", id, above)
				break
			}
			above = append(above, m)
		}
		chain, err := s.ManagerChain(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, p := range chain {
			ids = append(ids, p.ID)
		}
		if fmt.Sprint(ids) != fmt.Sprint(above) {
			t.Errorf("person %d: the chain says managers %v, people says %v", id, ids, above)
		}
	}
}

// Two imports at once, from two stores on one database as two processes would be: both are
// kept, one after the other, and the people are as one file or the other left them, never a
// mix. The second file leaves half the people as they were before either import, so that an
// import that read the people before the first one committed would skip them as unchanged
// and leave the first file's titles beside its own.
func TestImportPeopleConcurrent(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		ctx := context.Background()
		stores := [2]*store.Store{open(t, cfg), open(t, cfg)}
		const n, rounds = 30, 10
		rows := func(newcomer string, title func(i int) string, level string) []store.ImportRow {
			var out []store.ImportRow
			for i := range n {
				out = append(out, store.ImportRow{Person: store.Person{Name: fmt.Sprint("Person ", i),
					Email: fmt.Sprintf("p%d@example.com", i), Title: title(i), StartDate: day("2024-01-01")}})
			}
			if newcomer != "" {
				out = append(out, store.ImportRow{Person: store.Person{Name: "Newcomer", Email: newcomer, Title: title(0), StartDate: day("2024-01-01")},
					Ladder: "eng", Level: level})
			}
			return out
		}
		for round := range rounds {
			if _, err := stores[0].ImportPeople(ctx, rows("", func(int) string { return "orig" }, ""), 0); err != nil {
				t.Fatal(err)
			}
			newcomer := fmt.Sprintf("new%d@example.com", round)
			files := [2][]store.ImportRow{
				rows(newcomer, func(int) string { return "A" }, "L1"),
				rows(newcomer, func(i int) string {
					if i < n/2 {
						return "B"
					}
					return "orig"
				}, "L2"),
			}
			var errs [2]error
			together(
				func() { _, errs[0] = stores[0].ImportPeople(ctx, files[0], 0) },
				func() { _, errs[1] = stores[1].ImportPeople(ctx, files[1], 0) },
			)
			for i, err := range errs {
				if err != nil {
					t.Errorf("round %d: import %c: %v", round, 'A'+i, err)
				}
			}
			got := ""
			for i := range n {
				p, err := stores[0].PersonByEmail(ctx, fmt.Sprintf("p%d@example.com", i))
				if err != nil {
					t.Fatal(err)
				}
				got += p.Title + " "
			}
			p, err := stores[0].PersonByEmail(ctx, newcomer)
			if err != nil {
				t.Fatalf("round %d: the newcomer: %v", round, err)
			}
			got += "/ " + p.Title + " " + p.Level
			// A then B: B's titles, and the level A created the newcomer at (an import levels
			// only the people it creates). B then A: A's titles, and B's level.
			aThenB, bThenA := "", ""
			for _, r := range files[1][:n] {
				aThenB += r.Person.Title + " "
				bThenA += "A "
			}
			aThenB += "/ B L1"
			bThenA += "/ A L2"
			if got != aThenB && got != bThenA {
				t.Errorf("round %d: %s\na mix of the two files: want\n%s or\n%s", round, got, aThenB, bThenA)
			}
		}
	})
}

// Two reviews of one person from forms that showed the same review (none, then the first
// one kept): one is kept each time, and the other is ErrStale.
func TestReviewProposalAfter(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st := makeStaff(t, s)
		r := mustRollout(t, s, st["Grace"].ID)
		seen := time.Time{} // not reviewed yet
		for round := range 3 {
			var errs [2]error
			together(
				func() {
					errs[0] = s.ReviewProposalAfter(ctx, r.ID, store.RolloutReview{PersonID: st["Dee"].ID, Ladder: "eng", Track: "ic", Level: "L1",
						Note: fmt.Sprint("Grace, round ", round), ReviewedBy: st["Grace"].ID}, seen)
				},
				func() {
					errs[1] = s.ReviewProposalAfter(ctx, r.ID, store.RolloutReview{PersonID: st["Dee"].ID, Ladder: "eng", Track: "ic", Level: "L2",
						Note: fmt.Sprint("Fay, round ", round), ReviewedBy: st["Fay"].ID}, seen)
				},
			)
			winner := -1
			for i, err := range errs {
				if err == nil {
					winner = i
				} else if !errors.Is(err, store.ErrStale) {
					t.Errorf("round %d, review %d: %v, want ErrStale", round, i, err)
				}
			}
			if (errs[0] == nil) == (errs[1] == nil) {
				t.Fatalf("round %d: %v; want exactly one review kept", round, errs)
			}
			ps, err := s.Proposals(ctx, r.ID, store.ProposalFilter{Person: st["Dee"].ID})
			if err != nil || len(ps) != 1 || ps[0].ReviewedBy != []int64{st["Grace"].ID, st["Fay"].ID}[winner] {
				t.Fatalf("round %d: %+v, %v; want review %d kept", round, ps, err, winner)
			}
			seen = ps[0].ReviewedAt
		}
	})
}
