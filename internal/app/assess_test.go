package app_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/app/assess"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/store"
	storeassess "github.com/rungs/rungs/internal/store/assess"
)

// level puts people on the engineering ladder's engineer level, product track.
func (e *env) level(people ...store.Person) {
	e.t.Helper()
	for _, p := range people {
		if _, err := e.store.AddLevelChange(e.ctx, store.LevelChange{PersonID: p.ID, Ladder: "engineering", Track: "product",
			ToLevel: "engineer", Date: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Reason: store.Hire}); err != nil {
			e.t.Fatal(err)
		}
	}
}

// cycle levels people and opens a cycle of everyone on the app's framework, as an admin would.
func (e *env) cycle(by store.Person, people ...store.Person) storeassess.Cycle {
	e.t.Helper()
	e.level(people...)
	version, snapshot, err := assess.Version(e.app.Framework())
	if err != nil {
		e.t.Fatal(err)
	}
	c, _, err := storeassess.OpenCycle(e.ctx, e.store, storeassess.Cycle{Name: "2025 H1", StartsOn: time.Now(), EndsOn: time.Now().AddDate(0, 1, 0),
		Scope: storeassess.ScopeEveryone, IncludeNext: true, FrameworkVersion: version, FrameworkJSON: snapshot, OpenedBy: by.ID}, []string{"engineering"})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// ratingForm is a form that rates the first n expectations of the engineer level.
func ratingForm(action string, rating string, n int, evidence string) url.Values {
	form := url.Values{"action": {action}}
	for _, id := range []string{"delivery", "code", "design"}[:n] {
		form.Set("rating:engineer/"+id, rating)
		form.Set("evidence:engineer/"+id, evidence)
	}
	return form
}

func TestAssessmentFlow(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		boss := e.person("Bo Boss", "bo@example.com", 0, store.Member)
		sam := e.person("Sam Self", "sam@example.com", boss.ID, store.Member)
		other := e.person("Oli Other", "oli@example.com", 0, store.Member)
		a, b, s, o := e.signedIn(admin), e.signedIn(boss), e.signedIn(sam), e.signedIn(other)
		e.level(boss, sam, other)

		// The admin opens a cycle; errors are named per field.
		res := a.post("/cycles", url.Values{"name": {""}, "starts": {"2025-02-01"}, "ends": {"2025-01-01"}, "scope": {"team"}, "manager": {"nobody@example.com"}})
		if res.status != http.StatusBadRequest {
			t.Fatalf("bad cycle: status %d", res.status)
		}
		mustContain(t, res.body, `id="name-error"`, `id="ends-error"`, `id="manager-error"`, "The last day comes before the first.")
		res = a.post("/cycles", url.Values{"name": {"2025 H1"}, "starts": {"2025-01-06"}, "ends": {"2025-02-28"}, "scope": {"team"},
			"manager": {"bo@example.com"}, "next": {"yes"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("open cycle: status %d %s", res.status, res.body)
		}
		cyclePath := strings.TrimSuffix(res.header.Get("Location"), "?done=opened")
		person := cyclePath + "/people/" + strconv.FormatInt(sam.ID, 10)
		if res := a.get(cyclePath); res.status != 200 || !strings.Contains(res.body, "Sam Self") || strings.Contains(res.body, "Oli Other") {
			t.Fatalf("cycle page: %d", res.status)
		}
		// Someone not in the cycle, and a cycle that is not there, are not found, even for
		// the admin.
		for _, path := range []string{cyclePath + "/people/" + strconv.FormatInt(other.ID, 10),
			"/cycles/999999/people/" + strconv.FormatInt(sam.ID, 10)} {
			if res := a.get(path); res.status != http.StatusNotFound {
				t.Errorf("%s: status %d, want 404", path, res.status)
			}
		}

		// Sam saves a draft: bad ratings are named per field; the manager does not see it.
		bad := ratingForm("save", "brilliant", 1, "")
		bad.Set("evidence:engineer/code", "bad \u202e")
		res = s.post(person+"/self", bad)
		if res.status != http.StatusBadRequest {
			t.Fatalf("bad self-assessment: status %d", res.status)
		}
		mustContain(t, res.body, `id="self-rating_engineer_delivery-error"`, `id="self-evidence_engineer_code-error"`)
		if res := s.post(person+"/self", ratingForm("save", "consistently", 3, "Shipped [the importer](https://example.com/pr/1) <script>x</script>")); res.status != http.StatusSeeOther {
			t.Fatalf("save draft: %d %s", res.status, res.body)
		}
		if res := b.get(person); res.status != 200 || strings.Contains(res.body, "the importer") {
			t.Errorf("the manager sees a draft (status %d)", res.status)
		}
		if res := s.post(person+"/self", ratingForm("submit", "consistently", 3, "Shipped [the importer](https://example.com/pr/1) <script>x</script>")); res.status != http.StatusSeeOther {
			t.Fatalf("submit: %d", res.status)
		}
		// Submitted: the manager sees it, evidence as safe Markdown.
		res = b.get(person)
		mustContain(t, res.body, `<a href="https://example.com/pr/1">the importer</a>`, "Consistently")
		if strings.Contains(res.body, "<script>x") {
			t.Error("evidence markup is live")
		}
		// A change now needs a reason, and is an amendment.
		if res := s.post(person+"/self", ratingForm("save", "sometimes", 1, "Less than I thought.")); res.status != http.StatusBadRequest ||
			!strings.Contains(res.body, `id="self-reason-error"`) {
			t.Errorf("amendment without a reason: %d", res.status)
		}
		amend := ratingForm("save", "sometimes", 1, "Less than I thought.")
		amend.Set("rating:engineer/code", "consistently")
		amend.Set("evidence:engineer/code", "Shipped [the importer](https://example.com/pr/1) <script>x</script>")
		amend.Set("rating:engineer/design", "consistently")
		amend.Set("evidence:engineer/design", "Shipped [the importer](https://example.com/pr/1) <script>x</script>")
		amend.Set("reason", "Second thoughts on delivery")
		if res := s.post(person+"/self", amend); res.status != http.StatusSeeOther {
			t.Fatalf("amend: %d %s", res.status, res.body)
		}

		// The manager rates lower: the person does not see it until shared.
		if res := b.post(person+"/manager", ratingForm("submit", "not-yet", 2, "Needs *more* zorblax ownership.")); res.status != http.StatusSeeOther {
			t.Fatalf("manager submit: %d %s", res.status, res.body)
		}
		mustContain(t, b.get(person).body, " by Bo Boss. A change now is an amendment")
		if res := s.get(person); strings.Contains(res.body, "zorblax") || strings.Contains(res.body, `<th scope="col">Manager</th>`) {
			t.Error("the person sees the manager's assessment (or its column) before it is shared")
		}
		if res := s.post(person+"/acknowledge", url.Values{}); res.status != http.StatusConflict {
			t.Errorf("acknowledge before sharing: %d", res.status)
		}
		if res := b.post(person+"/share", url.Values{}); res.status != http.StatusSeeOther {
			t.Fatalf("share: %d", res.status)
		}
		res = s.get(person)
		mustContain(t, res.body, "<em>more</em> zorblax ownership", "Gap: the manager rates lower", "Second thoughts on delivery", "Readiness",
			`<svg class="radar"`, "By the ladder's promotion guidance",
			// Each area at each level side by side, both sides' columns now.
			"<h3>Engineer: Core</h3>", "<h3>Next level, Senior Engineer: Core</h3>",
			`<thead><tr><th scope="col">Expectation</th><th scope="col">Self</th><th scope="col">Manager</th></tr></thead>`,
			// Readiness: the two expectations the person rated "consistently" of the level's nine.
			"<tr><th scope=\"row\">Core</th>\n<td>2 of 9</td><td>0 of 9</td>\n<td>0 of 9</td><td>0 of 9</td></tr>")
		if res := s.post(person+"/acknowledge", url.Values{"note": {"Read, and we talked."}}); res.status != http.StatusSeeOther {
			t.Fatalf("acknowledge: %d", res.status)
		}
		if p, _ := storeassess.ParticipantOf(e.ctx, e.store, mustID(t, cyclePath), sam.ID); p.Status != storeassess.Acknowledged {
			t.Errorf("status %s, want acknowledged", p.Status)
		}

		// Someone outside the chain sees nothing of it; every read by another is audited.
		if res := o.get(person); res.status != http.StatusNotFound {
			t.Errorf("an unrelated person: %d", res.status)
		}
		log, _ := e.store.AuditLog(e.ctx, store.AuditFilter{Action: "assessment.view", Subject: sam.ID})
		if len(log) == 0 {
			t.Error("the manager's reads were not audited")
		}
		for _, entry := range log {
			if entry.Actor == sam.ID {
				t.Error("a person's read of their own assessment was audited as another's")
			}
		}

		// Reports and the CSV export.
		res = a.get(cyclePath + "/report")
		mustContain(t, res.body, `<svg class="bars"`, "Calibration", "Bo Boss (manager)", "Level distribution", "Time in level",
			"<td>Acknowledged</td>", `href="`+cyclePath+`/calibration"`, "Every team, the largest first.")
		// The calibration page: every manager who submitted, a page at a time.
		res = a.get(cyclePath + "/calibration")
		mustContain(t, res.body, "<h1>Calibration: ", "Bo Boss (manager)", "Managers 1 to 1 of 1.", "Gap (self less manager)")
		mustContain(t, a.get(cyclePath+"/calibration?from=25").body, "No managers on this page.")
		// Where each assessment stands is shown in words, on the report and the cycle's page.
		mustContain(t, a.get(cyclePath).body, `<span class="status status-acknowledged">Acknowledged</span>`, `<option value="self-submitted">Self submitted</option>`)
		res = b.get(cyclePath + "/report.csv")
		if res.status != 200 || !strings.Contains(res.body, "Sam Self,sam@example.com,Bo Boss,engineering,product") || !strings.Contains(res.body, ",acknowledged,") {
			t.Errorf("report.csv: %d\n%s", res.status, res.body)
		}

		// The JSON export is the static site's self-assessment file.
		res = s.get(person + "/assessment.json")
		var file struct {
			Format  string            `json:"format"`
			Ratings map[string]string `json:"ratings"`
			Current string            `json:"current"`
			Manager *struct {
				Ratings map[string]string `json:"ratings"`
			} `json:"manager"`
		}
		if err := json.Unmarshal([]byte(res.body), &file); err != nil || file.Format != "rungs-assessment" || file.Current != "engineer" ||
			file.Ratings["engineer/delivery"] != "sometimes" || file.Manager == nil || file.Manager.Ratings["engineer/code"] != "not-yet" {
			t.Errorf("export: %v %+v", err, file)
		}

		// Closed: nothing changes.
		if res := a.post(cyclePath+"/close", url.Values{"confirm": {"yes"}}); res.status != http.StatusSeeOther {
			t.Fatalf("close: %d", res.status)
		}
		if res := b.post(person+"/manager", ratingForm("save", "sometimes", 1, "x")); res.status != http.StatusConflict {
			t.Errorf("rate in a closed cycle: %d", res.status)
		}
	})
}

func mustID(t *testing.T, cyclePath string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(cyclePath, "/cycles/"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// A cycle reads as it was opened after the framework is edited: a reworded, a removed and an
// added expectation, with what changed since marked.
func TestCycleReadsAsOpenedAfterTheFrameworkChanges(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		sam := e.person("Sam Self", "sam@example.com", 0, store.Member)
		c := e.cycle(admin, sam)
		before := e.app.Framework()
		person := "/cycles/" + strconv.FormatInt(c.ID, 10) + "/people/" + strconv.FormatInt(sam.ID, 10)
		original := e.signedIn(sam).get(person).body
		mustContain(t, original, "Delivers features that span several tasks")

		// A copy of the framework with the engineer level edited.
		var edited ladder.Framework
		b, _ := ladder.JSON(before)
		if err := json.Unmarshal(b, &edited); err != nil {
			t.Fatal(err)
		}
		lv := edited.Ladder("engineering").Level("engineer")
		core := lv.Area("core")
		var kept []*ladder.Expectation
		for _, x := range core.Expectations {
			switch x.ID {
			case "delivery":
				x.Text = "Delivers whole features end to end."
			case "code":
				continue // removed
			}
			kept = append(kept, x)
		}
		core.Expectations = append(kept, &ladder.Expectation{ID: "writes-decisions", Text: "Writes down the decisions the team takes."})
		e.app.SetFramework(&edited)
		t.Cleanup(func() { e.app.SetFramework(before) })

		page := e.signedIn(sam).get(person).body
		mustContain(t, page, "Delivers features that span several tasks", "Reworded since: Delivers whole features end to end.",
			"Chooses the right kind of test", "No longer expected at this level.",
			"New in the framework since this cycle opened", "Writes down the decisions the team takes.")
		cyclePage := e.signedIn(admin).get("/cycles/" + strconv.FormatInt(c.ID, 10)).body
		mustContain(t, cyclePage, "Changed since the cycle opened", "whole", "Writes down the decisions", c.FrameworkVersion)
		// Ratings still go to the expectations the cycle asks about, by their ids.
		if res := e.signedIn(sam).post(person+"/self", ratingForm("save", "consistently", 2, "ok")); res.status != http.StatusSeeOther {
			t.Errorf("rate the removed expectation in the pinned cycle: %d %s", res.status, res.body)
		}
	})
}

// With admins_read_assessments: false, admins see how far each assessment has come, never
// the ratings; the person and their chain still do.
func TestAdminsKeptOutOfAssessments(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		boss := e.person("Bo Boss", "bo@example.com", 0, store.Member)
		sam := e.person("Sam Self", "sam@example.com", boss.ID, store.Member)
		c := e.cycle(admin, boss, sam)
		person := "/cycles/" + strconv.FormatInt(c.ID, 10) + "/people/" + strconv.FormatInt(sam.ID, 10)
		if res := e.signedIn(sam).post(person+"/self", ratingForm("submit", "consistently", 1, "Private evidence")); res.status != http.StatusSeeOther {
			t.Fatal(res.status)
		}
		if res := e.signedIn(admin).get(person); res.status != 200 || !strings.Contains(res.body, "Private evidence") {
			t.Errorf("admin by default: %d", res.status)
		}
		before := e.app.Framework()
		private := *before
		no := false
		private.AdminsReadAssessments = &no
		e.app.SetFramework(&private)
		t.Cleanup(func() { e.app.SetFramework(before) })
		for _, path := range []string{person, person + "/assessment.json"} {
			if res := e.signedIn(admin).get(path); res.status != http.StatusNotFound {
				t.Errorf("admin reads %s: %d", path, res.status)
			}
		}
		report := e.signedIn(admin).get("/cycles/" + strconv.FormatInt(c.ID, 10) + "/report").body
		mustContain(t, report, "completion only", "Completion")
		if strings.Contains(report, "Calibration") {
			t.Error("the admin's report counts ratings")
		}
		calibration := e.signedIn(admin).get("/cycles/" + strconv.FormatInt(c.ID, 10) + "/calibration").body
		mustContain(t, calibration, "no ratings to calibrate")
		if strings.Contains(calibration, "(manager)") {
			t.Error("the admin's calibration page counts ratings")
		}
		csv := e.signedIn(admin).get("/cycles/" + strconv.FormatInt(c.ID, 10) + "/report.csv").body
		if strings.Contains(csv, "mean score") {
			t.Error("the admin's CSV has scores")
		}
		if res := e.signedIn(boss).get(person); res.status != 200 || !strings.Contains(res.body, "Private evidence") {
			t.Errorf("the manager: %d", res.status)
		}
	})
}

// Two managers above a person rate them at the same time from pages that showed the same
// assessment: a rating each changes is kept; the same rating changed by both is refused to
// the later save with 409, nothing of it saved and the other's version shown beside what was
// typed; saved again from that page, it goes over the other's.
func TestAssessmentConcurrentManagers(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		grand := e.person("Gil Grand", "gil@example.com", 0, store.Member)
		boss := e.person("Bo Boss", "bo@example.com", grand.ID, store.Member)
		sam := e.person("Sam Self", "sam@example.com", boss.ID, store.Member)
		c := e.cycle(admin, grand, boss, sam)
		page := "/cycles/" + itoa(c.ID) + "/people/" + itoa(sam.ID)
		b, g := e.signedIn(boss), e.signedIn(grand)
		// Both pages showed nothing rated: each form says so.
		shown := func(form url.Values) url.Values {
			for _, id := range []string{"delivery", "code", "design"} {
				form.Set("seen-rating:engineer/"+id, "")
				form.Set("seen-evidence:engineer/"+id, "")
			}
			return form
		}
		if res := b.post(page+"/manager", shown(url.Values{"action": {"save"}, "rating:engineer/delivery": {"consistently"},
			"evidence:engineer/delivery": {"Ran the quokka migration."}})); res.status != http.StatusSeeOther {
			t.Fatalf("the first save: %d %s", res.status, res.body)
		}
		if res := g.post(page+"/manager", shown(url.Values{"action": {"save"}, "rating:engineer/code": {"sometimes"}})); res.status != http.StatusSeeOther {
			t.Fatalf("a save of another rating: %d %s", res.status, res.body)
		}
		res := g.post(page+"/manager", shown(url.Values{"action": {"save"}, "rating:engineer/delivery": {"not-yet"},
			"evidence:engineer/delivery": {"Left the wombat work half done."}, "rating:engineer/code": {"sometimes"}}))
		if res.status != http.StatusConflict {
			t.Fatalf("the same rating changed by both: %d", res.status)
		}
		mustContain(t, res.body, "Saved by someone else while this page was open: “Consistently”, with the evidence “Ran the quokka migration.” Yours is below",
			"Left the wombat work half done.", `name="seen-rating:engineer/delivery" value="consistently"`)
		rs, err := storeassess.Ratings(e.ctx, e.store, c.ID, sam.ID, storeassess.ManagerSide)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, r := range rs {
			got[r.Expectation] = r.Rating
		}
		if got["delivery"] != "consistently" || got["code"] != "sometimes" {
			t.Errorf("after the refused save: %v; want both earlier saves kept", got)
		}
		// Saved again from the page the 409 showed, over the other's version.
		again := url.Values{"action": {"save"}, "rating:engineer/delivery": {"not-yet"}, "evidence:engineer/delivery": {"Left the wombat work half done."},
			"rating:engineer/code": {"sometimes"}}
		for _, k := range []string{"seen-rating:engineer/delivery", "seen-evidence:engineer/delivery"} {
			again.Set(k, html.UnescapeString(found(t, res.body, `name="`+k+`" value="([^"]*)"`)))
		}
		if res := g.post(page+"/manager", again); res.status != http.StatusSeeOther {
			t.Fatalf("saved again: %d %s", res.status, res.body)
		}
		if rs, _ := storeassess.Ratings(e.ctx, e.store, c.ID, sam.ID, storeassess.ManagerSide); len(rs) != 2 || rs[1].Rating != "not-yet" && rs[0].Rating != "not-yet" {
			t.Errorf("saved again over the other's version: %+v", rs)
		}
	})
}
