package assess_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/assess"
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

func newCycle(name string, scope assess.CycleScope) assess.Cycle {
	return assess.Cycle{Name: name, StartsOn: day("2025-01-06"), EndsOn: day("2025-01-31"), Scope: scope, IncludeNext: true,
		FrameworkVersion: "abc123", FrameworkJSON: []byte(`{"format":1,"title":"Test"}` + "\n")}
}

func participantIDs(t *testing.T, s *store.Store, cycle int64, f assess.ParticipantFilter) []int64 {
	t.Helper()
	ps, err := assess.Participants(context.Background(), s, cycle, f)
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
			cycle   assess.Cycle
			ladders []string
			want    []int64
		}{
			{"everyone levelled and active", newCycle("All", assess.ScopeEveryone), []string{"eng", "design"}, ids(o.boss, o.lead, o.ann, o.bob, o.cat)},
			{"only ladders the framework has", newCycle("Known", assess.ScopeEveryone), []string{"eng"}, ids(o.boss, o.lead, o.ann, o.bob)},
			{"one ladder", func() assess.Cycle { c := newCycle("Design", assess.ScopeLadder); c.ScopeLadder = "design"; return c }(), []string{"eng", "design"}, ids(o.cat)},
			{"a team", func() assess.Cycle { c := newCycle("Team", assess.ScopeTeam); c.ScopeManager = o.lead.ID; return c }(), []string{"eng", "design"}, ids(o.ann, o.bob)},
		}
		for _, tc := range cases {
			c, n, err := assess.OpenCycle(ctx, s, tc.cycle, tc.ladders)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if n != len(tc.want) {
				t.Errorf("%s: took in %d, want %d", tc.name, n, len(tc.want))
			}
			if got := participantIDs(t, s, c.ID, assess.ParticipantFilter{}); !slices.Equal(got, tc.want) {
				t.Errorf("%s: people %v, want %v", tc.name, got, tc.want)
			}
			back, err := assess.CycleByID(ctx, s, c.ID)
			if err != nil || back.Name != tc.cycle.Name || string(back.FrameworkJSON) != string(tc.cycle.FrameworkJSON) ||
				back.FrameworkVersion != "abc123" || !back.IncludeNext || !back.Open() || !back.StartsOn.Equal(day("2025-01-06")) {
				t.Errorf("%s: read back %+v, %v", tc.name, back, err)
			}
		}
		// A participant keeps the level they had when the cycle opened, whatever happens after.
		all, _ := assess.Cycles(ctx, s)
		first := all[len(all)-1]
		if _, err := s.AddLevelChange(ctx, store.LevelChange{PersonID: o.ann.ID, Ladder: "eng", Track: "ic", ToLevel: "senior",
			Date: day("2025-02-01"), Reason: store.Promotion}); err != nil {
			t.Fatal(err)
		}
		p, err := assess.ParticipantOf(ctx, s, first.ID, o.ann.ID)
		if err != nil || p.Level != "engineer" || p.Person.Level != "senior" || p.ManagerID != o.lead.ID || p.Status != assess.NotStarted {
			t.Errorf("ann in the first cycle: %+v, %v", p, err)
		}
		if _, err := assess.ParticipantOf(ctx, s, first.ID, o.unlevelled.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("someone not in the cycle: %v, want not found", err)
		}
		mine, err := assess.CyclesOf(ctx, s, o.ann.ID)
		if err != nil || len(mine) != 3 || mine[0].Cycle.Name != "Team" {
			t.Errorf("ann's cycles: %+v, %v", mine, err)
		}
		// Each with her part in it, newest first, the cycle read in full (the first as Cycles
		// gives it).
		for i, pc := range mine {
			if pc.Participant.CycleID != pc.Cycle.ID || pc.Participant.Person.ID != o.ann.ID || i > 0 && pc.Cycle.ID >= mine[i-1].Cycle.ID {
				t.Errorf("ann's cycle %d: %+v", i, pc)
			}
		}
		if len(mine) == 3 && !reflect.DeepEqual(mine[2].Cycle, first) {
			t.Errorf("ann's first cycle: %+v, want %+v", mine[2].Cycle, first)
		}
		// Below a manager, and by status.
		if got := participantIDs(t, s, first.ID, assess.ParticipantFilter{Under: o.lead.ID}); !slices.Equal(got, ids(o.ann, o.bob)) {
			t.Errorf("below lead: %v", got)
		}
		if n, err := assess.CountParticipants(ctx, s, first.ID, assess.ParticipantFilter{Under: o.boss.ID, Status: assess.NotStarted}); err != nil || n != 4 {
			t.Errorf("not started below boss: %d, %v", n, err)
		}
	})
}

func TestOpenCycleRefusesBadCycles(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for name, change := range map[string]func(*assess.Cycle){
			"no name":          func(c *assess.Cycle) { c.Name = " " },
			"ends before":      func(c *assess.Cycle) { c.EndsOn = day("2024-12-31") },
			"no framework":     func(c *assess.Cycle) { c.FrameworkJSON = nil },
			"ladder without":   func(c *assess.Cycle) { c.Scope = assess.ScopeLadder },
			"team without":     func(c *assess.Cycle) { c.Scope = assess.ScopeTeam },
			"unknown scope":    func(c *assess.Cycle) { c.Scope = "some" },
			"control in name":  func(c *assess.Cycle) { c.Name = "a\tb" },
			"no dates at all":  func(c *assess.Cycle) { c.StartsOn = time.Time{} },
			"snapshot not utf": func(c *assess.Cycle) { c.FrameworkJSON = []byte{0xff} },
		} {
			c := newCycle("Cycle", assess.ScopeEveryone)
			change(&c)
			_, _, err := assess.OpenCycle(ctx, s, c, []string{"eng"})
			checkFailure(t, name, err, nil)
		}
		if all, _ := assess.Cycles(ctx, s); len(all) != 0 {
			t.Errorf("refused cycles were stored: %+v", all)
		}
	})
}

func TestAssessmentSteps(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeAssessOrg(t, s)
		c, _, err := assess.OpenCycle(ctx, s, newCycle("H1", assess.ScopeEveryone), []string{"eng", "design"})
		if err != nil {
			t.Fatal(err)
		}
		ann := o.ann.ID
		self := []assess.Rating{
			{Level: "engineer", Expectation: "ships", Rating: "consistently", Score: 2, Evidence: "Shipped [the importer](https://example.com/pr/1)."},
			{Level: "engineer", Expectation: "reviews", Rating: "sometimes", Score: 1},
			{Level: "senior", Expectation: "leads", Evidence: "Not rated yet, notes only."},
		}
		if n, err := assess.SaveRatings(ctx, s, c.ID, ann, assess.SelfSide, ann, self, ""); err != nil || n != 3 {
			t.Fatalf("save draft: %d, %v", n, err)
		}
		// Saving the same again changes nothing; clearing one removes it.
		self[2].Evidence = ""
		if n, err := assess.SaveRatings(ctx, s, c.ID, ann, assess.SelfSide, ann, self, ""); err != nil || n != 1 {
			t.Fatalf("save again: %d, %v", n, err)
		}
		got, err := assess.Ratings(ctx, s, c.ID, ann, assess.SelfSide)
		if err != nil || len(got) != 2 || got[0].Expectation != "reviews" || got[0].Score != 1 || got[1].Evidence != self[0].Evidence || got[1].UpdatedBy != ann {
			t.Fatalf("ratings: %+v, %v", got, err)
		}
		// Sharing and acknowledging wait for their step.
		checkFailure(t, "share before the manager submits", assess.Share(ctx, s, c.ID, ann), assess.ErrWrongStep)
		checkFailure(t, "acknowledge before sharing", assess.Acknowledge(ctx, s, c.ID, ann, ""), assess.ErrWrongStep)

		if err := assess.Submit(ctx, s, c.ID, ann, assess.SelfSide, ann); err != nil {
			t.Fatal(err)
		}
		checkFailure(t, "submit twice", assess.Submit(ctx, s, c.ID, ann, assess.SelfSide, ann), assess.ErrWrongStep)
		// Submitted: a change needs a reason, and is kept as an amendment.
		self[1].Rating, self[1].Score = "consistently", 2
		_, err = assess.SaveRatings(ctx, s, c.ID, ann, assess.SelfSide, ann, self, "")
		checkFailure(t, "amend without a reason", err, assess.ErrWrongStep)
		if n, err := assess.SaveRatings(ctx, s, c.ID, ann, assess.SelfSide, ann, self, "Forgot the reviews of Q4."); err != nil || n != 1 {
			t.Fatalf("amend: %d, %v", n, err)
		}
		am, err := assess.Amendments(ctx, s, c.ID, ann)
		if err != nil || len(am) != 1 || am[0].OldRating != "sometimes" || am[0].NewRating != "consistently" ||
			am[0].Reason != "Forgot the reviews of Q4." || am[0].MadeBy != ann || am[0].Side != assess.SelfSide {
			t.Errorf("amendments: %+v, %v", am, err)
		}
		p, _ := assess.ParticipantOf(ctx, s, c.ID, ann)
		if p.Status != assess.SelfSubmitted {
			t.Errorf("status %s, want self-submitted", p.Status)
		}

		// The manager's side is separate; drafts are not amendments.
		mgr := []assess.Rating{{Level: "engineer", Expectation: "ships", Rating: "sometimes", Score: 1, Evidence: "Needed help twice."}}
		if _, err := assess.SaveRatings(ctx, s, c.ID, ann, assess.ManagerSide, o.lead.ID, mgr, ""); err != nil {
			t.Fatal(err)
		}
		if err := assess.Submit(ctx, s, c.ID, ann, assess.ManagerSide, o.lead.ID); err != nil {
			t.Fatal(err)
		}
		if err := assess.Share(ctx, s, c.ID, ann); err != nil {
			t.Fatal(err)
		}
		checkFailure(t, "share twice", assess.Share(ctx, s, c.ID, ann), assess.ErrWrongStep)
		checkFailure(t, "a note with a control character", assess.Acknowledge(ctx, s, c.ID, ann, "a\x00b"), nil)
		if err := assess.Acknowledge(ctx, s, c.ID, ann, "Thanks,\nagreed."); err != nil {
			t.Fatal(err)
		}
		p, _ = assess.ParticipantOf(ctx, s, c.ID, ann)
		if p.Status != assess.Acknowledged || p.ManagerBy != o.lead.ID || p.ManagerByName != o.lead.Name || p.AcknowledgeNote != "Thanks,\nagreed." || p.SharedAt.IsZero() {
			t.Errorf("after acknowledging: %+v", p)
		}

		// Bad input is refused whole.
		_, err = assess.SaveRatings(ctx, s, c.ID, o.bob.ID, assess.SelfSide, o.bob.ID, []assess.Rating{
			{Level: "engineer", Expectation: "ships", Rating: "sometimes", Score: 1},
			{Level: "engineer", Expectation: "reviews", Evidence: "bad \u202e text"},
		}, "")
		checkFailure(t, "evidence with a direction mark", err, nil)
		if got, _ := assess.Ratings(ctx, s, c.ID, o.bob.ID, assess.SelfSide); len(got) != 0 {
			t.Errorf("half a refused save was kept: %+v", got)
		}
		_, err = assess.SaveRatings(ctx, s, c.ID, o.unlevelled.ID, assess.SelfSide, o.unlevelled.ID, mgr, "")
		checkFailure(t, "someone not in the cycle", err, store.ErrNotFound)

		// Closed: nothing changes any more.
		if err := assess.CloseCycle(ctx, s, c.ID, o.boss.ID); err != nil {
			t.Fatal(err)
		}
		checkFailure(t, "close twice", assess.CloseCycle(ctx, s, c.ID, o.boss.ID), store.ErrConflict)
		checkFailure(t, "close a cycle that is not there", assess.CloseCycle(ctx, s, c.ID+100, o.boss.ID), store.ErrNotFound)
		_, err = assess.SaveRatings(ctx, s, c.ID, o.bob.ID, assess.SelfSide, o.bob.ID, mgr, "")
		checkFailure(t, "rate in a closed cycle", err, assess.ErrCycleClosed)
		checkFailure(t, "submit in a closed cycle", assess.Submit(ctx, s, c.ID, o.bob.ID, assess.SelfSide, o.bob.ID), assess.ErrCycleClosed)
	})
}

func TestAssessmentReports(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeAssessOrg(t, s)
		c, _, err := assess.OpenCycle(ctx, s, newCycle("H1", assess.ScopeEveryone), []string{"eng", "design"})
		if err != nil {
			t.Fatal(err)
		}
		rate := func(person store.Person, side assess.Side, by int64, scores map[string]int) {
			t.Helper()
			var rs []assess.Rating
			for key, score := range scores {
				lv, id, _ := cut(key)
				rs = append(rs, assess.Rating{Level: lv, Expectation: id, Rating: []string{"not-yet", "sometimes", "consistently", "role-model"}[score], Score: score})
			}
			if _, err := assess.SaveRatings(ctx, s, c.ID, person.ID, side, by, rs, ""); err != nil {
				t.Fatal(err)
			}
			if err := assess.Submit(ctx, s, c.ID, person.ID, side, by); err != nil {
				t.Fatal(err)
			}
		}
		// Lead rates ann and bob; boss rates lead. Ann's self-ratings are higher than lead's.
		rate(o.ann, assess.SelfSide, o.ann.ID, map[string]int{"engineer/a": 3, "engineer/b": 3, "senior/c": 2})
		rate(o.ann, assess.ManagerSide, o.lead.ID, map[string]int{"engineer/a": 2, "engineer/b": 1, "senior/c": 2, "senior/d": 2})
		rate(o.bob, assess.ManagerSide, o.lead.ID, map[string]int{"engineer/a": 1, "senior/c": 0})
		rate(o.lead, assess.ManagerSide, o.boss.ID, map[string]int{"senior/a": 3, "staff/b": 2})
		if err := assess.Share(ctx, s, c.ID, o.lead.ID); err != nil {
			t.Fatal(err)
		}

		done, err := assess.Completion(ctx, s, c.ID, 0)
		want := []assess.StatusCount{{assess.NotStarted, 2}, {assess.SelfSubmitted, 0}, {assess.ManagerSubmitted, 2}, {assess.Shared, 1}, {assess.Acknowledged, 0}}
		if err != nil || !slices.Equal(done, want) {
			t.Errorf("completion: %v, %v; want %v", done, err, want)
		}
		done, _ = assess.Completion(ctx, s, c.ID, o.lead.ID)
		if done[2].People != 2 || done[0].People != 0 || done[3].People != 0 {
			t.Errorf("completion below lead: %v", done)
		}

		levels, err := assess.LevelDistribution(ctx, s, c.ID, 0, false)
		if err != nil || len(levels) != 4 || levels[1] != (assess.LevelCount{Ladder: "eng", Track: "ic", Level: "engineer", People: 2}) {
			t.Errorf("levels: %+v, %v", levels, err)
		}
		teams, err := assess.LevelDistribution(ctx, s, c.ID, 0, true)
		found := false
		for _, tc := range teams {
			if tc.ManagerName == "Lead" && tc.Level == "engineer" && tc.People == 2 {
				found = true
			}
		}
		if err != nil || !found {
			t.Errorf("levels by team: %+v, %v", teams, err)
		}

		cal, total, err := assess.Calibration(ctx, s, c.ID, 0, 10, 0)
		if err != nil || total != len(cal) {
			t.Fatalf("calibration: %d of %d, %v", len(cal), total, err)
		}
		count := func(rater int64, side assess.Side, score int) int {
			for _, rc := range cal {
				if rc.Rater == rater && side == assess.ManagerSide {
					return rc.Manager[score]
				}
				if rc.Rater == rater {
					return rc.Self[score]
				}
			}
			return 0
		}
		if count(o.lead.ID, assess.ManagerSide, 2) != 3 || count(o.lead.ID, assess.SelfSide, 3) != 2 || count(o.boss.ID, assess.ManagerSide, 3) != 1 ||
			count(o.lead.ID, assess.ManagerSide, 0) != 1 {
			t.Errorf("calibration: %+v", cal)
		}
		// A page at a time, the largest gap between the means first.
		for i := 1; i < len(cal); i++ {
			if cal[i].Gap > cal[i-1].Gap {
				t.Errorf("calibration order: %+v", cal)
			}
		}
		for i := range cal {
			one, total, err := assess.Calibration(ctx, s, c.ID, 0, 1, i)
			if err != nil || total != len(cal) || len(one) != 1 || one[0].Rater != cal[i].Rater {
				t.Errorf("calibration page %d: %+v of %d, %v", i, one, total, err)
			}
		}
		if none, _, err := assess.Calibration(ctx, s, c.ID, 0, 10, len(cal)); err != nil || len(none) != 0 {
			t.Errorf("calibration past the end: %+v, %v", none, err)
		}

		// The largest teams, the largest first, as many as asked for.
		big, teamsTotal, err := assess.LargestTeams(ctx, s, c.ID, 0, 1)
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

		ready, err := assess.NextLevelReadiness(ctx, s, c.ID, 0, 2)
		// Ann shows 2 of the next level, Bob none, Lead 1: a person at each count.
		people := map[int]int{}
		for _, r := range ready {
			people[r.Shown] += r.People
		}
		if err != nil || len(people) != 3 || people[2] != 1 || people[0] != 1 || people[1] != 1 {
			t.Errorf("readiness: %+v, %v", ready, err)
		}

		tenure, err := assess.TimeInLevel(ctx, s, c.ID, 0, day("2025-01-01"))
		var eng assess.LevelTenure
		for _, tl := range tenure {
			if tl.Level == "engineer" {
				eng = tl
			}
		}
		// Ann since 2023-01-01 (731 days), Bob since 2024-01-01 (366).
		if err != nil || eng.People != 2 || eng.MaxDays != 731 || eng.AvgDays != 548.5 {
			t.Errorf("time in level: %+v, %v", tenure, err)
		}

		rows, err := assess.ReportRows(ctx, s, c.ID, o.lead.ID)
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
		c, _, err := assess.OpenCycle(ctx, s, newCycle("H1", assess.ScopeEveryone), []string{"eng", "design"})
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)
		ann := assess.LoadedAssessment{PersonID: o.ann.ID, SelfSubmittedAt: at, ManagerSubmittedAt: at, ManagerBy: o.lead.ID, SharedAt: at,
			Ratings: []assess.Rating{
				{Side: assess.SelfSide, Level: "engineer", Expectation: "a", Rating: "role-model", Score: 3, Evidence: "Led the **migration**."},
				{Side: assess.ManagerSide, Level: "engineer", Expectation: "a", Rating: "consistently", Score: 2},
				{Side: assess.ManagerSide, Level: "senior", Expectation: "c", Evidence: "Not rated yet", Score: -1},
			}}
		// Bad evidence refuses the whole load: nothing of ann's is written either.
		bad := assess.LoadedAssessment{PersonID: o.bob.ID, Ratings: []assess.Rating{{Side: assess.SelfSide, Level: "engineer", Expectation: "a", Evidence: "a\x00b"}}}
		if err := assess.LoadAssessments(ctx, s, c.ID, []assess.LoadedAssessment{ann, bad}); err == nil {
			t.Fatal("evidence with a NUL was loaded")
		}
		if rs, _ := assess.Ratings(ctx, s, c.ID, o.ann.ID, assess.SelfSide); len(rs) != 0 {
			t.Fatalf("a refused load wrote %+v", rs)
		}
		// Someone not in the cycle refuses the load too.
		if err := assess.LoadAssessments(ctx, s, c.ID, []assess.LoadedAssessment{ann, {PersonID: o.unlevelled.ID}}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("load of someone not in the cycle: %v", err)
		}
		if err := assess.LoadAssessments(ctx, s, c.ID, []assess.LoadedAssessment{ann}); err != nil {
			t.Fatal(err)
		}
		self, err := assess.Ratings(ctx, s, c.ID, o.ann.ID, assess.SelfSide)
		if err != nil || len(self) != 1 || self[0].Score != 3 || self[0].Evidence != "Led the **migration**." || self[0].UpdatedBy != o.ann.ID {
			t.Errorf("self ratings: %+v, %v", self, err)
		}
		mgr, err := assess.Ratings(ctx, s, c.ID, o.ann.ID, assess.ManagerSide)
		if err != nil || len(mgr) != 2 || mgr[0].Score != 2 || mgr[1].Score != -1 || mgr[1].Rating != "" || mgr[0].UpdatedBy != o.lead.ID {
			t.Errorf("manager ratings: %+v, %v", mgr, err)
		}
		// Both sides in one read are the two read apart, but for who changed them when.
		for _, rs := range [][]assess.Rating{self, mgr} {
			for i := range rs {
				rs[i].UpdatedBy, rs[i].UpdatedAt = 0, time.Time{}
			}
		}
		if bs, bm, err := assess.BothRatings(ctx, s, c.ID, o.ann.ID); err != nil || !reflect.DeepEqual(bs, self) || !reflect.DeepEqual(bm, mgr) {
			t.Errorf("both sides: %+v and %+v, %v; want %+v and %+v", bs, bm, err, self, mgr)
		}
		p, err := assess.ParticipantOf(ctx, s, c.ID, o.ann.ID)
		if err != nil || p.Status != assess.Shared || p.ManagerBy != o.lead.ID || !p.SelfSubmittedAt.Equal(at) {
			t.Errorf("ann in the cycle: %+v, %v", p, err)
		}
		// The reports count what was loaded.
		cal, _, err := assess.Calibration(ctx, s, c.ID, 0, 10, 0)
		if err != nil || len(cal) != 1 {
			t.Errorf("calibration: %+v, %v", cal, err)
		}
		if err := assess.CloseCycle(ctx, s, c.ID, o.boss.ID); err != nil {
			t.Fatal(err)
		}
		if err := assess.LoadAssessments(ctx, s, c.ID, []assess.LoadedAssessment{{PersonID: o.bob.ID}}); !errors.Is(err, assess.ErrCycleClosed) {
			t.Errorf("load into a closed cycle: %v", err)
		}
	})
}

// TestRatingsSavedOverWhatWasSeen: two pages showing one assessment (two tabs, two managers
// above the person) each save their own change without losing the other's: a rating left as
// shown keeps what is stored; a rating changed on both is refused to the later save, with the
// stored version, and nothing of that save is written; saved again over what it now shows, it
// goes through.
func TestRatingsSavedOverWhatWasSeen(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeAssessOrg(t, s)
		c, _, err := assess.OpenCycle(ctx, s, newCycle("H1", assess.ScopeEveryone), []string{"eng", "design"})
		if err != nil {
			t.Fatal(err)
		}
		ann, lead := o.ann.ID, o.lead.ID
		rating := func(exp, r string, score int, seen *assess.Seen) assess.Rating {
			return assess.Rating{Level: "engineer", Expectation: exp, Rating: r, Score: score, Seen: seen}
		}
		empty := &assess.Seen{}
		// Both pages showed nothing rated. The first rates "ships"; the second "reviews".
		if _, err := assess.SaveRatings(ctx, s, c.ID, ann, assess.ManagerSide, lead,
			[]assess.Rating{rating("ships", "consistently", 2, empty), rating("reviews", "", -1, empty)}, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := assess.SaveRatings(ctx, s, c.ID, ann, assess.ManagerSide, lead,
			[]assess.Rating{rating("ships", "", -1, empty), rating("reviews", "sometimes", 1, empty)}, ""); err != nil {
			t.Fatalf("a change to another rating: %v", err)
		}
		got := map[string]string{}
		stored := func() {
			t.Helper()
			rs, err := assess.Ratings(ctx, s, c.ID, ann, assess.ManagerSide)
			if err != nil {
				t.Fatal(err)
			}
			clear(got)
			for _, r := range rs {
				got[r.Expectation] = r.Rating
			}
		}
		if stored(); got["ships"] != "consistently" || got["reviews"] != "sometimes" {
			t.Fatalf("both changes kept: %v", got)
		}
		// The second page changes "ships" too, still over the empty rating it showed, and
		// "reviews" over its own save: refused whole.
		_, err = assess.SaveRatings(ctx, s, c.ID, ann, assess.ManagerSide, lead,
			[]assess.Rating{rating("ships", "not-yet", 0, empty), rating("reviews", "consistently", 2, &assess.Seen{Rating: "sometimes"})}, "")
		var conflict *assess.ConflictError
		if !errors.As(err, &conflict) || !errors.Is(err, store.ErrStale) || len(conflict.Now) != 1 || conflict.Now[0].Rating != "consistently" {
			t.Fatalf("a rating changed meanwhile: %v", err)
		}
		if stored(); got["ships"] != "consistently" || got["reviews"] != "sometimes" {
			t.Errorf("a refused save wrote: %v", got)
		}
		// Saved again having seen it: kept.
		if _, err := assess.SaveRatings(ctx, s, c.ID, ann, assess.ManagerSide, lead,
			[]assess.Rating{rating("ships", "not-yet", 0, &assess.Seen{Rating: "consistently"})}, ""); err != nil {
			t.Fatal(err)
		}
		if stored(); got["ships"] != "not-yet" {
			t.Errorf("the save over what it saw: %v", got)
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
		closed, _, err := assess.OpenCycle(ctx, s, newCycle("H0", assess.ScopeEveryone), []string{"eng"})
		if err != nil {
			t.Fatal(err)
		}
		if err := assess.CloseCycle(ctx, s, closed.ID, o.boss.ID); err != nil {
			t.Fatal(err)
		}
		design, _, err := assess.OpenCycle(ctx, s, newCycle("Design H1", assess.ScopeEveryone), []string{"design"})
		if err != nil {
			t.Fatal(err)
		}
		eng, _, err := assess.OpenCycle(ctx, s, newCycle("Eng H1", assess.ScopeEveryone), []string{"eng"})
		if err != nil {
			t.Fatal(err)
		}
		type got struct {
			Cycle         int64
			In, Submitted bool
			Status        assess.AssessmentStatus
		}
		check := func(name string, person int64, want []got) {
			t.Helper()
			list, err := assess.OpenCyclesOf(ctx, s, person)
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
		check("in the eng cycle", o.ann.ID, []got{{eng.ID, true, false, assess.NotStarted}, {design.ID, false, false, ""}})
		check("in the design cycle", o.cat.ID, []got{{eng.ID, false, false, ""}, {design.ID, true, false, assess.NotStarted}})
		check("in none", o.unlevelled.ID, []got{{eng.ID, false, false, ""}, {design.ID, false, false, ""}})
		if err := assess.Submit(ctx, s, eng.ID, o.ann.ID, assess.SelfSide, o.ann.ID); err != nil {
			t.Fatal(err)
		}
		check("self-assessment in", o.ann.ID, []got{{eng.ID, true, true, assess.SelfSubmitted}, {design.ID, false, false, ""}})
	})
}
