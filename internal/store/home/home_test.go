package home_test

import (
	"context"
	"slices"
	"testing"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/assess"
	"github.com/rungs/rungs/internal/store/checkins"
	"github.com/rungs/rungs/internal/store/growth"
	"github.com/rungs/rungs/internal/store/home"
	"github.com/rungs/rungs/internal/store/storetest"
)

var day = storetest.Day

// team is a small organisation with check-ins and their action items: grace manages max, max
// manages sam and pat (and lee, who has left). Max held two check-ins with sam, grace one
// with max.
type team struct {
	grace, max, sam, pat, lee store.Person
	samFirst, samLast, max1   checkins.CheckIn
	// The action items, by who took them on: sam's own, max's in sam's first check-in (open)
	// and last (done), max's own in his check-in with grace, and grace's in it.
	samOwn, maxOpen, maxDone, maxOwn, graceOwn checkins.ActionItem
}

func makeTeam(t *testing.T, s *store.Store) team {
	t.Helper()
	ctx := context.Background()
	var o team
	o.grace = storetest.Person(t, s, "Grace", "grace@example.com", 0)
	o.max = storetest.Person(t, s, "Max", "max@example.com", o.grace.ID)
	o.sam = storetest.Person(t, s, "Sam", "sam@example.com", o.max.ID)
	o.pat = storetest.Person(t, s, "Pat", "pat@example.com", o.max.ID)
	o.lee = storetest.Person(t, s, "Lee", "lee@example.com", o.max.ID)
	o.lee.Status = store.Left
	if _, err := s.UpdatePerson(ctx, o.lee); err != nil {
		t.Fatal(err)
	}
	// Sam was hired as an engineer, promoted, then changed track on the same level: their
	// time in level counts from the promotion.
	for _, c := range []store.LevelChange{
		{PersonID: o.sam.ID, Ladder: "eng", Track: "product", ToLevel: "engineer", Date: day("2023-01-02"), Reason: store.Hire},
		{PersonID: o.sam.ID, Ladder: "eng", Track: "product", ToLevel: "senior", Date: day("2025-03-03"), Reason: store.Promotion},
		{PersonID: o.sam.ID, Ladder: "eng", Track: "platform", ToLevel: "senior", Date: day("2025-06-02"), Reason: store.TrackChange},
		{PersonID: o.max.ID, Ladder: "eng", Track: "product", ToLevel: "staff", Date: day("2024-05-06"), Reason: store.Hire},
	} {
		if _, err := s.AddLevelChange(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	meet := func(person, manager store.Person, held string) checkins.CheckIn {
		c, err := checkins.CreateCheckIn(ctx, s, checkins.CheckIn{PersonID: person.ID, ManagerID: manager.ID, HeldOn: day(held)},
			func(string) bool { return true })
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	o.samFirst, o.samLast = meet(o.sam, o.max, "2026-01-05"), meet(o.sam, o.max, "2026-01-19")
	o.max1 = meet(o.max, o.grace, "2026-01-12")
	item := func(c checkins.CheckIn, owner checkins.Owner, text string) checkins.ActionItem {
		it, err := checkins.AddActionItem(ctx, s, checkins.ActionItem{CheckInID: c.ID, PersonID: c.PersonID, Text: text, Owner: owner})
		if err != nil {
			t.Fatal(err)
		}
		return it
	}
	o.samOwn = item(o.samFirst, checkins.PersonOwns, "Write up the design")
	o.maxOpen = item(o.samFirst, checkins.ManagerOwns, "Find sam a mentor")
	o.maxDone = item(o.samLast, checkins.ManagerOwns, "Book the training")
	o.maxOwn = item(o.max1, checkins.PersonOwns, "Hire two engineers")
	o.graceOwn = item(o.max1, checkins.ManagerOwns, "Approve the budget")
	if _, err := checkins.SetActionDone(ctx, s, o.sam.ID, o.samLast.ID, o.maxDone.ID, true, o.max.ID); err != nil {
		t.Fatal(err)
	}
	return o
}

// OpenItems lists the open items each person took on, in their own check-ins and in those
// they held as the manager, oldest first, at most as many as asked.
func TestOpenItems(t *testing.T) {
	t.Parallel()
	storetest.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeTeam(t, s)
		ids := func(person store.Person, limit int) []int64 {
			t.Helper()
			items, err := home.OpenItems(ctx, s, person.ID, limit)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, it := range items {
				out = append(out, it.ID)
			}
			return out
		}
		for _, tc := range []struct {
			name   string
			person store.Person
			limit  int
			want   []int64
		}{
			{"a report: their own", o.sam, 10, []int64{o.samOwn.ID}},
			{"a manager: those of the check-ins they held, and their own", o.max, 10, []int64{o.maxOpen.ID, o.maxOwn.ID}},
			{"at most the limit", o.max, 1, []int64{o.maxOpen.ID}},
			{"the manager above", o.grace, 10, []int64{o.graceOwn.ID}},
			{"nothing taken on", o.pat, 10, nil},
		} {
			if got := ids(tc.person, tc.limit); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
		items, err := home.OpenItems(ctx, s, o.max.ID, 10)
		if err != nil || len(items) != 2 {
			t.Fatalf("max's items: %+v, %v", items, err)
		}
		want := home.Item{ID: o.maxOpen.ID, CheckInID: o.samFirst.ID, PersonID: o.sam.ID, PersonName: "Sam", Text: "Find sam a mentor", HeldOn: day("2026-01-05")}
		if items[0] != want {
			t.Errorf("an item of a check-in max held: %+v, want %+v", items[0], want)
		}
		if items[1].PersonID != o.max.ID || items[1].PersonName != "Max" || !items[1].HeldOn.Equal(day("2026-01-12")) {
			t.Errorf("max's own item: %+v", items[1])
		}
		// Opened again, an item is listed again; done, it is not.
		if _, err := checkins.SetActionDone(ctx, s, o.sam.ID, o.samLast.ID, o.maxDone.ID, false, o.max.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := checkins.SetActionDone(ctx, s, o.sam.ID, o.samFirst.ID, o.samOwn.ID, true, o.sam.ID); err != nil {
			t.Fatal(err)
		}
		if got, want := ids(o.max, 10), []int64{o.maxOpen.ID, o.maxDone.ID, o.maxOwn.ID}; !slices.Equal(got, want) {
			t.Errorf("max's after one was opened again: %v, want %v", got, want)
		}
		if got := ids(o.sam, 10); got != nil {
			t.Errorf("sam's after theirs was done: %v", got)
		}
	})
}

// OwnOf gives a person's latest check-in, with whom, and the date they reached their level:
// a track change within the level does not count.
func TestOwnOf(t *testing.T) {
	t.Parallel()
	storetest.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeTeam(t, s)
		for _, tc := range []struct {
			name   string
			person store.Person
			want   home.Own
		}{
			{"promoted, then a track change", o.sam, home.Own{Had: true, LevelSince: day("2025-03-03"),
				Last: home.Meeting{ID: o.samLast.ID, HeldOn: day("2026-01-19"), ManagerID: o.max.ID, ManagerName: "Max"}}},
			{"hired on their level", o.max, home.Own{Had: true, LevelSince: day("2024-05-06"),
				Last: home.Meeting{ID: o.max1.ID, HeldOn: day("2026-01-12"), ManagerID: o.grace.ID, ManagerName: "Grace"}}},
			{"no level, no check-in", o.pat, home.Own{}},
		} {
			got, err := home.OwnOf(ctx, s, tc.person.ID, false)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
			}
		}
	})
}

// A team is a manager's active direct reports by name, each with their level, when they
// reached it, their last check-in, where they stand in the newest open cycle and where their
// growth plan stands.
func TestTeam(t *testing.T) {
	t.Parallel()
	storetest.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeTeam(t, s)
		open := func(name string) assess.Cycle {
			c, _, err := assess.OpenCycle(ctx, s, assess.Cycle{Name: name, StartsOn: day("2026-01-05"), EndsOn: day("2026-02-27"), Scope: assess.ScopeEveryone,
				FrameworkVersion: "abc123", FrameworkJSON: []byte(`{"format":1,"title":"Test"}` + "\n")}, []string{"eng"})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		var err error
		// Sam has a plan both agreed to, with two goals, one done; Pat's plan is agreed by
		// nobody yet and has none.
		plan := func(person store.Person, target string) growth.Plan {
			p, err := growth.SavePlan(ctx, s, growth.Plan{PersonID: person.ID, Ladder: "eng", Track: "product", Target: target}, o.max.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		p := plan(o.sam, "staff")
		for _, g := range []growth.Goal{{PersonID: o.sam.ID, Text: "Lead the migration"}, {PersonID: o.sam.ID, Text: "Mentor someone", Status: growth.Done}} {
			if _, err := growth.AddGoal(ctx, s, g); err != nil {
				t.Fatal(err)
			}
		}
		if p, err = growth.PlanOf(ctx, s, o.sam.ID); err != nil {
			t.Fatal(err)
		}
		if p, err = growth.Agree(ctx, s, o.sam.ID, o.sam.ID, true, p.Version); err != nil {
			t.Fatal(err)
		}
		if _, err = growth.Agree(ctx, s, o.sam.ID, o.max.ID, false, p.Version); err != nil {
			t.Fatal(err)
		}
		p = plan(o.pat, "engineer")
		if _, err = growth.Agree(ctx, s, o.pat.ID, o.pat.ID, true, p.Version); err != nil {
			t.Fatal(err)
		}
		samPlan := home.PlanStatus{HasPlan: true, Target: "staff", Agreed: true, Goals: 2, Done: 1}
		patPlan := home.PlanStatus{HasPlan: true, Target: "engineer"}
		pat := home.Member{ID: o.pat.ID, Name: "Pat", Plan: patPlan}
		sam := home.Member{ID: o.sam.ID, Name: "Sam", Ladder: "eng", Track: "platform", Level: "senior", LevelSince: day("2025-03-03"),
			LastCheckIn: day("2026-01-19"), Plan: samPlan}
		// Only Sam is on the cycles' ladder: Pat has no level.
		samIn := sam
		samIn.InCycle, samIn.Status = true, assess.NotStarted
		check := func(name string, cycle int64, want ...home.Member) {
			t.Helper()
			r := s.Reads()
			var got home.Team
			home.ReadTeam(r, o.max.ID, &got)
			if err := r.Run(ctx); err != nil {
				t.Fatal(err)
			}
			if got.Cycle != cycle || !slices.EqualFunc(got.Members, want, func(a, b home.Member) bool {
				return a.ID == b.ID && a.Name == b.Name && a.Ladder == b.Ladder && a.Track == b.Track && a.Level == b.Level &&
					a.LevelSince.Equal(b.LevelSince) && a.LastCheckIn.Equal(b.LastCheckIn) && a.InCycle == b.InCycle && a.Status == b.Status && a.Plan == b.Plan
			}) {
				t.Errorf("%s: cycle %d, %+v; want cycle %d, %+v", name, got.Cycle, got.Members, cycle, want)
			}
		}
		check("no cycle open", 0, pat, sam)
		first := open("H1")
		check("in the open cycle", first.ID, pat, samIn)
		second := open("H2")
		check("two open: the newest", second.ID, pat, samIn)
		if err := assess.CloseCycle(ctx, s, second.ID, o.grace.ID); err != nil {
			t.Fatal(err)
		}
		check("the newest closed: the one still open", first.ID, pat, samIn)
		if err := assess.CloseCycle(ctx, s, first.ID, o.grace.ID); err != nil {
			t.Fatal(err)
		}
		check("all closed", 0, pat, sam)
	})
}
