package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/app/mail"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/assess"
	"github.com/rungs/rungs/internal/store/checkins"
	"github.com/rungs/rungs/internal/store/growth"
	"github.com/rungs/rungs/internal/store/outbox"
)

// growth gives p a growth plan with one goal, made by manager, and a promotion case manager
// submitted for them that puts the check-in c before the reviewers.
func (e *env) growth(p, manager store.Person, c checkins.CheckIn) (growth.Goal, growth.Case) {
	e.t.Helper()
	if _, err := growth.SavePlan(e.ctx, e.store, growth.Plan{PersonID: p.ID, Ladder: "engineering", Track: "product", Target: "senior"}, manager.ID, 0); err != nil {
		e.t.Fatal(err)
	}
	g, err := growth.AddGoal(e.ctx, e.store, growth.Goal{PersonID: p.ID, Expectation: "writing", CreatedBy: manager.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	k, err := growth.OpenCase(e.ctx, e.store, growth.Case{PersonID: p.ID, OpenedBy: manager.ID, Ladder: "engineering", Track: "product", Target: "senior"})
	if err != nil {
		e.t.Fatal(err)
	}
	if k, err = growth.SaveArgument(e.ctx, e.store, p.ID, k.ID, "Ready for senior.", []int64{c.ID}, manager.ID, k.Version, true); err != nil {
		e.t.Fatal(err)
	}
	return g, k
}

// found is the first match of pattern's group in body, or fails the test.
func found(t *testing.T, body, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in the page:\n%s", pattern, body)
	}
	return m[1]
}

// A manager and their report agree a growth plan; the report's goal is met, with evidence;
// the manager opens a promotion case that compiles what rungs holds; the people team says
// "not yet", and its feedback becomes goals; a second case is approved by a member of the
// promotion panel, the level changes with the reason "promotion", and the timeline shows it.
func TestGrowthPlanAndPromotion(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg, func(c *app.Config) { c.Mail = true })
		admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		max := e.person("Max Manager", "max@example.com", 0, store.Member)
		sam := e.person("Sam Self", "sam@example.com", max.ID, store.Member)
		kim := e.person("Kim Peer", "kim@example.com", max.ID, store.Member)
		pat := e.person("Pat Panel", "pat@example.com", 0, store.Member)
		cycle := e.cycle(admin, sam)
		mc, sc, ac, kc, pc := e.signedIn(max), e.signedIn(sam), e.signedIn(admin), e.signedIn(kim), e.signedIn(pat)
		id := strconv.FormatInt(sam.ID, 10)
		plan := "/people/" + id + "/plan"

		// No plan yet: the next level is the one offered.
		res := mc.get(plan)
		if res.status != http.StatusOK {
			t.Fatalf("plan page: %d", res.status)
		}
		mustContain(t, res.body, "has no growth plan yet", `<option value="engineering/senior" selected>`)
		if res := kc.get(plan); res.status != http.StatusNotFound {
			t.Errorf("a peer reads the plan: %d", res.status)
		}
		if res := ac.post(plan, url.Values{"target": {"engineering/senior"}, "version": {"0"}}); res.status != http.StatusForbidden {
			t.Errorf("the people team writes a plan: %d", res.status)
		}
		if got := location(t, mc.post(plan, url.Values{"target": {"engineering/senior"}, "version": {"0"}})); got != plan {
			t.Errorf("plan made: went to %s", got)
		}

		// Goals: one on an expectation of the target, one in words; bad ones name the field.
		res = mc.post(plan+"/goals", url.Values{"expectation": {"no-such"}, "text": {strings.Repeat("x", 501)}, "status": {"not-started"}})
		if res.status != http.StatusBadRequest {
			t.Fatalf("bad goal: %d", res.status)
		}
		mustContain(t, res.body, `id="new-expectation-error"`, "Expectation: choose one of the target level&#39;s", `id="new-text-error"`,
			"The goal&#39;s wording is longer than 500 characters.")
		location(t, mc.post(plan+"/goals", url.Values{"expectation": {"writing"}, "status": {"in-progress"}}))
		location(t, sc.post(plan+"/goals", url.Values{"text": {"Run the team's incident review"}, "status": {"not-started"}}))
		goals, err := growth.Goals(e.ctx, e.store, sam.ID)
		if err != nil || len(goals) != 2 {
			t.Fatalf("goals: %+v, %v", goals, err)
		}
		writing := goals[0]

		// Both agree, each to the plan as they read it.
		location(t, sc.post(plan+"/agree", url.Values{"version": {sc.hidden(plan, "version")}}))
		location(t, mc.post(plan+"/agree", url.Values{"version": {mc.hidden(plan, "version")}}))
		res = sc.get(plan)
		mustContain(t, res.body, "Both sides agree to this plan.", "agreed by Max Manager", "A new target clears both agreements")
		// The manager's home says where each report's plan stands.
		mustContain(t, mc.get("/home").body, "Growth plan: towards Senior Engineer, agreed, 0 of 2 goals done", "Growth plan: none yet")
		if p, _ := growth.PlanOf(e.ctx, e.store, sam.ID); !p.Agreed() {
			t.Errorf("not agreed: %+v", p)
		}

		// A target form from before the goals were added is refused, with the target saved named.
		res = sc.post(plan, url.Values{"target": {"engineering/staff"}, "version": {"1"}})
		if res.status != http.StatusConflict {
			t.Fatalf("a stale target: %d", res.status)
		}
		mustContain(t, res.body, "Someone else saved this plan", "Their target is ", `<option value="engineering/staff" selected>`)
		if p, _ := growth.PlanOf(e.ctx, e.store, sam.ID); p.Target != "senior" || !p.Agreed() {
			t.Errorf("a stale target changed the plan: %+v", p)
		}

		// Two edit the same goal: the second save, from the older version, is refused with both shown.
		goal := plan + "/goals/" + strconv.FormatInt(writing.ID, 10)
		v := strconv.FormatInt(writing.Version, 10)
		location(t, sc.post(goal, url.Values{"version": {v}, "expectation": {"writing"}, "status": {"done"},
			"evidence": {"Wrote the **cache design doc** <script>alert(1)</script>"}}))
		res = mc.post(goal, url.Values{"version": {v}, "expectation": {"writing"}, "status": {"dropped"}})
		if res.status != http.StatusConflict {
			t.Fatalf("a stale goal save: %d", res.status)
		}
		mustContain(t, res.body, "Someone else saved this goal", "<strong>As someone else saved it:</strong>", "<strong>cache design doc</strong>")
		res = sc.get(plan)
		if strings.Contains(res.body, "<script>alert") {
			t.Error("a goal's evidence runs script")
		}
		if p, _ := growth.PlanOf(e.ctx, e.store, sam.ID); !p.Agreed() {
			t.Error("progress on a goal cleared the agreement")
		}

		// A check-in that names the goal's expectation, with a private note; a manager's
		// assessment of it in the cycle.
		ci, err := checkins.CreateCheckIn(e.ctx, e.store, checkins.CheckIn{PersonID: sam.ID, ManagerID: max.ID, HeldOn: time.Now(),
			Shared: "Sam's doc is out: #writing at the next level."}, func(string) bool { return true })

		if err != nil {
			t.Fatal(err)
		}
		if err := checkins.SavePrivateNote(e.ctx, e.store, sam.ID, ci.ID, max.ID, "PRIVATE-MAX-note-q7"); err != nil {
			t.Fatal(err)
		}
		if _, err := assess.SaveRatings(e.ctx, e.store, cycle.ID, sam.ID, assess.ManagerSide, max.ID,
			[]assess.Rating{{Level: "senior", Expectation: "writing", Rating: "consistently", Evidence: "Three design docs, all reviewed."}}, ""); err != nil {
			t.Fatal(err)
		}
		if err := assess.Submit(e.ctx, e.store, cycle.ID, sam.ID, assess.ManagerSide, max.ID); err != nil {
			t.Fatal(err)
		}

		// Sam's page shows the goal on the expectation the check-in talked about.
		mustContain(t, sc.get("/people/"+id).body, `id="expectation-writing"`, "A goal of the plan:", "Growth plan</a>")

		// The manager opens a case; it is theirs alone while a draft.
		if res := sc.post("/people/"+id+"/cases", url.Values{"target": {"engineering/senior"}}); res.status != http.StatusForbidden {
			t.Errorf("the person opens their own case: %d", res.status)
		}
		kase := location(t, mc.post("/people/"+id+"/cases", url.Values{"target": {"engineering/senior"}}))
		for who, c := range map[string]*client{"sam": sc, "admin": ac, "kim": kc} {
			if res := c.get(kase); res.status != http.StatusNotFound {
				t.Errorf("%s reads a draft case: %d", who, res.status)
			}
		}
		draft := mc.get(kase)
		mustContain(t, draft.body, "Evidence against the target level", "Three design docs, all reviewed.", "names the target level")
		cv := found(t, draft.body, `name="version" value="(\d+)"`)
		location(t, mc.post(kase, url.Values{"version": {cv}, "argument": {"Sam **leads** design."}, "checkin": {strconv.FormatInt(ci.ID, 10)}, "action": {"save"}}))
		// A second editor's form, from the first version, is refused and shows the argument saved.
		res = mc.post(kase, url.Values{"version": {cv}, "argument": {"Overwrite"}, "action": {"save"}})
		if res.status != http.StatusConflict {
			t.Fatalf("a stale argument: %d", res.status)
		}
		mustContain(t, res.body, "Someone else saved this case", "<strong>leads</strong>", ">Overwrite</textarea>")
		res = mc.post(kase, url.Values{"version": {found(t, mc.get(kase).body, `name="version" value="(\d+)"`)}, "argument": {"Sam **leads** design."},
			"checkin": {strconv.FormatInt(ci.ID, 10)}, "action": {"submit"}})
		location(t, res)

		// Reviewers read the packet: ratings, the check-in's shared notes, the goal met; never
		// a private note. The person reads where it stands, not the argument.
		packet := ac.get(kase)
		if packet.status != http.StatusOK {
			t.Fatalf("the admin reads the case: %d", packet.status)
		}
		mustContain(t, packet.body, "<strong>leads</strong>", "Three design docs, all reviewed.", "Sam&#39;s doc is out: #writing",
			"<strong>cache design doc</strong>", "Goal done")
		for who, c := range map[string]*client{"admin": ac, "max": mc, "sam": sc} {
			if strings.Contains(c.get(kase).body, "PRIVATE-MAX") {
				t.Errorf("%s reads a private note in the case", who)
			}
		}
		// Those who held the check-in see where its notes went.
		mustContain(t, sc.get("/people/"+id+"/checkins/"+strconv.FormatInt(ci.ID, 10)).body,
			`These shared notes are before the reviewers of <a href="`+kase+`">the promotion case for`)
		own := sc.get(kase)
		mustContain(t, own.body, "The case is with the reviewers.")
		if strings.Contains(own.body, "leads") {
			t.Error("the person reads the argument")
		}
		// The chain argues, others judge.
		if res := mc.post(kase+"/decision", url.Values{"decision": {"approve"}, "reasons": {"mine"}, "effective": {"2026-04-01"}}); res.status != http.StatusForbidden {
			t.Errorf("the manager decides: %d", res.status)
		}
		location(t, ac.post(kase+"/comments", url.Values{"comment": {"Strong on writing; mentoring is thin."}}))
		res = ac.post(kase+"/decision", url.Values{"decision": {"not-yet"}, "reasons": {""}, "feedback-1": {"Mentor a new joiner"}, "feedback-expectation-1": {"nope"}})
		if res.status != http.StatusBadRequest {
			t.Fatalf("a bad decision: %d", res.status)
		}
		mustContain(t, res.body, `id="reasons-error"`, `id="feedback-expectation-1-error"`)
		location(t, ac.post(kase+"/decision", url.Values{"decision": {"not-yet"}, "reasons": {"Close: show **mentoring** first."},
			"feedback-1": {"Mentor a new joiner through their first quarter"}, "feedback-2": {"Lead one incident review"}, "feedback-expectation-2": {"writing"}}))

		// Sam reads the decision and its feedback, not the comments, and makes feedback goals.
		own = sc.get(kase)
		mustContain(t, own.body, "Not yet", "<strong>mentoring</strong>", "Mentor a new joiner through their first quarter", "Make it a goal of the plan")
		if strings.Contains(own.body, "mentoring is thin") {
			t.Error("the person reads the reviewers' comments")
		}
		item := found(t, own.body, `/feedback/(\d+)/goal`)
		if got := location(t, sc.post(kase+"/feedback/"+item+"/goal", url.Values{})); got != plan {
			t.Errorf("feedback to goal went to %s", got)
		}
		if res := sc.post(kase+"/feedback/"+item+"/goal", url.Values{}); res.status != http.StatusConflict {
			t.Errorf("the same feedback twice: %d", res.status)
		}
		mustContain(t, sc.get(plan).body, "Mentor a new joiner through their first quarter")
		if p, _ := growth.PlanOf(e.ctx, e.store, sam.ID); p.Agreed() {
			t.Error("a new goal kept the agreement")
		}

		// A second case, decided by the promotion panel.
		second := location(t, mc.post("/people/"+id+"/cases", url.Values{"target": {"engineering/senior"}}))
		location(t, mc.post(second, url.Values{"version": {found(t, mc.get(second).body, `name="version" value="(\d+)"`)},
			"argument": {"Mentoring done."}, "action": {"submit"}}))
		if res := pc.get("/cases"); res.status != http.StatusForbidden {
			t.Errorf("not yet on the panel: %d", res.status)
		}
		location(t, ac.post("/people/"+strconv.FormatInt(pat.ID, 10)+"/panel", url.Values{"panel": {"on"}}))
		mustContain(t, pc.get("/people/"+strconv.FormatInt(pat.ID, 10)).body, `<a href="/cases">one case is waiting</a>`)
		mustContain(t, pc.get("/home").body, `<a href="/cases">1 promotion case waits for your review</a>`)
		list := pc.get("/cases")
		mustContain(t, list.body, "Sam Self: ")
		mustContain(t, pc.get(second).body, "Mentoring done.", "Record the decision")
		location(t, pc.post(second+"/decision", url.Values{"decision": {"approve"}, "reasons": {"Ready."}, "effective": {"2026-04-01"}}))
		history, err := e.store.LevelHistory(e.ctx, sam.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := history[len(history)-1]
		if last.Reason != store.Promotion || last.ToLevel != "senior" || last.Date.Format(time.DateOnly) != "2026-04-01" || last.MadeBy != pat.ID {
			t.Errorf("the promotion: %+v", last)
		}
		// Sam hears of each decision by email, written in the decision's transaction: the
		// "not yet" first, then the approval, naming the level in words and linking the case.
		sent, err := outbox.List(e.ctx, e.store, sam.ID)
		if err != nil {
			t.Fatal(err)
		}
		var decided []string
		for _, m := range sent {
			if m.Kind == mail.CaseDecided {
				decided = append(decided, string(m.Data))
			}
		}
		if len(decided) != 2 || !strings.Contains(decided[0], `"approved":true`) || !strings.Contains(decided[0], `"effective":"2026-04-01"`) ||
			!strings.Contains(decided[0], `"level":"Senior Engineer"`) || !strings.Contains(decided[0], `"path":"/people/`+id+`/cases/`) ||
			!strings.Contains(decided[1], `"approved":false`) {
			t.Errorf("the decisions' emails waiting for Sam, newest first: %q", decided)
		}
		mustContain(t, sc.get(plan).body, "Sam Self holds this level now")
		if res := mc.post("/people/"+id+"/cases", url.Values{"target": {"engineering/senior"}}); res.status != http.StatusBadRequest ||
			!strings.Contains(res.body, "Sam Self is at this level already.") {
			t.Errorf("a case for the level held: %d", res.status)
		}
		page := sc.get("/people/" + id)
		mustContain(t, page.body, `<time datetime="2026-04-01">2026-04-01</time> Promotion: `, "approved</a>", "Goal met: ")
		if res := pc.post(second+"/decision", url.Values{"decision": {"approve"}, "reasons": {"Again."}, "effective": {"2026-04-01"}}); res.status != http.StatusConflict {
			t.Errorf("decided twice: %d", res.status)
		}

		// Every read of someone else's plan or case is in the log.
		reads, err := e.store.AuditLog(e.ctx, store.AuditFilter{Subject: sam.ID, Actions: []string{"plan.view", "case.view", "cases.view"}, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		by := map[int64]int{}
		for _, r := range reads {
			by[r.Actor]++
		}
		if by[max.ID] == 0 || by[admin.ID] == 0 || by[pat.ID] == 0 || by[sam.ID] != 0 {
			t.Errorf("audited reads by actor: %v", by)
		}
	})
}
