package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/storetest"
)

func TestRolloutFlow(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		max := e.person("Max Manager", "max@example.com", 0, store.Member)
		other := e.person("Uma Unrelated", "uma@example.com", 0, store.Member)
		ann := e.personTitled("Ann Senior", "ann@example.com", max.ID, "Senior Software Engineer")
		bob := e.personTitled("Bob Engineer", "bob@example.com", max.ID, "SDE II")
		cat := e.personTitled("Cat Wizard", "cat@example.com", max.ID, "Wizard")
		e.personTitled("Oz Other", "oz@example.com", other.ID, "SDE II")
		if _, err := e.store.AddLevelChange(e.ctx, store.LevelChange{PersonID: max.ID, Ladder: "engineering-management", ToLevel: "manager",
			Date: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), Reason: store.Hire}); err != nil {
			t.Fatal(err)
		}
		ac := e.signedIn(admin)

		// The mapping page lists every title with people to level, with the crosswalk's suggestion.
		page := ac.get("/rollout")
		if page.status != http.StatusOK {
			t.Fatalf("rollout page: %d", page.status)
		}
		mustContain(t, page.body, "Senior Software Engineer", "SDE II", "Wizard", "suggested: SDE II")
		// The crosswalk names no track: every suggestion comes with the ladder's first, so it saves as it is.
		if n, want := strings.Count(page.body, `<option value="product" selected>`), strings.Count(page.body, "suggested: "); n != want || n == 0 {
			t.Errorf("%d suggestions with the first track, want %d", n, want)
		}

		// Looking starts nothing: until the admin saves a mapping there is no rollout, and a
		// manager has nothing to review.
		mustContain(t, e.signedIn(max).get("/rollout/review").body, "There is no rollout in progress.")
		if res := e.signedIn(max).post("/rollout/review/"+id(bob), url.Values{"level": {"engineering/senior"}, "track": {"sre"}, "seen": {"0"}}); res.status != http.StatusConflict {
			t.Errorf("a review with no rollout: status %d, want 409", res.status)
		}
		if rs, err := e.store.Rollouts(e.ctx); err != nil || len(rs) != 0 {
			t.Fatalf("after looking: rollouts %+v, %v; want none", rs, err)
		}

		// Map two titles; leave Wizard unmapped.
		form := url.Values{}
		titles := []struct{ title, level, track string }{
			{"Senior Software Engineer", "engineering/senior", "product"},
			{"SDE II", "engineering/engineer", "product"},
			{"Wizard", "", ""},
		}
		for i, tt := range titles {
			k := strconv.Itoa(i)
			form.Set("title"+k, tt.title)
			form.Set("level"+k, tt.level)
			form.Set("track"+k, tt.track)
		}
		form.Set("titles", "3")
		bad := url.Values{"titles": {"1"}, "title0": {"Wizard"}, "level0": {"engineering/archmage"}}
		if res := ac.post("/rollout/rules", bad); res.status != http.StatusBadRequest ||
			!strings.Contains(res.body, "Level for Wizard: The level archmage is not on the Engineering ladder.") {
			t.Fatalf("unknown level in a rule: %d %s", res.status, res.body)
		}
		if res := ac.post("/rollout/rules", form); res.status != http.StatusSeeOther {
			t.Fatalf("save rules: %d %s", res.status, res.body)
		}

		// The manager sees their three reports, not Oz.
		mc := e.signedIn(max)
		review := mc.get("/rollout/review")
		mustContain(t, review.body, "Ann Senior", "Bob Engineer", "Cat Wizard", "3 people")
		if strings.Contains(review.body, "Oz Other") {
			t.Error("the manager sees someone else's report")
		}
		// Max moves Bob up a level, with a note, and places Cat.
		if res := mc.post("/rollout/review/"+id(bob), url.Values{"level": {"engineering/senior"}, "track": {"sre"}, "note": {"Leads the on-call rota"}, "seen": {"0"}}); res.status != http.StatusSeeOther {
			t.Fatalf("review: %d %s", res.status, res.body)
		}
		// A review that does not fit the framework comes back in its form, with the reason and what was typed.
		res := mc.post("/rollout/review/"+id(cat), url.Values{"level": {"engineering/archmage"}, "track": {""}, "note": {"Wand skills"},
			"back": {"/rollout/review?status=unmapped"}, "seen": {"0"}})
		if res.status != http.StatusBadRequest {
			t.Fatalf("review with a level not in the framework: %d", res.status)
		}
		mustContain(t, res.body, "Level: The level archmage is not on the Engineering ladder.", `aria-describedby="error`+id(cat)+`"`, `value="Wand skills"`,
			`name="back" value="/rollout/review?status=`)
		// Someone else's report is not theirs to review.
		if res := e.signedIn(other).post("/rollout/review/"+id(ann), url.Values{"level": {"engineering/staff"}, "track": {"product"}, "seen": {"0"}}); res.status != http.StatusNotFound {
			t.Fatalf("unrelated review: %d", res.status)
		}
		mustContain(t, ac.get("/rollout").body, "1 reviewed", "2 mapped by title only", "3 not mapped")

		// Apply: Ann and Bob get levels, Cat stays unlevelled.
		if res := ac.post("/rollout/apply", url.Values{"date": {"2026-01-05"}}); res.status != http.StatusBadRequest {
			t.Fatalf("apply without confirming: %d", res.status)
		}
		if res := ac.post("/rollout/apply", url.Values{"date": {"2026-01-05"}, "confirm": {"yes"}}); res.status != http.StatusSeeOther {
			t.Fatalf("apply: %d %s", res.status, res.body)
		}
		for _, tc := range []struct {
			p                    store.Person
			ladder, track, level string
			note                 string
		}{
			{ann, "engineering", "product", "senior", ""},
			{bob, "engineering", "sre", "senior", "Leads the on-call rota"},
		} {
			h, err := e.store.LevelHistory(e.ctx, tc.p.ID)
			if err != nil || len(h) != 1 {
				t.Fatalf("%s history: %v %v", tc.p.Name, h, err)
			}
			c := h[0]
			if c.Reason != store.RolloutReason || c.Ladder != tc.ladder || c.Track != tc.track || c.ToLevel != tc.level || c.Note != tc.note ||
				c.MadeBy != admin.ID || c.Date.Format(time.DateOnly) != "2026-01-05" {
				t.Errorf("%s: %+v", tc.p.Name, c)
			}
		}
		if p, _ := e.store.Person(e.ctx, cat.ID); p.Level != "" {
			t.Errorf("unmapped Cat was levelled: %q", p.Level)
		}
		// The timeline shows it.
		mustContain(t, mc.get("/people/"+id(bob)).body, "rollout", "Senior Engineer", "Leads the on-call rota")
		// Applied is history: a new rollout covers only Cat, and the old one's review cannot change.
		mustContain(t, ac.get("/rollout").body, "Earlier rollouts", "Wizard")
		if strings.Contains(ac.get("/rollout/review").body, "Ann Senior") {
			t.Error("a levelled person is still in the rollout")
		}
		n, err := e.store.CountAudit(e.ctx, store.AuditFilter{Action: "rollout.apply"})
		if err != nil || n != 1 {
			t.Errorf("rollout.apply audit entries: %d %v", n, err)
		}
	})
}

func TestRolloutDiscard(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)})
	admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
	ann := e.personTitled("Ann Senior", "ann@example.com", 0, "Senior Software Engineer")
	ac := e.signedIn(admin)
	if res := ac.post("/rollout/rules", url.Values{"titles": {"1"}, "title0": {"Senior Software Engineer"}, "level0": {"engineering/senior"}, "track0": {"product"}}); res.status != http.StatusSeeOther {
		t.Fatalf("rules: %d", res.status)
	}
	if res := ac.post("/rollout/discard", url.Values{"confirm": {"yes"}}); res.status != http.StatusSeeOther {
		t.Fatalf("discard: %d", res.status)
	}
	if p, _ := e.store.Person(e.ctx, ann.ID); p.Level != "" {
		t.Fatal("discarding levelled someone")
	}
	// The new rollout starts without the discarded rule: the title is back to a suggestion.
	mustContain(t, ac.get("/rollout").body, "suggested: Senior Software Engineer", "Earlier rollouts", "discarded")
}

// TestRolloutTrackFollowsLevel picks levels with the track picker left at "No track", or at
// another ladder's track, as an admin does for a title the crosswalk has no suggestion for:
// the mapping and the review save with a track of the level's own ladder.
func TestRolloutTrackFollowsLevel(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)})
	admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
	max := e.person("Max Manager", "max@example.com", 0, store.Member)
	if _, err := e.store.AddLevelChange(e.ctx, store.LevelChange{PersonID: max.ID, Ladder: "engineering-management", ToLevel: "manager",
		Date: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), Reason: store.Hire}); err != nil {
		t.Fatal(err)
	}
	e.personTitled("Cat Wizard", "cat@example.com", max.ID, "Wizard")
	e.personTitled("Dan Boss", "dan@example.com", max.ID, "Head Honcho")
	e.personTitled("Eve Sage", "eve@example.com", max.ID, "Sage")
	ac := e.signedIn(admin)

	rules := url.Values{"titles": {"3"},
		"title0": {"Wizard"}, "level0": {"engineering/associate"}, "track0": {""},
		"title1": {"Head Honcho"}, "level1": {"engineering-management/director"}, "track1": {"sre"},
		"title2": {"Sage"}, "level2": {"engineering/staff"}, "track2": {"sre"}}
	if res := ac.post("/rollout/rules", rules); res.status != http.StatusSeeOther {
		t.Fatalf("rules with no track: %d %s", res.status, res.body)
	}
	ro, err := e.store.CurrentRollout(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.store.RolloutRules(e.ctx, ro.ID)
	if err != nil {
		t.Fatal(err)
	}
	// No track: the ladder's first; another ladder's track: none, on a ladder without tracks;
	// a track of the level's ladder: kept.
	want := map[string]string{"Wizard": "engineering/product/associate", "Head Honcho": "engineering-management//director", "Sage": "engineering/sre/staff"}
	for _, r := range got {
		if s := r.Ladder + "/" + r.Track + "/" + r.Level; s != want[r.Title] {
			t.Errorf("rule for %s: %s, want %s", r.Title, s, want[r.Title])
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d rules saved, want %d", len(got), len(want))
	}

	// The manager confirms with the track left empty; each Confirm comes back at the next card.
	mc := e.signedIn(max)
	page := mc.get("/rollout/review")
	cards := regexp.MustCompile(`<form method="post" action="/rollout/review/(\d+)"`).FindAllStringSubmatch(page.body, -1)
	if len(cards) != 3 {
		t.Fatalf("%d cards on the review page, want 3", len(cards))
	}
	first, second, last := cards[0][1], cards[1][1], cards[2][1]
	mustContain(t, page.body, `id="person-`+first+`"`, `name="next" value="`+second+`"`, `<span class="tag">Not reviewed yet</span>`)
	res := mc.post("/rollout/review/"+first, url.Values{"level": {"engineering/senior"}, "track": {""}, "next": {second},
		"back": {"/rollout/review?status=mapped"}, "seen": {"0"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("review with no track: %d %s", res.status, res.body)
	}
	if loc, want := res.header.Get("Location"), "/rollout/review?status=mapped&done=reviewed#person-"+second; loc != want {
		t.Errorf("after a review: sent to %s, want %s", loc, want)
	}
	res = mc.post("/rollout/review/"+last, url.Values{"level": {"engineering/senior"}, "track": {"sre"}, "seen": {"0"}})
	if loc, want := res.header.Get("Location"), "/rollout/review?done=reviewed#person-"+last; res.status != http.StatusSeeOther || loc != want {
		t.Errorf("after the last card's review: %d, sent to %s, want %s", res.status, loc, want)
	}
	ps, err := e.store.Proposals(e.ctx, ro.ID, store.ProposalFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if id(p.Person) == first && (p.Status != store.Reviewed || p.Track != "product") {
			t.Errorf("the review with no track: %+v", p)
		}
	}
}

func (e *env) personTitled(name, email string, manager int64, title string) store.Person {
	e.t.Helper()
	p, err := e.store.CreatePerson(e.ctx, store.Person{Name: name, Email: email, ManagerID: manager, Title: title,
		StartDate: time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func id(p store.Person) string { return strconv.FormatInt(p.ID, 10) }

// rulesForm is the mapping form as the rollout page shows it: every title with the rule it
// showed and the level and track selected.
func rulesForm(t *testing.T, page string) url.Values {
	t.Helper()
	form := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="((?:titles|title|people|was)\d*)" value="([^"]*)">`).FindAllStringSubmatch(page, -1) {
		form.Set(m[1], htmlUnescape(m[2]))
	}
	for _, m := range regexp.MustCompile(`(?s)<select name="((?:level|track)\d+)"[^>]*>(.*?)</select>`).FindAllStringSubmatch(page, -1) {
		selected := ""
		if o := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(m[2]); o != nil {
			selected = o[1]
		}
		form.Set(m[1], selected)
	}
	if form.Get("titles") == "" {
		t.Fatal("no mapping form in the page")
	}
	return form
}

// rowOf is the index of a title's row in the mapping form.
func rowOf(t *testing.T, form url.Values, title string) string {
	t.Helper()
	for k, v := range form {
		if strings.HasPrefix(k, "title") && k != "titles" && v[0] == title {
			return strings.TrimPrefix(k, "title")
		}
	}
	t.Fatalf("no row for %q", title)
	return ""
}

// Two admins map titles from pages opened at the same time: each save keeps the other's
// rows, and a row both changed is refused to the second, with theirs named, until the second
// saves again having seen it.
func TestRolloutRulesConcurrent(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		ada := e.signedIn(e.person("Ada Admin", "ada@example.com", 0, store.Admin))
		bea := e.signedIn(e.person("Bea Admin", "bea@example.com", 0, store.Admin))
		max := e.person("Max Manager", "max@example.com", 0, store.Member)
		e.personTitled("Ann", "ann@example.com", max.ID, "Wizard")
		e.personTitled("Bob", "bob@example.com", max.ID, "Sorcerer")
		rule := func(title string) store.RolloutRule {
			t.Helper()
			ro, err := e.store.CurrentRollout(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			rules, err := e.store.RolloutRules(e.ctx, ro.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rules {
				if r.Title == title {
					return r
				}
			}
			return store.RolloutRule{}
		}

		// Different rows: both kept.
		af, bf := rulesForm(t, ada.get("/rollout").body), rulesForm(t, bea.get("/rollout").body)
		af.Set("level"+rowOf(t, af, "Wizard"), "engineering/senior")
		bf.Set("level"+rowOf(t, bf, "Sorcerer"), "engineering/staff")
		for _, c := range []struct {
			c    *client
			form url.Values
		}{{ada, af}, {bea, bf}} {
			if res := c.c.post("/rollout/rules", c.form); res.status != http.StatusSeeOther {
				t.Fatalf("save: %d %s", res.status, res.body)
			}
		}
		if rule("Wizard").Level != "senior" || rule("Sorcerer").Level != "staff" {
			t.Fatalf("after two saves of different rows: Wizard %+v, Sorcerer %+v", rule("Wizard"), rule("Sorcerer"))
		}

		// The same row: the second is refused, nothing of its form saved, theirs named.
		af, bf = rulesForm(t, ada.get("/rollout").body), rulesForm(t, bea.get("/rollout").body)
		af.Set("level"+rowOf(t, af, "Wizard"), "engineering/staff")
		bf.Set("level"+rowOf(t, bf, "Wizard"), "engineering/engineer")
		bf.Set("level"+rowOf(t, bf, "Sorcerer"), "engineering/senior")
		if res := ada.post("/rollout/rules", af); res.status != http.StatusSeeOther {
			t.Fatalf("first save: %d %s", res.status, res.body)
		}
		res := bea.post("/rollout/rules", bf)
		if res.status != http.StatusConflict {
			t.Fatalf("second save of the same row: %d, want 409", res.status)
		}
		mustContain(t, res.body, "Someone else mapped Wizard to Staff Engineer", "Nothing of this form was saved")
		if rule("Wizard").Level != "staff" || rule("Sorcerer").Level != "staff" {
			t.Fatalf("a refused save wrote: Wizard %+v, Sorcerer %+v", rule("Wizard"), rule("Sorcerer"))
		}
		// The page that refused it shows Bea's choice and knows Ada's: saving it again is Bea's call.
		again := rulesForm(t, res.body)
		if again.Get("level"+rowOf(t, again, "Wizard")) != "engineering/engineer" {
			t.Fatalf("the refusal lost Bea's choice: %v", again)
		}
		if res := bea.post("/rollout/rules", again); res.status != http.StatusSeeOther {
			t.Fatalf("saving again having seen theirs: %d %s", res.status, res.body)
		}
		if rule("Wizard").Level != "engineer" || rule("Sorcerer").Level != "senior" {
			t.Fatalf("after saving again: Wizard %+v, Sorcerer %+v", rule("Wizard"), rule("Sorcerer"))
		}
	})
}
