package growth_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/assess"
	"github.com/rungs/rungs/internal/store/checkins"
	"github.com/rungs/rungs/internal/store/growth"
	"github.com/rungs/rungs/internal/store/home"
	"github.com/rungs/rungs/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// clock and person are storetest's.
type clock = storetest.Clock

var person = storetest.Person

// eachStore runs test on a migrated store of each database, on a clock of its own.
func eachStore(t *testing.T, test func(t *testing.T, s *store.Store, clk *clock)) {
	t.Helper()
	storetest.EachStoreAt(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), test)
}

func level(t *testing.T, s *store.Store, p store.Person, lv string) {
	t.Helper()
	if _, err := s.AddLevelChange(context.Background(), store.LevelChange{PersonID: p.ID, Ladder: "engineering", Track: "product",
		ToLevel: lv, Date: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Reason: store.Hire}); err != nil {
		t.Fatal(err)
	}
}

// A plan is made, agreed by both, and keeps its agreement through progress but not through
// a change of what it asks; saves over an older version are refused.
func TestGrowthPlanAgreement(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store, clk *clock) {
		ctx := context.Background()
		max := person(t, s, "Max Manager", "max@example.com", 0)
		sam := person(t, s, "Sam Self", "sam@example.com", max.ID)
		if _, err := growth.PlanOf(ctx, s, sam.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("no plan yet: %v", err)
		}
		if _, err := growth.AddGoal(ctx, s, growth.Goal{PersonID: sam.ID, Text: "Lead a design review"}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a goal without a plan: %v", err)
		}
		p, err := growth.SavePlan(ctx, s, growth.Plan{PersonID: sam.ID, Ladder: "engineering", Track: "product", Target: "senior"}, max.ID, 0)
		if err != nil || p.Version != 1 || p.Target != "senior" || p.Agreed() {
			t.Fatalf("new plan: %+v, %v", p, err)
		}
		if _, err := growth.SavePlan(ctx, s, growth.Plan{PersonID: sam.ID, Ladder: "engineering", Target: "staff"}, sam.ID, 0); !errors.Is(err, store.ErrStale) {
			t.Fatalf("a second new plan: %v", err)
		}
		g, err := growth.AddGoal(ctx, s, growth.Goal{PersonID: sam.ID, Expectation: "writing", CreatedBy: max.ID})
		if err != nil || g.Status != growth.NotStarted || g.Version != 1 {
			t.Fatalf("goal: %+v, %v", g, err)
		}
		p, _ = growth.PlanOf(ctx, s, sam.ID)
		if p.Version != 2 {
			t.Errorf("a new goal leaves the plan at version %d", p.Version)
		}
		// Agreeing to a version that is not the plan's is refused.
		if _, err := growth.Agree(ctx, s, sam.ID, sam.ID, true, 1); !errors.Is(err, store.ErrStale) {
			t.Errorf("agree to an old version: %v", err)
		}
		clk.Advance(time.Hour)
		if p, err = growth.Agree(ctx, s, sam.ID, sam.ID, true, p.Version); err != nil || p.PersonAgreedAt.IsZero() || p.Agreed() {
			t.Fatalf("the person agrees: %+v, %v", p, err)
		}
		if p, err = growth.Agree(ctx, s, sam.ID, max.ID, false, p.Version); err != nil || !p.Agreed() || p.ManagerAgreedBy != max.ID {
			t.Fatalf("the manager agrees: %+v, %v", p, err)
		}
		// Progress keeps the agreement.
		g.Status, g.Evidence = growth.Done, "Wrote the **cache** design doc."
		if g, err = growth.UpdateGoal(ctx, s, g, sam.ID, g.Version); err != nil || g.DoneAt.IsZero() || g.Version != 2 {
			t.Fatalf("goal done: %+v, %v", g, err)
		}
		if p, _ = growth.PlanOf(ctx, s, sam.ID); !p.Agreed() {
			t.Error("progress on a goal cleared the agreement")
		}
		// A save over the goal's older version is refused and changes nothing.
		stale := g
		stale.Status = growth.Dropped
		if _, err := growth.UpdateGoal(ctx, s, stale, max.ID, 1); !errors.Is(err, store.ErrStale) {
			t.Errorf("stale goal: %v", err)
		}
		if now, _ := growth.GoalOf(ctx, s, sam.ID, g.ID); now.Status != growth.Done {
			t.Errorf("a stale save changed the goal: %+v", now)
		}
		// A new target clears both agreements.
		if p, err = growth.SavePlan(ctx, s, growth.Plan{PersonID: sam.ID, Ladder: "engineering", Track: "product", Target: "staff"}, max.ID, p.Version); err != nil {
			t.Fatal(err)
		}
		if p.Agreed() || !p.PersonAgreedAt.IsZero() || p.ManagerAgreedBy != 0 || p.Target != "staff" {
			t.Errorf("a new target kept an agreement: %+v", p)
		}
		// Status counts for a manager's view.
		st, err := growth.PlanStatuses(ctx, s, []int64{sam.ID, max.ID})
		if err != nil || !st[sam.ID].HasPlan || st[sam.ID].Goals[growth.Done] != 1 || st[max.ID].HasPlan {
			t.Errorf("statuses: %+v, %v", st, err)
		}
		for name, under := range map[string]int64{"under the manager": max.ID, "everyone": 0} {
			st, err := growth.PlanStatusesUnder(ctx, s, under)
			if err != nil || len(st) != 1 || st[sam.ID].Target != "staff" || st[sam.ID].Goals[growth.Done] != 1 {
				t.Errorf("statuses %s: %+v, %v", name, st, err)
			}
		}
		if st, err := growth.PlanStatusesUnder(ctx, s, sam.ID); err != nil || len(st) != 0 {
			t.Errorf("statuses under someone with no reports: %+v, %v", st, err)
		}
		// Bad goals are refused with the field named.
		for name, bad := range map[string]growth.Goal{
			"empty":       {PersonID: sam.ID},
			"status":      {PersonID: sam.ID, Text: "x", Status: "finished"},
			"long":        {PersonID: sam.ID, Text: string(make([]byte, growth.MaxGoalText+1))},
			"line breaks": {PersonID: sam.ID, Text: "one\ntwo"},
		} {
			if _, err := growth.AddGoal(ctx, s, bad); err == nil || errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}

// A case goes from draft to submitted to decided; an approval changes the level in the same
// transaction; a "not yet" leaves feedback that becomes goals once each.
func TestPromotionCaseStore(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store, clk *clock) {
		ctx := context.Background()
		admin := person(t, s, "Ada Admin", "ada@example.com", 0)
		grand := person(t, s, "Grace Grand", "grace@example.com", 0)
		max := person(t, s, "Max Manager", "max@example.com", grand.ID)
		sam := person(t, s, "Sam Self", "sam@example.com", max.ID)
		kim := person(t, s, "Kim Peer", "kim@example.com", max.ID)
		level(t, s, sam, "engineer")
		level(t, s, kim, "engineer")

		if _, err := growth.OpenCase(ctx, s, growth.Case{PersonID: sam.ID, OpenedBy: kim.ID, Ladder: "engineering", Target: "senior"}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a peer opens a case: %v", err)
		}
		c, err := growth.OpenCase(ctx, s, growth.Case{PersonID: sam.ID, OpenedBy: max.ID, Ladder: "engineering", Track: "product", Target: "senior"})
		if err != nil || c.Status != growth.Draft || c.FromLevel != "engineer" {
			t.Fatalf("open: %+v, %v", c, err)
		}
		if _, err := growth.OpenCase(ctx, s, growth.Case{PersonID: sam.ID, OpenedBy: max.ID, Ladder: "engineering", Target: "senior"}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a second case under way: %v", err)
		}
		// Check-ins of the person alone go into the case.
		ci, err := checkins.CreateCheckIn(ctx, s, checkins.CheckIn{PersonID: sam.ID, ManagerID: max.ID, HeldOn: clk.Now(), Shared: "#writing"}, func(string) bool { return true })
		if err != nil {
			t.Fatal(err)
		}
		other, err := checkins.CreateCheckIn(ctx, s, checkins.CheckIn{PersonID: kim.ID, ManagerID: max.ID, HeldOn: clk.Now()}, func(string) bool { return true })
		if err != nil {
			t.Fatal(err)
		}
		if _, err := growth.SaveArgument(ctx, s, sam.ID, c.ID, "x", []int64{other.ID}, max.ID, c.Version, false); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another's check-in: %v", err)
		}
		if c, err = growth.SaveArgument(ctx, s, sam.ID, c.ID, "Sam leads.", []int64{ci.ID}, max.ID, c.Version, false); err != nil || c.Version != 2 {
			t.Fatalf("argument: %+v, %v", c, err)
		}
		if _, err := growth.SaveArgument(ctx, s, sam.ID, c.ID, "Overwritten", nil, max.ID, 1, false); !errors.Is(err, store.ErrStale) {
			t.Errorf("stale argument: %v", err)
		}
		if ids, _ := growth.CaseCheckIns(ctx, s, c.ID); len(ids) != 1 || ids[0] != ci.ID {
			t.Errorf("case check-ins: %v", ids)
		}
		// Nothing to decide or comment on before it is submitted.
		if _, err := growth.Decide(ctx, s, sam.ID, c.ID, growth.Decision{Approve: true, By: admin.ID, Reasons: "ok", Effective: clk.Now()}); !errors.Is(err, growth.ErrStep) {
			t.Errorf("decide a draft: %v", err)
		}
		if c, err = growth.SaveArgument(ctx, s, sam.ID, c.ID, "Sam leads.", []int64{ci.ID}, max.ID, c.Version, true); err != nil || c.Status != growth.Submitted {
			t.Fatalf("submit: %+v, %v", c, err)
		}
		if _, err := growth.SaveArgument(ctx, s, sam.ID, c.ID, "Later", nil, max.ID, c.Version, false); !errors.Is(err, growth.ErrStep) {
			t.Errorf("argument after submitting: %v", err)
		}
		// Reviewers: admins see it, the panel once granted, nobody their own.
		// reviewing is the cases who reviews, which the home page's count and their own
		// person page's agree with.
		reviewing := func(who int64, admin bool) []growth.Case {
			t.Helper()
			list, err := growth.CasesToReview(ctx, s, who, admin)
			own, errOwn := home.OwnOf(ctx, s, who, admin)
			if err != nil || errOwn != nil || own.CasesToReview != len(list) {
				t.Errorf("cases to review by %d: %d listed (%v), %d counted on the home page (%v)",
					who, len(list), err, own.CasesToReview, errOwn)
			}
			r, n := s.Reads(), -1
			growth.ReadToReviewCount(r, who, admin, &n)
			if err := r.Run(ctx); err != nil || n != len(list) {
				t.Errorf("cases to review by %d: %d listed, %d counted for their page (%v)", who, len(list), n, err)
			}
			return list
		}
		if list := reviewing(kim.ID, false); len(list) != 0 {
			t.Errorf("not on the panel, yet to review: %v", list)
		}
		if err := growth.SetPanel(ctx, s, kim.ID, true, admin.ID); err != nil {
			t.Fatal(err)
		}
		if list := reviewing(kim.ID, false); len(list) != 1 {
			t.Errorf("panel: %v", list)
		}
		if list := reviewing(max.ID, true); len(list) != 0 {
			t.Errorf("an admin who opened the case reviews it: %v", list)
		}
		if list := reviewing(grand.ID, true); len(list) != 0 {
			t.Errorf("an admin above the person reviews their case: %v", list)
		}
		if list := reviewing(admin.ID, true); len(list) != 1 {
			t.Errorf("an admin outside the chain: %v", list)
		}
		if _, err := growth.AddComment(ctx, s, sam.ID, growth.Comment{CaseID: c.ID, AuthorID: kim.ID, Body: "Strong on #writing."}); err != nil {
			t.Fatal(err)
		}
		// Not yet, with two items of feedback.
		c, err = growth.Decide(ctx, s, sam.ID, c.ID, growth.Decision{By: admin.ID, Reasons: "Close.",
			Feedback: []growth.Feedback{{Expectation: "mentoring", Text: "Mentor a new joiner"}, {Text: "Run an incident review"}}})
		if err != nil || c.Status != growth.NotYet || c.LevelChange != 0 {
			t.Fatalf("not yet: %+v, %v", c, err)
		}
		if _, err := growth.Decide(ctx, s, sam.ID, c.ID, growth.Decision{Approve: true, By: admin.ID, Reasons: "changed our minds", Effective: clk.Now()}); !errors.Is(err, growth.ErrStep) {
			t.Errorf("decided twice: %v", err)
		}
		fb, err := growth.FeedbackOf(ctx, s, c.ID)
		if err != nil || len(fb) != 2 {
			t.Fatalf("feedback: %v, %v", fb, err)
		}
		// Sam has no plan: the first goal makes one, towards the case's level.
		g, err := growth.FeedbackToGoal(ctx, s, sam.ID, c.ID, fb[0].ID, max.ID)
		if err != nil || g.Expectation != "mentoring" || g.Text != "Mentor a new joiner" {
			t.Fatalf("feedback to goal: %+v, %v", g, err)
		}
		if p, err := growth.PlanOf(ctx, s, sam.ID); err != nil || p.Target != "senior" {
			t.Errorf("the plan made for the feedback: %+v, %v", p, err)
		}
		if _, err := growth.FeedbackToGoal(ctx, s, sam.ID, c.ID, fb[0].ID, max.ID); !errors.Is(err, store.ErrConflict) {
			t.Errorf("the same feedback twice: %v", err)
		}
		if fb, _ = growth.FeedbackOf(ctx, s, c.ID); fb[0].GoalID != g.ID {
			t.Errorf("the feedback does not name its goal: %+v", fb)
		}

		// A second case, approved: the level changes with it.
		c2, err := growth.OpenCase(ctx, s, growth.Case{PersonID: sam.ID, OpenedBy: max.ID, Ladder: "engineering", Track: "product", Target: "senior"})
		if err != nil {
			t.Fatal(err)
		}
		if c2, err = growth.SaveArgument(ctx, s, sam.ID, c2.ID, "Now.", nil, max.ID, c2.Version, true); err != nil {
			t.Fatal(err)
		}
		effective := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
		c2, err = growth.Decide(ctx, s, sam.ID, c2.ID, growth.Decision{Approve: true, By: admin.ID, Reasons: "Ready.", Effective: effective})
		if err != nil || c2.Status != growth.Approved || c2.LevelChange == 0 || !c2.EffectiveOn.Equal(effective) {
			t.Fatalf("approve: %+v, %v", c2, err)
		}
		history, err := s.LevelHistory(ctx, sam.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := history[len(history)-1]
		if last.ID != c2.LevelChange || last.Reason != store.Promotion || last.ToLevel != "senior" || last.FromLevel != "engineer" || !last.Date.Equal(effective) || last.MadeBy != admin.ID {
			t.Errorf("the promotion recorded: %+v", last)
		}
		if now, _ := s.Person(ctx, sam.ID); now.Level != "senior" {
			t.Errorf("level now %q", now.Level)
		}
		if list, _ := growth.CasesOf(ctx, s, sam.ID); len(list) != 2 || list[0].ID != c2.ID {
			t.Errorf("cases of sam: %+v", list)
		}
	})
}

// Only submitted ratings reach a case: the latest cycle's, a side each.
func TestLatestRatings(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store, clk *clock) {
		ctx := context.Background()
		max := person(t, s, "Max Manager", "max@example.com", 0)
		sam := person(t, s, "Sam Self", "sam@example.com", max.ID)
		level(t, s, sam, "engineer")
		level(t, s, max, "engineer")
		open := func(name string, starts time.Time) assess.Cycle {
			c, _, err := assess.OpenCycle(ctx, s, assess.Cycle{Name: name, StartsOn: starts, EndsOn: starts.AddDate(0, 1, 0), Scope: assess.ScopeEveryone,
				FrameworkVersion: "v1", FrameworkJSON: []byte("{}"), OpenedBy: max.ID}, []string{"engineering"})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		rate := func(c assess.Cycle, side assess.Side, r, evidence string, submit bool) {
			if _, err := assess.SaveRatings(ctx, s, c.ID, sam.ID, side, max.ID, []assess.Rating{{Level: "engineer", Expectation: "writing", Rating: r, Evidence: evidence}}, ""); err != nil {
				t.Fatal(err)
			}
			if submit {
				if err := assess.Submit(ctx, s, c.ID, sam.ID, side, max.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		old := open("2025", time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC))
		rate(old, assess.ManagerSide, "sometimes", "old evidence", true)
		rate(old, assess.SelfSide, "sometimes", "old self", true)
		if err := assess.CloseCycle(ctx, s, old.ID, max.ID); err != nil {
			t.Fatal(err)
		}
		recent := open("2026", time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC))
		rate(recent, assess.ManagerSide, "consistently", "new evidence", true)
		rate(recent, assess.SelfSide, "role-model", "a draft of mine", false)
		got, err := growth.LatestRatings(ctx, s, sam.ID, "senior", []string{"writing", "code"})
		if err != nil {
			t.Fatal(err)
		}
		byside := map[assess.Side]growth.RatingEvidence{}
		for _, r := range got["writing"] {
			byside[r.Side] = r
		}
		if m := byside[assess.ManagerSide]; m.Evidence != "new evidence" || m.CycleName != "2026" {
			t.Errorf("manager's: %+v", m)
		}
		if me := byside[assess.SelfSide]; me.Evidence != "old self" {
			t.Errorf("self (the draft must not count): %+v", me)
		}
		if len(got["code"]) != 0 {
			t.Errorf("code: %+v", got["code"])
		}
	})
}

// Two reviewers deciding one case at once: one decision is recorded, with one level change;
// the other is told the case is decided.
func TestPromotionDecidedOnce(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store, clk *clock) {
		ctx := context.Background()
		ada := person(t, s, "Ada Admin", "ada@example.com", 0)
		pat := person(t, s, "Pat Panel", "pat@example.com", 0)
		max := person(t, s, "Max Manager", "max@example.com", 0)
		sam := person(t, s, "Sam Self", "sam@example.com", max.ID)
		level(t, s, sam, "engineer")
		c, err := growth.OpenCase(ctx, s, growth.Case{PersonID: sam.ID, OpenedBy: max.ID, Ladder: "engineering", Track: "product", Target: "senior"})
		if err != nil {
			t.Fatal(err)
		}
		if c, err = growth.SaveArgument(ctx, s, sam.ID, c.ID, "Ready.", nil, max.ID, c.Version, true); err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 2)
		for _, by := range []int64{ada.ID, pat.ID} {
			go func() {
				_, err := growth.Decide(ctx, s, sam.ID, c.ID, growth.Decision{Approve: true, By: by, Reasons: "Yes.", Effective: clk.Now()})
				errs <- err
			}()
		}
		var ok, step int
		for range 2 {
			switch err := <-errs; {
			case err == nil:
				ok++
			case errors.Is(err, growth.ErrStep):
				step++
			default:
				t.Errorf("decide: %v", err)
			}
		}
		if ok != 1 || step != 1 {
			t.Errorf("%d decisions recorded, %d refused", ok, step)
		}
		history, err := s.LevelHistory(ctx, sam.ID)
		if err != nil {
			t.Fatal(err)
		}
		promotions := 0
		for _, h := range history {
			if h.Reason == store.Promotion {
				promotions++
			}
		}
		if promotions != 1 {
			t.Errorf("%d promotions recorded: %+v", promotions, history)
		}
	})
}
