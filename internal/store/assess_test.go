package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
)

// assessOrg is a small organisation for cycle tests: boss manages lead, lead manages ann and
// bob; cat is on another ladder; new has no level; gone has left.
type assessOrg struct {
	boss, lead, ann, bob, cat, unlevelled, gone store.Person
}

func makeAssessOrg(t *testing.T, s *store.Store) assessOrg {
	t.Helper()
	ctx := context.Background()
	var o assessOrg
	o.boss = mustPerson(t, s, "Boss", "boss@example.com", 0)
	o.lead = mustPerson(t, s, "Lead", "lead@example.com", o.boss.ID)
	o.ann = mustPerson(t, s, "Ann", "ann@example.com", o.lead.ID)
	o.bob = mustPerson(t, s, "Bob", "bob@example.com", o.lead.ID)
	o.cat = mustPerson(t, s, "Cat", "cat@example.com", o.boss.ID)
	o.unlevelled = mustPerson(t, s, "New", "new@example.com", o.lead.ID)
	o.gone = mustPerson(t, s, "Gone", "gone@example.com", o.lead.ID)
	level := func(p *store.Person, ladder, lv, when string) {
		if _, err := s.AddLevelChange(ctx, store.LevelChange{PersonID: p.ID, Ladder: ladder, Track: "ic", ToLevel: lv,
			Date: day(when), Reason: store.Hire}); err != nil {
			t.Fatal(err)
		}
		*p, _ = s.Person(ctx, p.ID)
	}
	level(&o.boss, "eng", "staff", "2020-01-01")
	level(&o.lead, "eng", "senior", "2022-01-01")
	level(&o.ann, "eng", "engineer", "2023-01-01")
	level(&o.bob, "eng", "engineer", "2024-01-01")
	level(&o.cat, "design", "designer", "2024-01-01")
	level(&o.gone, "eng", "engineer", "2024-01-01")
	o.gone.Status = store.Left
	if _, err := s.UpdatePerson(ctx, o.gone); err != nil {
		t.Fatal(err)
	}
	return o
}

func newCycle(name string, scope store.CycleScope) store.Cycle {
	return store.Cycle{Name: name, StartsOn: day("2025-01-06"), EndsOn: day("2025-01-31"), Scope: scope, IncludeNext: true,
		FrameworkVersion: "abc123", FrameworkJSON: []byte(`{"format":1,"title":"Test"}` + "\n")}
}

func participantIDs(t *testing.T, s *store.Store, cycle int64, f store.ParticipantFilter) []int64 {
	t.Helper()
	ps, err := s.Participants(context.Background(), cycle, f)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, p := range ps {
		ids = append(ids, p.Person.ID)
	}
	slices.Sort(ids)
	return ids
}

func TestOpenCycleTakesInItsScope(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeAssessOrg(t, s)
		ids := func(ps ...store.Person) []int64 {
			var out []int64
			for _, p := range ps {
				out = append(out, p.ID)
			}
			slices.Sort(out)
			return out
		}
		cases := []struct {
			name    string
			cycle   store.Cycle
			ladders []string
			want    []int64
		}{
			{"everyone levelled and active", newCycle("All", store.ScopeEveryone), []string{"eng", "design"}, ids(o.boss, o.lead, o.ann, o.bob, o.cat)},
			{"only ladders the framework has", newCycle("Known", store.ScopeEveryone), []string{"eng"}, ids(o.boss, o.lead, o.ann, o.bob)},
			{"one ladder", func() store.Cycle { c := newCycle("Design", store.ScopeLadder); c.ScopeLadder = "design"; return c }(), []string{"eng", "design"}, ids(o.cat)},
			{"a team", func() store.Cycle { c := newCycle("Team", store.ScopeTeam); c.ScopeManager = o.lead.ID; return c }(), []string{"eng", "design"}, ids(o.ann, o.bob)},
		}
		for _, tc := range cases {
			c, n, err := s.OpenCycle(ctx, tc.cycle, tc.ladders)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if n != len(tc.want) {
				t.Errorf("%s: took in %d, want %d", tc.name, n, len(tc.want))
			}
			if got := participantIDs(t, s, c.ID, store.ParticipantFilter{}); !slices.Equal(got, tc.want) {
				t.Errorf("%s: people %v, want %v", tc.name, got, tc.want)
			}
			back, err := s.Cycle(ctx, c.ID)
			if err != nil || back.Name != tc.cycle.Name || string(back.FrameworkJSON) != string(tc.cycle.FrameworkJSON) ||
				back.FrameworkVersion != "abc123" || !back.IncludeNext || !back.Open() || !back.StartsOn.Equal(day("2025-01-06")) {
				t.Errorf("%s: read back %+v, %v", tc.name, back, err)
			}
		}
		// A participant keeps the level they had when the cycle opened, whatever happens after.
		all, _ := s.Cycles(ctx)
		first := all[len(all)-1]
		if _, err := s.AddLevelChange(ctx, store.LevelChange{PersonID: o.ann.ID, Ladder: "eng", Track: "ic", ToLevel: "senior",
			Date: day("2025-02-01"), Reason: store.Promotion}); err != nil {
			t.Fatal(err)
		}
		p, err := s.Participant(ctx, first.ID, o.ann.ID)
		if err != nil || p.Level != "engineer" || p.Person.Level != "senior" || p.ManagerID != o.lead.ID || p.Status != store.NotStarted {
			t.Errorf("ann in the first cycle: %+v, %v", p, err)
		}
		if _, err := s.Participant(ctx, first.ID, o.unlevelled.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("someone not in the cycle: %v, want not found", err)
		}
		mine, err := s.CyclesOf(ctx, o.ann.ID)
		if err != nil || len(mine) != 3 || mine[0].Cycle.Name != "Team" {
			t.Errorf("ann's cycles: %+v, %v", mine, err)
		}
		// Below a manager, and by status.
		if got := participantIDs(t, s, first.ID, store.ParticipantFilter{Under: o.lead.ID}); !slices.Equal(got, ids(o.ann, o.bob)) {
			t.Errorf("below lead: %v", got)
		}
		if n, err := s.CountParticipants(ctx, first.ID, store.ParticipantFilter{Under: o.boss.ID, Status: store.NotStarted}); err != nil || n != 4 {
			t.Errorf("not started below boss: %d, %v", n, err)
		}
	})
}

func TestOpenCycleRefusesBadCycles(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for name, change := range map[string]func(*store.Cycle){
			"no name":          func(c *store.Cycle) { c.Name = " " },
			"ends before":      func(c *store.Cycle) { c.EndsOn = day("2024-12-31") },
			"no framework":     func(c *store.Cycle) { c.FrameworkJSON = nil },
			"ladder without":   func(c *store.Cycle) { c.Scope = store.ScopeLadder },
			"team without":     func(c *store.Cycle) { c.Scope = store.ScopeTeam },
			"unknown scope":    func(c *store.Cycle) { c.Scope = "some" },
			"control in name":  func(c *store.Cycle) { c.Name = "a\tb" },
			"no dates at all":  func(c *store.Cycle) { c.StartsOn = time.Time{} },
			"snapshot not utf": func(c *store.Cycle) { c.FrameworkJSON = []byte{0xff} },
		} {
			c := newCycle("Cycle", store.ScopeEveryone)
			change(&c)
			_, _, err := s.OpenCycle(ctx, c, []string{"eng"})
			checkFailure(t, name, err, nil)
		}
		if all, _ := s.Cycles(ctx); len(all) != 0 {
			t.Errorf("refused cycles were stored: %+v", all)
		}
	})
}

func TestAssessmentSteps(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeAssessOrg(t, s)
		c, _, err := s.OpenCycle(ctx, newCycle("H1", store.ScopeEveryone), []string{"eng", "design"})
		if err != nil {
			t.Fatal(err)
		}
		ann := o.ann.ID
		self := []store.Rating{
			{Level: "engineer", Expectation: "ships", Rating: "consistently", Score: 2, Evidence: "Shipped [the importer](https://example.com/pr/1)."},
			{Level: "engineer", Expectation: "reviews", Rating: "sometimes", Score: 1},
			{Level: "senior", Expectation: "leads", Evidence: "Not rated yet, notes only."},
		}
		if n, err := s.SaveRatings(ctx, c.ID, ann, store.SelfSide, ann, self, ""); err != nil || n != 3 {
			t.Fatalf("save draft: %d, %v", n, err)
		}
		// Saving the same again changes nothing; clearing one removes it.
		self[2].Evidence = ""
		if n, err := s.SaveRatings(ctx, c.ID, ann, store.SelfSide, ann, self, ""); err != nil || n != 1 {
			t.Fatalf("save again: %d, %v", n, err)
		}
		got, err := s.Ratings(ctx, c.ID, ann, store.SelfSide)
		if err != nil || len(got) != 2 || got[0].Expectation != "reviews" || got[0].Score != 1 || got[1].Evidence != self[0].Evidence || got[1].UpdatedBy != ann {
			t.Fatalf("ratings: %+v, %v", got, err)
		}
		// Sharing and acknowledging wait for their step.
		checkFailure(t, "share before the manager submits", s.Share(ctx, c.ID, ann), store.ErrWrongStep)
		checkFailure(t, "acknowledge before sharing", s.Acknowledge(ctx, c.ID, ann, ""), store.ErrWrongStep)

		if err := s.Submit(ctx, c.ID, ann, store.SelfSide, ann); err != nil {
			t.Fatal(err)
		}
		checkFailure(t, "submit twice", s.Submit(ctx, c.ID, ann, store.SelfSide, ann), store.ErrWrongStep)
		// Submitted: a change needs a reason, and is kept as an amendment.
		self[1].Rating, self[1].Score = "consistently", 2
		_, err = s.SaveRatings(ctx, c.ID, ann, store.SelfSide, ann, self, "")
		checkFailure(t, "amend without a reason", err, store.ErrWrongStep)
		if n, err := s.SaveRatings(ctx, c.ID, ann, store.SelfSide, ann, self, "Forgot the reviews of Q4."); err != nil || n != 1 {
			t.Fatalf("amend: %d, %v", n, err)
		}
		am, err := s.Amendments(ctx, c.ID, ann)
		if err != nil || len(am) != 1 || am[0].OldRating != "sometimes" || am[0].NewRating != "consistently" ||
			am[0].Reason != "Forgot the reviews of Q4." || am[0].MadeBy != ann || am[0].Side != store.SelfSide {
			t.Errorf("amendments: %+v, %v", am, err)
		}
		p, _ := s.Participant(ctx, c.ID, ann)
		if p.Status != store.SelfSubmitted {
			t.Errorf("status %s, want self-submitted", p.Status)
		}

		// The manager's side is separate; drafts are not amendments.
		mgr := []store.Rating{{Level: "engineer", Expectation: "ships", Rating: "sometimes", Score: 1, Evidence: "Needed help twice."}}
		if _, err := s.SaveRatings(ctx, c.ID, ann, store.ManagerSide, o.lead.ID, mgr, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.Submit(ctx, c.ID, ann, store.ManagerSide, o.lead.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Share(ctx, c.ID, ann); err != nil {
			t.Fatal(err)
		}
		checkFailure(t, "share twice", s.Share(ctx, c.ID, ann), store.ErrWrongStep)
		checkFailure(t, "a note with a control character", s.Acknowledge(ctx, c.ID, ann, "a\x00b"), nil)
		if err := s.Acknowledge(ctx, c.ID, ann, "Thanks,\nagreed."); err != nil {
			t.Fatal(err)
		}
		p, _ = s.Participant(ctx, c.ID, ann)
		if p.Status != store.Acknowledged || p.ManagerBy != o.lead.ID || p.AcknowledgeNote != "Thanks,\nagreed." || p.SharedAt.IsZero() {
			t.Errorf("after acknowledging: %+v", p)
		}

		// Bad input is refused whole.
		_, err = s.SaveRatings(ctx, c.ID, o.bob.ID, store.SelfSide, o.bob.ID, []store.Rating{
			{Level: "engineer", Expectation: "ships", Rating: "sometimes", Score: 1},
			{Level: "engineer", Expectation: "reviews", Evidence: "bad \u202e text"},
		}, "")
		checkFailure(t, "evidence with a direction mark", err, nil)
		if got, _ := s.Ratings(ctx, c.ID, o.bob.ID, store.SelfSide); len(got) != 0 {
			t.Errorf("half a refused save was kept: %+v", got)
		}
		_, err = s.SaveRatings(ctx, c.ID, o.unlevelled.ID, store.SelfSide, o.unlevelled.ID, mgr, "")
		checkFailure(t, "someone not in the cycle", err, store.ErrNotFound)

		// Closed: nothing changes any more.
		if err := s.CloseCycle(ctx, c.ID, o.boss.ID); err != nil {
			t.Fatal(err)
		}
		checkFailure(t, "close twice", s.CloseCycle(ctx, c.ID, o.boss.ID), store.ErrConflict)
		checkFailure(t, "close a cycle that is not there", s.CloseCycle(ctx, c.ID+100, o.boss.ID), store.ErrNotFound)
		_, err = s.SaveRatings(ctx, c.ID, o.bob.ID, store.SelfSide, o.bob.ID, mgr, "")
		checkFailure(t, "rate in a closed cycle", err, store.ErrCycleClosed)
		checkFailure(t, "submit in a closed cycle", s.Submit(ctx, c.ID, o.bob.ID, store.SelfSide, o.bob.ID), store.ErrCycleClosed)
	})
}

func TestAssessmentReports(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeAssessOrg(t, s)
		c, _, err := s.OpenCycle(ctx, newCycle("H1", store.ScopeEveryone), []string{"eng", "design"})
		if err != nil {
			t.Fatal(err)
		}
		rate := func(person store.Person, side store.Side, by int64, scores map[string]int) {
			t.Helper()
			var rs []store.Rating
			for key, score := range scores {
				lv, id, _ := cut(key)
				rs = append(rs, store.Rating{Level: lv, Expectation: id, Rating: []string{"not-yet", "sometimes", "consistently", "role-model"}[score], Score: score})
			}
			if _, err := s.SaveRatings(ctx, c.ID, person.ID, side, by, rs, ""); err != nil {
				t.Fatal(err)
			}
			if err := s.Submit(ctx, c.ID, person.ID, side, by); err != nil {
				t.Fatal(err)
			}
		}
		// Lead rates ann and bob; boss rates lead. Ann's self-ratings are higher than lead's.
		rate(o.ann, store.SelfSide, o.ann.ID, map[string]int{"engineer/a": 3, "engineer/b": 3, "senior/c": 2})
		rate(o.ann, store.ManagerSide, o.lead.ID, map[string]int{"engineer/a": 2, "engineer/b": 1, "senior/c": 2, "senior/d": 2})
		rate(o.bob, store.ManagerSide, o.lead.ID, map[string]int{"engineer/a": 1, "senior/c": 0})
		rate(o.lead, store.ManagerSide, o.boss.ID, map[string]int{"senior/a": 3, "staff/b": 2})
		if err := s.Share(ctx, c.ID, o.lead.ID); err != nil {
			t.Fatal(err)
		}

		done, err := s.Completion(ctx, c.ID, 0)
		want := []store.StatusCount{{store.NotStarted, 2}, {store.SelfSubmitted, 0}, {store.ManagerSubmitted, 2}, {store.Shared, 1}, {store.Acknowledged, 0}}
		if err != nil || !slices.Equal(done, want) {
			t.Errorf("completion: %v, %v; want %v", done, err, want)
		}
		done, _ = s.Completion(ctx, c.ID, o.lead.ID)
		if done[2].People != 2 || done[0].People != 0 || done[3].People != 0 {
			t.Errorf("completion below lead: %v", done)
		}

		levels, err := s.LevelDistribution(ctx, c.ID, 0, false)
		if err != nil || len(levels) != 4 || levels[1] != (store.LevelCount{Ladder: "eng", Track: "ic", Level: "engineer", People: 2}) {
			t.Errorf("levels: %+v, %v", levels, err)
		}
		teams, err := s.LevelDistribution(ctx, c.ID, 0, true)
		found := false
		for _, tc := range teams {
			if tc.ManagerName == "Lead" && tc.Level == "engineer" && tc.People == 2 {
				found = true
			}
		}
		if err != nil || !found {
			t.Errorf("levels by team: %+v, %v", teams, err)
		}

		cal, total, err := s.Calibration(ctx, c.ID, 0, 10, 0)
		if err != nil || total != len(cal) {
			t.Fatalf("calibration: %d of %d, %v", len(cal), total, err)
		}
		count := func(rater int64, side store.Side, score int) int {
			for _, rc := range cal {
				if rc.Rater == rater && side == store.ManagerSide {
					return rc.Manager[score]
				}
				if rc.Rater == rater {
					return rc.Self[score]
				}
			}
			return 0
		}
		if count(o.lead.ID, store.ManagerSide, 2) != 3 || count(o.lead.ID, store.SelfSide, 3) != 2 || count(o.boss.ID, store.ManagerSide, 3) != 1 ||
			count(o.lead.ID, store.ManagerSide, 0) != 1 {
			t.Errorf("calibration: %+v", cal)
		}
		// A page at a time, the largest gap between the means first.
		for i := 1; i < len(cal); i++ {
			if cal[i].Gap > cal[i-1].Gap {
				t.Errorf("calibration order: %+v", cal)
			}
		}
		for i := range cal {
			one, total, err := s.Calibration(ctx, c.ID, 0, 1, i)
			if err != nil || total != len(cal) || len(one) != 1 || one[0].Rater != cal[i].Rater {
				t.Errorf("calibration page %d: %+v of %d, %v", i, one, total, err)
			}
		}
		if none, _, err := s.Calibration(ctx, c.ID, 0, 10, len(cal)); err != nil || len(none) != 0 {
			t.Errorf("calibration past the end: %+v, %v", none, err)
		}

		// The largest teams, the largest first, as many as asked for.
		big, teamsTotal, err := s.LargestTeams(ctx, c.ID, 0, 1)
		if err != nil || teamsTotal < 2 || len(big) == 0 {
			t.Fatalf("largest teams: %+v of %d, %v", big, teamsTotal, err)
		}
		for _, tc := range big {
			if tc.ManagerID != big[0].ManagerID {
				t.Errorf("largest team: more than one team %+v", big)
			}
		}
		sizes := map[int64]int{}
		for _, tc := range teams {
			sizes[tc.ManagerID] += tc.People
		}
		for id, n := range sizes {
			if n > sizes[big[0].ManagerID] {
				t.Errorf("largest team: %d has %d, more than %+v", id, n, big)
			}
		}

		ready, err := s.NextLevelReadiness(ctx, c.ID, 0, 2)
		// Ann shows 2 of the next level, Bob none, Lead 1: a person at each count.
		people := map[int]int{}
		for _, r := range ready {
			people[r.Shown] += r.People
		}
		if err != nil || len(people) != 3 || people[2] != 1 || people[0] != 1 || people[1] != 1 {
			t.Errorf("readiness: %+v, %v", ready, err)
		}

		tenure, err := s.TimeInLevel(ctx, c.ID, 0, day("2025-01-01"))
		var eng store.LevelTenure
		for _, tl := range tenure {
			if tl.Level == "engineer" {
				eng = tl
			}
		}
		// Ann since 2023-01-01 (731 days), Bob since 2024-01-01 (366).
		if err != nil || eng.People != 2 || eng.MaxDays != 731 || eng.AvgDays != 548.5 {
			t.Errorf("time in level: %+v, %v", tenure, err)
		}

		rows, err := s.ReportRows(ctx, c.ID, o.lead.ID)
		if err != nil || len(rows) != 2 || rows[0].Person.Name != "Ann" || rows[0].SelfRated != 3 || rows[0].MgrRated != 4 ||
			rows[0].MgrAvg != 1.75 || rows[0].ManagerName != "Lead" || !rows[0].LevelSince.Equal(day("2023-01-01")) || rows[1].SelfAvg != -1 {
			t.Errorf("report rows: %+v, %v", rows, err)
		}
	})
}

func cut(key string) (string, string, bool) {
	for i := range key {
		if key[i] == '/' {
			return key[:i], key[i+1:], true
		}
	}
	return key, "", false
}

func TestLoadAssessments(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeAssessOrg(t, s)
		c, _, err := s.OpenCycle(ctx, newCycle("H1", store.ScopeEveryone), []string{"eng", "design"})
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)
		ann := store.LoadedAssessment{PersonID: o.ann.ID, SelfSubmittedAt: at, ManagerSubmittedAt: at, ManagerBy: o.lead.ID, SharedAt: at,
			Ratings: []store.Rating{
				{Side: store.SelfSide, Level: "engineer", Expectation: "a", Rating: "role-model", Score: 3, Evidence: "Led the **migration**."},
				{Side: store.ManagerSide, Level: "engineer", Expectation: "a", Rating: "consistently", Score: 2},
				{Side: store.ManagerSide, Level: "senior", Expectation: "c", Evidence: "Not rated yet", Score: -1},
			}}
		// Bad evidence refuses the whole load: nothing of ann's is written either.
		bad := store.LoadedAssessment{PersonID: o.bob.ID, Ratings: []store.Rating{{Side: store.SelfSide, Level: "engineer", Expectation: "a", Evidence: "a\x00b"}}}
		if err := s.LoadAssessments(ctx, c.ID, []store.LoadedAssessment{ann, bad}); err == nil {
			t.Fatal("evidence with a NUL was loaded")
		}
		if rs, _ := s.Ratings(ctx, c.ID, o.ann.ID, store.SelfSide); len(rs) != 0 {
			t.Fatalf("a refused load wrote %+v", rs)
		}
		// Someone not in the cycle refuses the load too.
		if err := s.LoadAssessments(ctx, c.ID, []store.LoadedAssessment{ann, {PersonID: o.unlevelled.ID}}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("load of someone not in the cycle: %v", err)
		}
		if err := s.LoadAssessments(ctx, c.ID, []store.LoadedAssessment{ann}); err != nil {
			t.Fatal(err)
		}
		self, err := s.Ratings(ctx, c.ID, o.ann.ID, store.SelfSide)
		if err != nil || len(self) != 1 || self[0].Score != 3 || self[0].Evidence != "Led the **migration**." || self[0].UpdatedBy != o.ann.ID {
			t.Errorf("self ratings: %+v, %v", self, err)
		}
		mgr, err := s.Ratings(ctx, c.ID, o.ann.ID, store.ManagerSide)
		if err != nil || len(mgr) != 2 || mgr[0].Score != 2 || mgr[1].Score != -1 || mgr[1].Rating != "" || mgr[0].UpdatedBy != o.lead.ID {
			t.Errorf("manager ratings: %+v, %v", mgr, err)
		}
		p, err := s.Participant(ctx, c.ID, o.ann.ID)
		if err != nil || p.Status != store.Shared || p.ManagerBy != o.lead.ID || !p.SelfSubmittedAt.Equal(at) {
			t.Errorf("ann in the cycle: %+v, %v", p, err)
		}
		// The reports count what was loaded.
		cal, _, err := s.Calibration(ctx, c.ID, 0, 10, 0)
		if err != nil || len(cal) != 1 {
			t.Errorf("calibration: %+v, %v", cal, err)
		}
		if err := s.CloseCycle(ctx, c.ID, o.boss.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.LoadAssessments(ctx, c.ID, []store.LoadedAssessment{{PersonID: o.bob.ID}}); !errors.Is(err, store.ErrCycleClosed) {
			t.Errorf("load into a closed cycle: %v", err)
		}
	})
}

// OpenCyclesOf lists the open cycles alone, newest first, each saying whether the person is
// in it and where their assessment stands, as Cycles and CyclesOf together say it.
func TestOpenCyclesOf(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeAssessOrg(t, s)
		closed, _, err := s.OpenCycle(ctx, newCycle("H0", store.ScopeEveryone), []string{"eng"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CloseCycle(ctx, closed.ID, o.boss.ID); err != nil {
			t.Fatal(err)
		}
		design, _, err := s.OpenCycle(ctx, newCycle("Design H1", store.ScopeEveryone), []string{"design"})
		if err != nil {
			t.Fatal(err)
		}
		eng, _, err := s.OpenCycle(ctx, newCycle("Eng H1", store.ScopeEveryone), []string{"eng"})
		if err != nil {
			t.Fatal(err)
		}
		type got struct {
			Cycle         int64
			In, Submitted bool
			Status        store.AssessmentStatus
		}
		check := func(name string, person int64, want []got) {
			t.Helper()
			list, err := s.OpenCyclesOf(ctx, person)
			if err != nil {
				t.Fatal(err)
			}
			var have []got
			for _, oc := range list {
				have = append(have, got{oc.Cycle.ID, oc.In, oc.SelfSubmitted, oc.Status})
				if oc.Cycle.Name == "" || !oc.Cycle.Open() {
					t.Errorf("%s: cycle %+v", name, oc.Cycle)
				}
			}
			if !slices.Equal(have, want) {
				t.Errorf("%s: %+v, want %+v", name, have, want)
			}
		}
		check("in the eng cycle", o.ann.ID, []got{{eng.ID, true, false, store.NotStarted}, {design.ID, false, false, ""}})
		check("in the design cycle", o.cat.ID, []got{{eng.ID, false, false, ""}, {design.ID, true, false, store.NotStarted}})
		check("in none", o.unlevelled.ID, []got{{eng.ID, false, false, ""}, {design.ID, false, false, ""}})
		if err := s.Submit(ctx, eng.ID, o.ann.ID, store.SelfSide, o.ann.ID); err != nil {
			t.Fatal(err)
		}
		check("self-assessment in", o.ann.ID, []got{{eng.ID, true, true, store.SelfSubmitted}, {design.ID, false, false, ""}})
	})
}
