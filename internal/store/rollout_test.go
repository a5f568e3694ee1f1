package store_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/rungs/rungs/internal/store"
)

// staff is a company before its rollout, by name:
//
//	Grace  Director   levelled already; manages Ada, Bob, Cy, Dee, Eve, Fay
//	Ada    Engineer
//	Bob    " engineer " (trimmed on the way in; the same title as Ada's whatever its case)
//	Cy     Designer
//	Dee    (no title)
//	Eve    Engineer   has left: not covered
//	Fay    Manager    manages Gus
//	Gus    Engineer
//	Hal    Engineer   no manager
type staff map[string]store.Person

func makeStaff(t *testing.T, s *store.Store) staff {
	t.Helper()
	ctx := context.Background()
	st := staff{}
	add := func(name, title, manager string, status store.Status) {
		p, err := s.CreatePerson(ctx, store.Person{Name: name, Email: name + "@example.com", Title: title,
			ManagerID: st[manager].ID, Status: status, StartDate: day("2023-01-01")})
		if err != nil {
			t.Fatal(err)
		}
		st[name] = p
	}
	add("Grace", "Director", "", store.Active)
	add("Ada", "Engineer", "Grace", store.Active)
	add("Bob", " engineer ", "Grace", store.Active)
	add("Cy", "Designer", "Grace", store.Active)
	add("Dee", "", "Grace", store.Active)
	add("Eve", "Engineer", "Grace", store.Left)
	add("Fay", "Manager", "Grace", store.Active)
	add("Gus", "Engineer", "Fay", store.Active)
	add("Hal", "Engineer", "", store.Active)
	if _, err := s.AddLevelChange(ctx, store.LevelChange{PersonID: st["Grace"].ID, Ladder: "eng", Track: "mgr", ToLevel: "M3",
		Date: day("2023-01-01"), Reason: store.Hire}); err != nil {
		t.Fatal(err)
	}
	var err error
	if st["Grace"], err = s.Person(ctx, st["Grace"].ID); err != nil {
		t.Fatal(err)
	}
	return st
}

// mustRollout opens a rollout or fails the test.
func mustRollout(t *testing.T, s *store.Store, by int64) store.Rollout {
	t.Helper()
	r, err := s.OpenRollout(context.Background(), by)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// mapStaff gives the rollout rules for engineers and designers and reviews of Cy and Gus,
// leaving Dee (no title) and Fay (Manager) unmapped.
func mapStaff(t *testing.T, s *store.Store, rollout int64, st staff) {
	t.Helper()
	ctx := context.Background()
	for _, r := range []store.RolloutRule{
		{Title: " ENGINEER ", Ladder: "eng", Track: "ic", Level: "L2"},
		{Title: "Designer", Ladder: "design", Track: "ic", Level: "D1"},
	} {
		if err := s.SetRolloutRule(ctx, rollout, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []store.RolloutReview{
		{PersonID: st["Gus"].ID, Ladder: "eng", Track: "ic", Level: "L3", Note: " strong ", ReviewedBy: st["Fay"].ID},
		{PersonID: st["Cy"].ID, Ladder: "design", Track: "ic", Level: "D2", ReviewedBy: st["Grace"].ID},
	} {
		if err := s.ReviewProposal(ctx, rollout, r); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenRolloutAndHistory(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st := makeStaff(t, s)
		if rs, err := s.Rollouts(ctx); err != nil || len(rs) != 0 || rs == nil {
			t.Fatalf("Rollouts before any: %#v, %v; want empty, not nil", rs, err)
		}
		if r, err := s.CurrentRollout(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("CurrentRollout before any: %+v, %v; want ErrNotFound", r, err)
		}
		first := mustRollout(t, s, st["Grace"].ID)
		if current, err := s.CurrentRollout(ctx); err != nil || current != first {
			t.Errorf("CurrentRollout = %+v, %v; want %+v", current, err, first)
		}
		if first.ID == 0 || first.CreatedBy != st["Grace"].ID || first.CreatedAt.IsZero() || !first.Open() {
			t.Errorf("opened %+v", first)
		}
		// While it is open, opening gives it back, whoever asks.
		if again := mustRollout(t, s, st["Fay"].ID); again != first {
			t.Errorf("second open = %+v, want %+v", again, first)
		}
		if _, err := s.ApplyRollout(ctx, first.ID, st["Grace"].ID, day("2025-01-01")); err != nil {
			t.Fatal(err)
		}
		if r, err := s.CurrentRollout(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CurrentRollout after applying: %+v, %v; want ErrNotFound", r, err)
		}
		second := mustRollout(t, s, 0)
		if second.ID == first.ID || second.CreatedBy != 0 {
			t.Errorf("open after applying = %+v, want a new one", second)
		}
		if err := s.DiscardRollout(ctx, second.ID); err != nil {
			t.Fatal(err)
		}
		third := mustRollout(t, s, st["Grace"].ID)
		rs, err := s.Rollouts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 3 || rs[0] != third || rs[1].ID != second.ID || rs[2].ID != first.ID {
			t.Fatalf("Rollouts = %+v, want the third, second and first", rs)
		}
		if r := rs[2]; r.AppliedAt.IsZero() || r.AppliedBy != st["Grace"].ID || !r.DiscardedAt.IsZero() || r.Open() {
			t.Errorf("applied rollout %+v", r)
		}
		if r := rs[1]; !r.AppliedAt.IsZero() || r.DiscardedAt.IsZero() || r.Open() {
			t.Errorf("discarded rollout %+v", r)
		}
	})
}

// Several processes opening the rollout at once all get the same one.
func TestOpenRolloutConcurrently(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const n = 6
		ids := make([]int64, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				r, err := s.OpenRollout(ctx, 0)
				ids[i], errs[i] = r.ID, err
			})
		}
		close(start)
		wg.Wait()
		for i := range n {
			if errs[i] != nil || ids[i] != ids[0] {
				t.Errorf("open %d: rollout %d, %v; want %d", i, ids[i], errs[i], ids[0])
			}
		}
		if rs, err := s.Rollouts(ctx); err != nil || len(rs) != 1 {
			t.Errorf("Rollouts = %+v, %v; want one", rs, err)
		}
	})
}

func TestRolloutRulesAndTitles(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st := makeStaff(t, s)
		titles, err := s.RolloutTitles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Grace is levelled and Eve has left: neither is covered. Ties by title.
		want := []store.TitleCount{{Title: "Engineer", People: 4}, {Title: "", People: 1}, {Title: "Designer", People: 1}, {Title: "Manager", People: 1}}
		if !slices.Equal(titles, want) {
			t.Errorf("RolloutTitles = %+v, want %+v", titles, want)
		}
		r := mustRollout(t, s, st["Grace"].ID)
		steps := []struct {
			name string
			rule store.RolloutRule
			want []store.RolloutRule
		}{
			{"add", store.RolloutRule{Title: " ENGINEER ", Ladder: "eng", Track: "ic", Level: "L2"},
				[]store.RolloutRule{{Title: "ENGINEER", Ladder: "eng", Track: "ic", Level: "L2"}}},
			{"add another, sorted by key", store.RolloutRule{Title: "Designer", Ladder: "design", Track: "ic", Level: "D1"},
				[]store.RolloutRule{{"Designer", "design", "ic", "D1"}, {"ENGINEER", "eng", "ic", "L2"}}},
			{"replace, the title as written last", store.RolloutRule{Title: "engineer", Ladder: "eng", Track: "ic", Level: "L3"},
				[]store.RolloutRule{{"Designer", "design", "ic", "D1"}, {"engineer", "eng", "ic", "L3"}}},
			{"the empty title", store.RolloutRule{Title: "", Ladder: "eng", Track: "ic", Level: "L1"},
				[]store.RolloutRule{{"", "eng", "ic", "L1"}, {"Designer", "design", "ic", "D1"}, {"engineer", "eng", "ic", "L3"}}},
			{"remove", store.RolloutRule{Title: "DESIGNER "},
				[]store.RolloutRule{{"", "eng", "ic", "L1"}, {"engineer", "eng", "ic", "L3"}}},
			{"remove what is not there", store.RolloutRule{Title: "Pilot"},
				[]store.RolloutRule{{"", "eng", "ic", "L1"}, {"engineer", "eng", "ic", "L3"}}},
		}
		for _, step := range steps {
			if err := s.SetRolloutRule(ctx, r.ID, step.rule); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			got, err := s.RolloutRules(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, step.want) {
				t.Errorf("%s: rules %+v, want %+v", step.name, got, step.want)
			}
		}
		errs := []struct {
			name    string
			rollout int64
			rule    store.RolloutRule
			want    error // nil: a validation error
		}{
			{"level without a ladder", r.ID, store.RolloutRule{Title: "Pilot", Track: "ic", Level: "L1"}, nil},
			{"unknown rollout", 9999, store.RolloutRule{Title: "Pilot", Ladder: "eng", Track: "ic", Level: "L1"}, store.ErrNotFound},
		}
		for _, tt := range errs {
			err := s.SetRolloutRule(ctx, tt.rollout, tt.rule)
			checkFailure(t, tt.name, err, tt.want)
		}
		// Rules are per rollout.
		if other, err := s.RolloutRules(ctx, 9999); err != nil || len(other) != 0 || other == nil {
			t.Errorf("rules of an unknown rollout: %#v, %v; want empty", other, err)
		}
	})
}

func TestProposals(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st := makeStaff(t, s)
		r := mustRollout(t, s, st["Grace"].ID)
		mapStaff(t, s, r.ID, st)
		all, err := s.Proposals(ctx, r.ID, store.ProposalFilter{})
		if err != nil {
			t.Fatal(err)
		}
		type want struct {
			name, ladder, track, level string
			status                     store.ProposalStatus
			note                       string
			by                         string
		}
		wantAll := []want{
			{"Ada", "eng", "ic", "L2", store.Mapped, "", ""},
			{"Bob", "eng", "ic", "L2", store.Mapped, "", ""},
			{"Cy", "design", "ic", "D2", store.Reviewed, "", "Grace"}, // the review wins over the rule
			{"Dee", "", "", "", store.Unmapped, "", ""},
			{"Fay", "", "", "", store.Unmapped, "", ""},
			{"Gus", "eng", "ic", "L3", store.Reviewed, "strong", "Fay"},
			{"Hal", "eng", "ic", "L2", store.Mapped, "", ""},
		}
		if len(all) != len(wantAll) {
			t.Fatalf("%d proposals, want %d: %+v", len(all), len(wantAll), all)
		}
		for i, w := range wantAll {
			p := all[i]
			if p.Person != st[w.name] || p.Ladder != w.ladder || p.Track != w.track || p.Level != w.level || p.Status != w.status ||
				p.Note != w.note || p.ReviewedBy != st[w.by].ID || p.ReviewedAt.IsZero() != (w.by == "") {
				t.Errorf("proposal %d = %+v, want %+v", i, p, w)
			}
		}
		tests := []struct {
			name   string
			filter store.ProposalFilter
			want   []string
		}{
			{"mapped", store.ProposalFilter{Status: store.Mapped}, []string{"Ada", "Bob", "Hal"}},
			{"reviewed", store.ProposalFilter{Status: store.Reviewed}, []string{"Cy", "Gus"}},
			{"unmapped", store.ProposalFilter{Status: store.Unmapped}, []string{"Dee", "Fay"}},
			{"under a manager, two levels", store.ProposalFilter{Under: st["Grace"].ID}, []string{"Ada", "Bob", "Cy", "Dee", "Fay", "Gus"}},
			{"under a manager, reviewed", store.ProposalFilter{Under: st["Grace"].ID, Status: store.Reviewed}, []string{"Cy", "Gus"}},
			{"under a manager of one", store.ProposalFilter{Under: st["Fay"].ID}, []string{"Gus"}},
			{"under someone without reports", store.ProposalFilter{Under: st["Hal"].ID}, []string{}},
			{"paged", store.ProposalFilter{Limit: 2, Offset: 1}, []string{"Bob", "Cy"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ps, err := s.Proposals(ctx, r.ID, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				got := []string{}
				for _, p := range ps {
					got = append(got, p.Person.Name)
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("Proposals = %v, want %v", got, tt.want)
				}
				all := tt.filter
				all.Limit, all.Offset = store.MaxLimit, 0
				unpaged, _ := s.Proposals(ctx, r.ID, all)
				if n, err := s.CountProposals(ctx, r.ID, tt.filter); err != nil || n != len(unpaged) {
					t.Errorf("CountProposals = %d, %v; want %d", n, err, len(unpaged))
				}
			})
		}
		for _, f := range []store.ProposalFilter{{Status: "maybe"}, {Limit: -1}, {Limit: store.MaxLimit + 1}, {Offset: -1}} {
			if _, err := s.Proposals(ctx, r.ID, f); err == nil {
				t.Errorf("Proposals(%+v): no error", f)
			}
		}
		if _, err := s.CountProposals(ctx, r.ID, store.ProposalFilter{Status: "maybe"}); err == nil {
			t.Error("CountProposals of an unknown status: no error")
		}
	})
}

func TestReviewProposal(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st := makeStaff(t, s)
		r := mustRollout(t, s, st["Grace"].ID)
		review := store.RolloutReview{PersonID: st["Dee"].ID, Ladder: "eng", Track: "ic", Level: "L1", Note: "first", ReviewedBy: st["Grace"].ID}
		if err := s.ReviewProposal(ctx, r.ID, review); err != nil {
			t.Fatal(err)
		}
		// A second review replaces the first.
		review.Level, review.Note, review.ReviewedBy = "L2", "second", st["Fay"].ID
		if err := s.ReviewProposal(ctx, r.ID, review); err != nil {
			t.Fatal(err)
		}
		ps, err := s.Proposals(ctx, r.ID, store.ProposalFilter{Status: store.Reviewed})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 1 || ps[0].Person.ID != st["Dee"].ID || ps[0].Level != "L2" || ps[0].Note != "second" || ps[0].ReviewedBy != st["Fay"].ID {
			t.Errorf("reviewed proposals %+v", ps)
		}
		ok := store.RolloutReview{PersonID: st["Ada"].ID, Ladder: "eng", Track: "ic", Level: "L1"}
		tests := []struct {
			name    string
			rollout int64
			change  func(r *store.RolloutReview)
			want    error // nil: a validation error
		}{
			{"levelled already", r.ID, func(r *store.RolloutReview) { r.PersonID = st["Grace"].ID }, store.ErrConflict},
			{"has left", r.ID, func(r *store.RolloutReview) { r.PersonID = st["Eve"].ID }, store.ErrConflict},
			{"unknown person", r.ID, func(r *store.RolloutReview) { r.PersonID = 9999 }, store.ErrConflict},
			{"unknown rollout", 9999, func(r *store.RolloutReview) {}, store.ErrNotFound},
			{"no level", r.ID, func(r *store.RolloutReview) { r.Level = " " }, nil},
			{"no ladder", r.ID, func(r *store.RolloutReview) { r.Ladder = "" }, nil},
		}
		for _, tt := range tests {
			rv := ok
			tt.change(&rv)
			err := s.ReviewProposal(ctx, tt.rollout, rv)
			checkFailure(t, tt.name, err, tt.want)
		}
		if n, err := s.CountProposals(ctx, r.ID, store.ProposalFilter{Status: store.Reviewed}); err != nil || n != 1 {
			t.Errorf("%d reviewed after the failures, %v; want 1", n, err)
		}
	})
}

func TestRolloutProgress(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st := makeStaff(t, s)
		r := mustRollout(t, s, st["Grace"].ID)
		mapStaff(t, s, r.ID, st)
		type counts struct{ people, levelled, mapped, reviewed, unmapped int }
		check := func(when string, want map[string]counts, order []string) {
			t.Helper()
			teams, err := s.RolloutProgress(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, team := range teams {
				got = append(got, team.Manager.Name)
				if team.Manager != st[team.Manager.Name] {
					t.Errorf("%s: manager %+v, want %+v", when, team.Manager, st[team.Manager.Name])
				}
				c := counts{team.People, team.Levelled, team.Mapped, team.Reviewed, team.Unmapped}
				if c != want[team.Manager.Name] {
					t.Errorf("%s: team of %q: %+v, want %+v", when, team.Manager.Name, c, want[team.Manager.Name])
				}
			}
			if !slices.Equal(got, order) {
				t.Errorf("%s: teams %q, want %q", when, got, order)
			}
		}
		// People without a manager first (Grace, levelled, and Hal, mapped), then by manager
		// name; Eve has left and is not counted.
		order := []string{"", "Fay", "Grace"}
		check("before applying", map[string]counts{
			"":      {people: 2, levelled: 1, mapped: 1},
			"Fay":   {people: 1, reviewed: 1},
			"Grace": {people: 5, mapped: 2, reviewed: 1, unmapped: 2},
		}, order)
		if _, err := s.ApplyRollout(ctx, r.ID, st["Grace"].ID, day("2025-01-01")); err != nil {
			t.Fatal(err)
		}
		check("after applying", map[string]counts{
			"":      {people: 2, levelled: 2},
			"Fay":   {people: 1, levelled: 1},
			"Grace": {people: 5, levelled: 3, unmapped: 2},
		}, order)
	})
}

func TestApplyRollout(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st := makeStaff(t, s)
		r := mustRollout(t, s, st["Grace"].ID)
		mapStaff(t, s, r.ID, st)
		n, err := s.ApplyRollout(ctx, r.ID, st["Grace"].ID, day("2025-02-03"))
		if err != nil {
			t.Fatal(err)
		}
		if n != 5 {
			t.Errorf("levelled %d, want 5 (Ada, Bob, Hal mapped; Cy, Gus reviewed)", n)
		}
		levels := map[string]string{"Ada": "eng/ic/L2", "Bob": "eng/ic/L2", "Hal": "eng/ic/L2", "Cy": "design/ic/D2", "Gus": "eng/ic/L3",
			"Dee": "//", "Fay": "//", "Eve": "//", "Grace": "eng/mgr/M3"}
		notes := map[string]string{"Gus": "strong"}
		for name, want := range levels {
			p, err := s.Person(ctx, st[name].ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Ladder + "/" + p.Track + "/" + p.Level; got != want {
				t.Errorf("%s's level %s, want %s", name, got, want)
			}
			history, err := s.LevelHistory(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if name == "Grace" || want == "//" {
				if len(history) > 1 || (len(history) == 1 && history[0].Reason != store.Hire) {
					t.Errorf("%s's history %+v: the rollout should not have touched it", name, history)
				}
				continue
			}
			// The current level is the last history row's.
			if len(history) != 1 {
				t.Fatalf("%s's history %+v, want one row", name, history)
			}
			h := history[0]
			if h.Reason != store.RolloutReason || h.FromLevel != "" || h.ToLevel != p.Level || h.Ladder != p.Ladder || h.Track != p.Track ||
				!h.Date.Equal(day("2025-02-03")) || h.MadeBy != st["Grace"].ID || h.Note != notes[name] {
				t.Errorf("%s's history row %+v", name, h)
			}
		}
		// Closed: applying again, changing it or discarding it is a conflict.
		if _, err := s.ApplyRollout(ctx, r.ID, st["Grace"].ID, day("2025-02-03")); !errors.Is(err, store.ErrConflict) {
			t.Errorf("applying twice: %v, want ErrConflict", err)
		}
		if err := s.SetRolloutRule(ctx, r.ID, store.RolloutRule{Title: "Manager", Ladder: "eng", Track: "mgr", Level: "M1"}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("a rule for an applied rollout: %v, want ErrConflict", err)
		}
		if err := s.ReviewProposal(ctx, r.ID, store.RolloutReview{PersonID: st["Dee"].ID, Ladder: "eng", Track: "ic", Level: "L1"}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("a review in an applied rollout: %v, want ErrConflict", err)
		}
		if err := s.DiscardRollout(ctx, r.ID); !errors.Is(err, store.ErrConflict) {
			t.Errorf("discarding an applied rollout: %v, want ErrConflict", err)
		}
		// The proposals of the applied rollout are gone from it: their people are levelled.
		if n, err := s.CountProposals(ctx, r.ID, store.ProposalFilter{}); err != nil || n != 2 {
			t.Errorf("%d proposals left, %v; want 2 (Dee and Fay)", n, err)
		}
		if _, err := s.ApplyRollout(ctx, 9999, 0, day("2025-02-03")); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("applying an unknown rollout: %v, want ErrNotFound", err)
		}
		// A failed apply leaves the open rollout open: an unknown maker breaks a foreign key.
		next := mustRollout(t, s, 0)
		if err := s.SetRolloutRule(ctx, next.ID, store.RolloutRule{Title: "Manager", Ladder: "eng", Track: "mgr", Level: "M1"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ApplyRollout(ctx, next.ID, 9999, day("2025-02-03")); !errors.Is(err, store.ErrConflict) {
			t.Errorf("applying with an unknown maker: %v, want ErrConflict", err)
		}
		if again := mustRollout(t, s, 0); again != next {
			t.Errorf("after a failed apply, open rollout %+v, want %+v", again, next)
		}
		if p, _ := s.Person(ctx, st["Fay"].ID); p.Level != "" {
			t.Errorf("Fay levelled %q by a failed apply", p.Level)
		}
		if _, err := s.ApplyRollout(ctx, next.ID, 0, day("2025-02-03")); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.Person(ctx, st["Fay"].ID); p.Level != "M1" {
			t.Errorf("Fay's level %q, want M1", p.Level)
		}
		if _, err := s.ApplyRollout(ctx, next.ID, 0, day("0001-01-01")); err == nil {
			t.Error("applying without a date: no error")
		}
	})
}

func TestDiscardRollout(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st := makeStaff(t, s)
		r := mustRollout(t, s, st["Grace"].ID)
		mapStaff(t, s, r.ID, st)
		if err := s.DiscardRollout(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		if rules, err := s.RolloutRules(ctx, r.ID); err != nil || len(rules) != 0 {
			t.Errorf("rules after discarding: %+v, %v", rules, err)
		}
		if n, err := s.CountProposals(ctx, r.ID, store.ProposalFilter{Status: store.Unmapped}); err != nil || n != 7 {
			t.Errorf("%d unmapped after discarding, %v; want all 7 covered", n, err)
		}
		for _, name := range []string{"Ada", "Cy", "Gus"} {
			if p, _ := s.Person(ctx, st[name].ID); p.Level != "" {
				t.Errorf("%s levelled %q by a discarded rollout", name, p.Level)
			}
		}
		if err := s.DiscardRollout(ctx, r.ID); !errors.Is(err, store.ErrConflict) {
			t.Errorf("discarding twice: %v, want ErrConflict", err)
		}
		if _, err := s.ApplyRollout(ctx, r.ID, 0, day("2025-01-01")); !errors.Is(err, store.ErrConflict) {
			t.Errorf("applying a discarded rollout: %v, want ErrConflict", err)
		}
		if err := s.SetRolloutRule(ctx, r.ID, store.RolloutRule{Title: "Engineer", Ladder: "eng", Track: "ic", Level: "L1"}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("a rule for a discarded rollout: %v, want ErrConflict", err)
		}
		if err := s.DiscardRollout(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("discarding an unknown rollout: %v, want ErrNotFound", err)
		}
		// A new rollout starts from nothing.
		next := mustRollout(t, s, 0)
		if next.ID == r.ID {
			t.Error("the discarded rollout opened again")
		}
		if n, err := s.CountProposals(ctx, next.ID, store.ProposalFilter{Status: store.Unmapped}); err != nil || n != 7 {
			t.Errorf("%d unmapped in the new rollout, %v; want 7", n, err)
		}
	})
}
