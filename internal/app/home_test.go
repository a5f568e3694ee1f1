package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/checkins"
	"github.com/rungs/rungs/internal/store/growth"
	"github.com/rungs/rungs/internal/store/storetest"
)

// A new admin alone in an empty app lands on a home page that says what to do first, with a
// link to the page that does it; each step is ticked as the data shows it done, and the
// checklist goes once everything is done.
func TestHomeFirstRun(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		ac := e.signedIn(admin)
		res := ac.get("/home")
		if res.status != http.StatusOK {
			t.Fatalf("home: %d", res.status)
		}
		mustContain(t, res.body, "Hello, Ada", "Getting started", "Import your people", `<a href="/import">Import a CSV file</a>`,
			"Nothing waits for you right now.", "No cycle is open.")
		if n := strings.Count(res.body, "✓ done"); n != 0 {
			t.Errorf("an empty app has %d steps ticked", n)
		}

		// People come in, a manager among them without an account.
		max := e.person("Max Manager", "max@example.com", 0, "")
		e.person("Sam Self", "sam@example.com", max.ID, "")
		res = ac.get("/home")
		mustContain(t, res.body, "✓ done", `<a href="/people/`+itoa(max.ID)+`">The next manager to invite</a>`, `<a href="/rollout">Open the rollout</a>`)
		if n := strings.Count(res.body, "✓ done"); n != 1 {
			t.Errorf("after the import, %d steps ticked, want 1", n)
		}
		// Max is invited; titles are mapped; then everyone is levelled.
		if res := ac.post("/people/"+itoa(max.ID)+"/sign-in-link", url.Values{}); res.status != http.StatusOK {
			t.Fatalf("sign-in link: %d", res.status)
		}
		if res := ac.post("/rollout/rules", url.Values{"titles": {"1"}, "title0": {"Software Engineer"}, "level0": {"engineering/engineer"}, "track0": {"product"}}); res.status != http.StatusSeeOther {
			t.Fatalf("rules: %d %s", res.status, res.body)
		}
		res = ac.get("/home")
		if n := strings.Count(res.body, "✓ done"); n != 3 {
			t.Errorf("after inviting and mapping, %d steps ticked, want 3:\n%s", n, res.body)
		}
		mustContain(t, res.body, "<dt>People</dt><dd><a href=\"/people\">3</a></dd>", `<dt>Without a level</dt><dd><a href="/rollout">3</a></dd>`)
		e.level(admin, max, e.personByEmail("sam@example.com"))
		res = ac.get("/home")
		if strings.Contains(res.body, "Getting started") {
			t.Errorf("the checklist is still shown with every step done")
		}
		mustContain(t, res.body, "<dt>Without a level</dt><dd>none</dd>")
	})
}

// personByEmail is the person with that email, as stored now.
func (e *env) personByEmail(email string) store.Person {
	e.t.Helper()
	p, err := e.store.PersonByEmail(e.ctx, email)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// A manager's home lists what waits for them and their team, those who need them first; a
// report's lists their self-assessment with its end date, their last check-in and the items
// they own; neither shows what was said in a check-in, and the people team's part is the
// people team's alone.
func TestHomeManagerAndReport(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		max := e.person("Max Manager", "max@example.com", 0, store.Member)
		sam := e.person("Sam Self", "sam@example.com", max.ID, store.Member)
		kim := e.person("Kim Keen", "kim@example.com", max.ID, store.Member)
		lou := e.person("Lou Later", "lou@example.com", max.ID, store.Member)
		c := e.cycle(admin, max, sam, kim, lou)
		// Sam had a check-in today with an item each; Kim submitted her self-assessment; Lou
		// has had no check-in.
		checkIn, err := checkins.CreateCheckIn(e.ctx, e.store, checkins.CheckIn{PersonID: sam.ID, ManagerID: max.ID, HeldOn: time.Now(),
			Shared: "Talked about the secret reorganisation"}, func(string) bool { return true })

		if err != nil {
			t.Fatal(err)
		}
		for _, it := range []checkins.ActionItem{{Text: "Write the runbook", Owner: checkins.PersonOwns}, {Text: "Book the course", Owner: checkins.ManagerOwns}} {
			it.CheckInID, it.PersonID = checkIn.ID, sam.ID
			if _, err := checkins.AddActionItem(e.ctx, e.store, it); err != nil {
				t.Fatal(err)
			}
		}
		if err := checkins.SavePrivateNote(e.ctx, e.store, sam.ID, checkIn.ID, max.ID, "My private worry"); err != nil {
			t.Fatal(err)
		}
		kc := e.signedIn(kim)
		kimsCycle := "/cycles/" + itoa(c.ID) + "/people/" + itoa(kim.ID)
		if res := kc.post(kimsCycle+"/self", ratingForm("submit", "consistently", 3, "Shipped it")); res.status != http.StatusSeeOther {
			t.Fatalf("self-assessment: %d %s", res.status, res.body)
		}

		mc := e.signedIn(max)
		page := mc.get("/home").body
		mustContain(t, page, "Your team", "Book the course", "your check-in with Sam Self",
			"Assess 3 people of your team in 2025 H1", "Their self-assessment is in: your assessment is next",
			"Self submitted", "No check-in yet", "Engineer",
			// Each card links its person's page, check-ins and assessment, and dates the last check-in.
			`<h3><a href="/people/`+itoa(sam.ID)+`">Sam Self</a></h3>`,
			`Last check-in <a href="/people/`+itoa(sam.ID)+`/checkins"><time datetime="`+checkIn.HeldOn.Format(time.DateOnly)+`">`+
				checkIn.HeldOn.Format(time.DateOnly)+`</time></a> (today)`,
			`<a href="`+"/cycles/"+itoa(c.ID)+"/people/"+itoa(kim.ID)+`">Self submitted</a>`)
		// Kim (self-assessment in) first; Lou (no check-in) next; Sam last.
		order := regexp.MustCompile(`<h3><a href="/people/\d+">([^<]+)</a></h3>`).FindAllStringSubmatch(page, -1)
		var names []string
		for _, m := range order {
			names = append(names, m[1])
		}
		if strings.Join(names, ", ") != "Kim Keen, Lou Later, Sam Self" {
			t.Errorf("team order %q, want who needs attention first", names)
		}
		for _, secret := range []string{"secret reorganisation", "My private worry", "Shipped it", "Write the runbook", "Your organisation"} {
			if strings.Contains(page, secret) {
				t.Errorf("the manager's home shows %q", secret)
			}
		}

		sc := e.signedIn(sam)
		page = sc.get("/home").body
		mustContain(t, page, "Your self-assessment for 2025 H1", "due by <time datetime=\""+c.EndsOn.Format(time.DateOnly)+"\">",
			"Your last check-in was with Max Manager", "(today)", "Write the runbook", "Hello, Sam")
		// Sam has held their level since 2024-01-01, their only change.
		if !regexp.MustCompile(`Engineering track, for \d+ years?(, \d+ months?)?\.`).MatchString(page) {
			t.Errorf("the report's home does not say how long they have held their level:\n%s", page)
		}
		for _, secret := range []string{"secret reorganisation", "My private worry", "Book the course", "Your team", "Your organisation"} {
			if strings.Contains(page, secret) {
				t.Errorf("the report's home shows %q", secret)
			}
		}

		ap := e.signedIn(admin).get("/home").body
		mustContain(t, ap, "Your organisation", "0 of 4 shared")
		if strings.Contains(ap, "secret reorganisation") {
			t.Error("the admin's home shows a check-in's notes")
		}

		// Reading the team is in the audit log.
		entries, err := e.store.AuditLog(e.ctx, store.AuditFilter{Action: "home.team"})
		if err != nil || len(entries) != 1 || entries[0].Actor != max.ID {
			t.Errorf("audit of the team read: %+v, %v", entries, err)
		}
	})
}

// Signing in without a page to go back to lands on the home page, and the header links to it.
func TestHomeAfterSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)})
	e.person("Kim Keen", "kim@example.com", 0, store.Member)
	c := e.client()
	res := c.login("kim@example.com", testPassword)
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/home" {
		t.Fatalf("sign-in: %d to %q", res.status, res.header.Get("Location"))
	}
	mustContain(t, c.get("/home").body, `<a href="/home">Home</a>`, "No check-ins yet.", "You have no level yet")
}

// A name with markup in it is shown as text on its manager's home, never run.
func TestHomeTextIsInert(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)})
	max := e.person("Max Manager", "max@example.com", 0, store.Member)
	e.person(`Evil <script>alert(1)</script> "Quote"`, "evil@example.com", max.ID, "")
	page := e.signedIn(max).get("/home").body
	if strings.Contains(page, "<script>alert") {
		t.Error("the name is markup on the home page")
	}
	mustContain(t, page, "Evil &lt;script&gt;alert(1)&lt;/script&gt; &#34;Quote&#34;")
}

// A home read with the session's read, for who the session opened at its last request, shows
// who the viewer is now: an admin made a member no longer sees the cases waiting for the
// people team, a manager whose last report moved away sees no team, and one made an admin
// sees the organisation, each on the next view of the same session.
func TestHomeIsTheViewersNow(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		ada := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		max := e.person("Max Manager", "max@example.com", 0, store.Member)
		kim := e.person("Kim Keen", "kim@example.com", 0, store.Member)
		sam := e.person("Sam Self", "sam@example.com", max.ID, store.Member)

		// A case for Sam waits for the people team.
		kase, err := growth.OpenCase(e.ctx, e.store, growth.Case{PersonID: sam.ID, OpenedBy: max.ID, Ladder: "engineering", Track: "product", Target: "senior"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := growth.SaveArgument(e.ctx, e.store, sam.ID, kase.ID, "Ready.", nil, max.ID, kase.Version, true); err != nil {
			t.Fatal(err)
		}
		const waiting = "1 promotion case waits for your review"
		ac := e.signedIn(ada)
		for range 2 { // the first view reads after the session's read, the next with it
			mustContain(t, ac.get("/home").body, waiting, "Your organisation")
		}
		e.setRole(ada, store.Member)
		if page := ac.get("/home").body; strings.Contains(page, waiting) || strings.Contains(page, "Your organisation") {
			t.Errorf("an admin made a member still sees the people team's part:\n%s", page)
		}

		mc := e.signedIn(max)
		for range 2 {
			mustContain(t, mc.get("/home").body, "Your team", "Sam Self", "No check-in yet")
		}
		if _, err := checkins.CreateCheckIn(e.ctx, e.store, checkins.CheckIn{PersonID: sam.ID, ManagerID: max.ID, HeldOn: time.Now()},
			func(string) bool { return true }); err != nil {
			t.Fatal(err)
		}
		if page := mc.get("/home").body; strings.Contains(page, "No check-in yet") {
			t.Errorf("the check-in held since the last view is not on the team:\n%s", page)
		}
		sam.ManagerID = kim.ID
		if _, err := e.store.UpdatePerson(e.ctx, sam); err != nil {
			t.Fatal(err)
		}
		if page := mc.get("/home").body; strings.Contains(page, "Your team") || strings.Contains(page, "Sam Self") {
			t.Errorf("a manager without reports any more still sees a team:\n%s", page)
		}
		e.setRole(max, store.Admin)
		mustContain(t, mc.get("/home").body, "Your organisation") // not Sam's case: Max opened it
		// Each view of the team is audited, whichever way it was read.
		entries, err := e.store.AuditLog(e.ctx, store.AuditFilter{Action: "home.team"})
		if err != nil || len(entries) != 3 {
			t.Errorf("audit of the team's reads: %d entries, %v; want 3", len(entries), err)
		}
	})
}
