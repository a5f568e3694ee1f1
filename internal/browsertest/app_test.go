package browsertest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/demo"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/site"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
	"github.com/rungs/rungs/internal/store/assess"
	"github.com/rungs/rungs/internal/store/checkins"
	"github.com/rungs/rungs/internal/store/storetest"
)

// The people app in the browser: the app on a real HTTP server over a SQLite database, beside
// the bundled framework's published site, driven in headless Chromium. The app's pages carry a
// Content-Security-Policy that allows no script, so every flow here runs with the page's
// script turned off: a page that needed JavaScript would fail these tests, not just the policy.

// appPassword is every test account's password: the demo's.
const appPassword = demo.Password

// cheapHashing are the argon2id settings the tests' app hashes with, the demo's: the real
// ones cost 64 MiB and seconds a sign-in under the race detector. (internal/cli's
// TestServePeopleApp shows that rungs serve hashes with the real ones.)
var cheapHashing = demo.CheapHashing

var appPasswordHash = sync.OnceValues(func() (string, error) { return cheapHashing.Hash(appPassword) })

// bundledApp is the bundled framework and its rendered site, which every app test serves.
var bundledApp struct {
	once sync.Once
	f    *ladder.Framework
	site http.Handler
	err  error
}

// appEnv is a running app: its store, for setting up people directly, and its address.
type appEnv struct {
	t     *testing.T
	ctx   context.Context
	store *store.Store
	url   string // http://127.0.0.1:PORT, no trailing slash
}

// startApp starts the people app on loopback with a new SQLite database; each option may
// change the app's configuration before it starts.
func startApp(t *testing.T, options ...func(*app.Config)) *appEnv {
	t.Helper()
	bundledApp.once.Do(func() {
		fsys, _ := frameworks.FS("engineering")
		f, diags, err := ladder.Load(fsys)
		switch {
		case err != nil:
			bundledApp.err = err
			return
		case diags.HasErrors():
			bundledApp.err = errors.New(diags.Error())
			return
		}
		s, err := site.Render(f, fsys, site.Options{})
		if err != nil {
			bundledApp.err = err
			return
		}
		bundledApp.f = f
		bundledApp.site, bundledApp.err = site.NewHandler(s, "")
	})
	if bundledApp.err != nil {
		t.Fatalf("bundled framework: %v", bundledApp.err)
	}
	ctx := context.Background()
	s, err := store.Open(ctx, store.Config{SQLitePath: storetest.SQLite(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	cfg := app.Config{Store: s, Site: bundledApp.site, Passwords: cheapHashing}
	for _, o := range options {
		o(&cfg)
	}
	a, err := app.New(cfg, bundledApp.f)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	return &appEnv{t: t, ctx: ctx, store: s, url: srv.URL}
}

// person adds someone, with an account of role unless role is "".
func (e *appEnv) person(name, email, title string, manager int64, role store.Role) store.Person {
	e.t.Helper()
	p, err := e.store.CreatePerson(e.ctx, store.Person{Name: name, Email: email, Title: title, ManagerID: manager,
		StartDate: time.Date(2023, 4, 3, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		e.t.Fatal(err)
	}
	if role != "" {
		hash, err := appPasswordHash()
		if err != nil {
			e.t.Fatal(err)
		}
		if _, err := access.CreateAccount(e.ctx, e.store, p.ID, hash, role); err != nil {
			e.t.Fatal(err)
		}
	}
	return p
}

// level records a level change in p's history, as of day (YYYY-MM-DD).
func (e *appEnv) level(p store.Person, ladderID, track, level, day string, reason store.Reason, note string, by int64) {
	e.t.Helper()
	date, err := time.Parse(time.DateOnly, day)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.store.AddLevelChange(e.ctx, store.LevelChange{PersonID: p.ID, Ladder: ladderID, Track: track, ToLevel: level,
		Date: date, Reason: reason, Note: note, MadeBy: by}); err != nil {
		e.t.Fatal(err)
	}
}

// appTab opens a tab, in a browser context of its own, with the page's script turned off.
// DevTools can still read the page, which is all the tests' own script does.
func appTab(t *testing.T) context.Context {
	t.Helper()
	ctx := newTab(t)
	do(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	return ctx
}

// signIn signs in through the login form, as a person does, and fails the test unless it
// lands on the home page.
func signIn(t *testing.T, ctx context.Context, e *appEnv, email string) {
	t.Helper()
	if status := navigate(t, ctx, e.url+"/login"); status != http.StatusOK {
		t.Fatalf("login page: status %d", status)
	}
	if status, at := submitLogin(t, ctx, email, appPassword); status != http.StatusOK || at != "/home" {
		t.Fatalf("sign in as %s: status %d at %s", email, status, at)
	}
}

// submitLogin fills in the login form on the page and sends it; it returns the status of the
// page it leads to and where that is.
func submitLogin(t *testing.T, ctx context.Context, email, password string) (int64, string) {
	t.Helper()
	typeInto(t, ctx, "email", email)
	typeInto(t, ctx, "password", password)
	status := clickAndLoad(t, ctx, `form[action="/login"] button[type="submit"]`)
	return status, pathOf(t, ctx)
}

// texts is the text of every element matching a CSS selector, trimmed, in document order.
func texts(t *testing.T, ctx context.Context, css string) []string {
	t.Helper()
	return eval[[]string](t, ctx, `[...document.querySelectorAll(`+jsString(css)+`)].map(e => e.textContent.trim())`)
}

// flash is the message a page shows after a change, or "".
func flash(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `document.querySelector(".flash")?.textContent.trim() ?? ""`)
}

// scriptless fails the test when the page holds a script or an inline event handler: the
// app's pages have none but the theme's file, which only applies the light or dark theme
// picked on the site (and an assessment's, which loads the drafts' script file), and work
// without.
func scriptless(t *testing.T, ctx context.Context) {
	t.Helper()
	found := eval[[]string](t, ctx, `[...document.querySelectorAll("*")].flatMap(e =>
		(e.localName === "script" && !/^\/app-assets\/theme\.[0-9a-f]+\.js$/.test(e.getAttribute("src")) ? [e.outerHTML] : [])
			.concat([...e.attributes].filter(a => a.name.startsWith("on")).map(a => e.localName + " " + a.name)))`)
	if len(found) > 0 {
		t.Errorf("%s holds script: %q", pathOf(t, ctx), found)
	}
}

func TestAppLogin(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	e.person("Kim Lee", "kim@example.com", "Engineer", 0, store.Member)
	ctx := appTab(t)

	// A wrong password: the same page again, with the message, and the email kept.
	if status := navigate(t, ctx, e.url+"/login"); status != http.StatusOK {
		t.Fatalf("login page: status %d", status)
	}
	if status, at := submitLogin(t, ctx, "kim@example.com", "not the password"); status != http.StatusUnauthorized || at != "/login" {
		t.Fatalf("after a wrong password: status %d at %s, want 401 at /login", status, at)
	}
	if got := texts(t, ctx, `[role="alert"]`); len(got) != 1 || got[0] != "That email and password do not match an account." {
		t.Errorf("alert after a wrong password: %q", got)
	}
	if got := eval[string](t, ctx, `document.getElementById("email").value`); got != "kim@example.com" {
		t.Errorf("email after a wrong password: %q", got)
	}
	if got := eval[string](t, ctx, `document.getElementById("password").value`); got != "" {
		t.Errorf("the password was sent back into the form: %q", got)
	}

	// The right one: the home page, which greets them, then the people list, with the
	// person's own name.
	if status, at := submitLogin(t, ctx, "kim@example.com", appPassword); status != http.StatusOK || at != "/home" {
		t.Fatalf("after signing in: status %d at %s, want /home", status, at)
	}
	if got := texts(t, ctx, "h1"); len(got) != 1 || got[0] != "Hello, Kim" {
		t.Errorf("h1 after signing in: %q", got)
	}
	navigate(t, ctx, e.url+"/people")
	if got := texts(t, ctx, `main a[href^="/people/"]`); len(got) == 0 || got[0] != "Kim Lee" {
		t.Errorf("the people list does not start with the signed-in person: %q", got)
	}
	if got := texts(t, ctx, `header a[href="/account"]`); len(got) != 1 || got[0] != "Kim Lee" {
		t.Errorf("header account link: %q", got)
	}
	if eval[string](t, ctx, `document.cookie`) != "" {
		t.Error("the page's script can read a cookie; the session and CSRF cookies must be HttpOnly")
	}
	if len(texts(t, ctx, `[role="alert"]`)) != 0 {
		t.Error("the alert is still shown after signing in")
	}

	// Signing out with the header's button ends the session: the list asks to sign in again,
	// and signing in from there comes back to it.
	clickAndLoad(t, ctx, `header form[action="/logout"] button`)
	if got := pathOf(t, ctx); got != "/login" {
		t.Fatalf("after signing out: at %s, want /login", got)
	}
	if got := texts(t, ctx, `header a[href="/login"]`); len(got) != 1 {
		t.Errorf("the header does not offer to sign in after signing out: %q", texts(t, ctx, "header"))
	}
	navigate(t, ctx, e.url+"/people")
	if got := pathOf(t, ctx); got != "/login?next=%2Fpeople" {
		t.Fatalf("/people after signing out: at %s, want the login page", got)
	}
	if _, at := submitLogin(t, ctx, "kim@example.com", appPassword); at != "/people" {
		t.Fatalf("signing in again: at %s, want /people", at)
	}
}

func TestAppRollout(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	admin := e.person("Ada Admin", "ada@example.com", "Head of People", 0, store.Admin)
	max := e.person("Max Manager", "max@example.com", "Engineering Manager", 0, store.Member)
	for _, p := range []store.Person{admin, max} {
		e.level(p, "engineering-management", "", "manager", "2022-01-03", store.Hire, "", 0)
	}
	ann := e.person("Ann Senior", "ann@example.com", "Senior Software Engineer", max.ID, "")
	bob := e.person("Bob Builder", "bob@example.com", "SDE II", max.ID, "")
	cat := e.person("Cat Wizard", "cat@example.com", "Wizard", max.ID, "")

	// The admin maps the three titles: two have the crosswalk's suggestion already picked.
	ac := appTab(t)
	signIn(t, ac, e, "ada@example.com")
	clickAndLoad(t, ac, `header a[href="/rollout"]`)
	if got := pathOf(t, ac); got != "/rollout" {
		t.Fatalf("the header's Rollout link leads to %s", got)
	}
	levelSelect := func(title string) string { return `select[aria-label="Level for ` + title + `"]` }
	trackSelect := func(title string) string { return `select[aria-label="Track for ` + title + `"]` }
	value := func(ctx context.Context, css string) string {
		t.Helper()
		return eval[string](t, ctx, `document.querySelector(`+jsString(css)+`).value`)
	}
	if got := texts(t, ac, ".rules .tag"); !sameSet(got, "suggested: Senior Software Engineer", "suggested: SDE II") {
		t.Errorf("suggestion tags: %q", got)
	}
	for title, want := range map[string]string{"Senior Software Engineer": "engineering/senior", "SDE II": "engineering/engineer", "Wizard": ""} {
		if got := value(ac, levelSelect(title)); got != want {
			t.Errorf("%s: level picked %q, want the suggestion %q", title, got, want)
		}
	}
	// Wizard, which has no suggestion, gets a level and keeps "No track": saving gives it the
	// level's ladder's first track.
	if got := value(ac, trackSelect("Wizard")); got != "" {
		t.Errorf("Wizard's track before saving: %q, want none", got)
	}
	for title, level := range map[string]string{"Senior Software Engineer": "engineering/senior", "SDE II": "engineering/engineer", "Wizard": "engineering/associate"} {
		selectOption(t, ac, levelSelect(title), level)
	}
	selectOption(t, ac, trackSelect("SDE II"), "sre")
	clickAndLoad(t, ac, `form[action="/rollout/rules"] button[type="submit"]`)
	if got := flash(t, ac); got != "Mapping rules saved." {
		t.Fatalf("after saving the mapping: flash %q at %s", got, pathOf(t, ac))
	}
	if got := texts(t, ac, ".rules .tag"); len(got) != 0 {
		t.Errorf("saved rules are still shown as suggestions: %q", got)
	}
	if got := value(ac, levelSelect("Wizard")); got != "engineering/associate" {
		t.Errorf("Wizard after saving: %q", got)
	}
	for title, want := range map[string]string{"Wizard": "product", "SDE II": "sre"} {
		if got := value(ac, trackSelect(title)); got != want {
			t.Errorf("%s's track after saving: %q, want %q", title, got, want)
		}
	}
	scriptless(t, ac)

	// The manager, in a browser of their own, confirms Bob one level up, with a note.
	mc := appTab(t)
	signIn(t, mc, e, "max@example.com")
	clickAndLoad(t, mc, `header a[href="/rollout/review"]`)
	if got := texts(t, mc, ".proposal h2"); !sameSet(got, "Ann Senior", "Bob Builder", "Cat Wizard") {
		t.Fatalf("the manager reviews %q", got)
	}
	b := "#person-" + strconv.FormatInt(bob.ID, 10)
	if got := value(mc, b+` select[name="level"]`); got != "engineering/engineer" {
		t.Errorf("Bob's proposed level: %q", got)
	}
	if got := texts(t, mc, b+` button[type="submit"]`); len(got) != 1 || got[0] != "Confirm" {
		t.Errorf("Bob's button: %q", got)
	}
	selectOption(t, mc, b+` select[name="level"]`, "engineering/senior")
	typeInto(t, mc, "note"+strconv.FormatInt(bob.ID, 10), "Leads the on-call rota")
	clickAndLoad(t, mc, b+` button[type="submit"]`)
	if got := flash(t, mc); got != "Review saved." {
		t.Fatalf("after confirming: flash %q at %s", got, pathOf(t, mc))
	}
	// The page comes back at the next card, Cat's, rather than at the top.
	if got, want := eval[string](t, mc, `document.querySelector(":target")?.id ?? location.hash`), "person-"+strconv.FormatInt(cat.ID, 10); got != want {
		t.Errorf("after confirming Bob the page is at %q, want the next card, %q", got, want)
	}
	if !eval[bool](t, mc, `document.querySelector(`+jsString(b)+`).classList.contains("status-reviewed")`) ||
		value(mc, b+` select[name="level"]`) != "engineering/senior" || value(mc, b+` input[name="note"]`) != "Leads the on-call rota" {
		t.Errorf("Bob's review is not shown as saved: %q", texts(t, mc, b))
	}
	scriptless(t, mc)

	// The admin applies: the form will not go without the box ticked.
	navigate(t, ac, e.url+"/rollout")
	mustText(t, ac, "main", "5 active people: 2 levelled, 1 reviewed, 2 mapped by title only, 0 not mapped.")
	apply := `form[action="/rollout/apply"]`
	if eval[bool](t, ac, `document.querySelector(`+jsString(apply)+`).checkValidity()`) {
		t.Error("the apply form can be sent without ticking the confirmation")
	}
	do(t, ac, chromedp.Click(chromedp.CSS(apply+` input[name="confirm"]`)))
	waitFor(t, ac, "the confirmation is ticked", `document.querySelector(`+jsString(apply)+`).checkValidity()`)
	clickAndLoad(t, ac, apply+` button[type="submit"]`)
	if got := flash(t, ac); got != "The rollout has been applied." {
		t.Fatalf("after applying: flash %q at %s", got, pathOf(t, ac))
	}

	// Bob's page, which his manager reaches from the people list, shows the rollout and the note.
	navigate(t, mc, e.url+"/people")
	clickAndLoad(t, mc, `main a[href="/people/`+strconv.FormatInt(bob.ID, 10)+`"]`)
	if got := texts(t, mc, ".timeline .reason"); strings.Join(got, ",") != "Rollout" {
		t.Fatalf("Bob's timeline: %q", got)
	}
	if got := texts(t, mc, ".timeline .note"); len(got) != 1 || got[0] != "Leads the on-call rota" {
		t.Errorf("Bob's note: %q", got)
	}
	mustText(t, mc, ".timeline li", "EN3 Senior Engineer", "Recorded ", " by Ada Admin")
	mustText(t, mc, ".level-now", "EN3 Senior Engineer")
	for _, p := range []struct {
		person store.Person
		want   string
	}{{ann, "EN3 Senior Engineer"}, {cat, "EN1 Associate Engineer"}} {
		navigate(t, mc, e.url+"/people/"+strconv.FormatInt(p.person.ID, 10))
		if got := texts(t, mc, ".timeline .reason"); strings.Join(got, ",") != "Rollout" {
			t.Errorf("%s's timeline: %q", p.person.Name, got)
		}
		mustText(t, mc, ".level-now", p.want)
	}
	// The rollout is over: there is nothing left to review.
	navigate(t, mc, e.url+"/rollout/review")
	mustText(t, mc, "main", "There is no rollout in progress.")
}

// sameSet reports whether got holds the wants, in any order.
func sameSet(got []string, wants ...string) bool {
	return strings.Join(slices.Sorted(slices.Values(got)), "\x00") == strings.Join(slices.Sorted(slices.Values(wants)), "\x00")
}

// mustText fails the test unless the text of the first element matching css holds each want.
func mustText(t *testing.T, ctx context.Context, css string, wants ...string) {
	t.Helper()
	got := eval[string](t, ctx, `document.querySelector(`+jsString(css)+`)?.textContent ?? ""`)
	got = strings.Join(strings.Fields(got), " ")
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s at %s lacks %q: %q", css, pathOf(t, ctx), w, got)
		}
	}
}

func TestAppTimeline(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	admin := e.person("Ada Admin", "ada@example.com", "Head of People", 0, store.Admin)
	kim := e.person("Kim Lee", "kim@example.com", "Engineer", admin.ID, "")
	e.level(kim, "engineering", "product", "engineer", "2023-04-03", store.Hire, "", admin.ID)
	e.level(kim, "engineering", "product", "senior", "2025-03-01", store.Promotion, "Led the billing rewrite", admin.ID)
	e.level(kim, "engineering", "product", "engineer", "2025-03-02", store.Correction, "Promotion recorded on the wrong person", admin.ID)

	ctx := appTab(t)
	signIn(t, ctx, e, "ada@example.com")
	navigate(t, ctx, e.url+"/people")
	clickAndLoad(t, ctx, `main a[href="/people/`+strconv.FormatInt(kim.ID, 10)+`"]`)
	if got := texts(t, ctx, "h1"); len(got) != 1 || got[0] != "Kim Lee" {
		t.Fatalf("person page h1: %q", got)
	}

	// Newest first, each with its date, and the notes where they were given.
	if got := texts(t, ctx, ".timeline .reason"); strings.Join(got, ",") != "Correction,Promotion,Hire" {
		t.Errorf("timeline reasons: %q", got)
	}
	if got := eval[[]string](t, ctx, `[...document.querySelectorAll(".timeline time")].map(e => e.dateTime)`); strings.Join(got, ",") != "2025-03-02,2025-03-01,2023-04-03" {
		t.Errorf("timeline dates: %q", got)
	}
	if got := texts(t, ctx, ".timeline .note"); strings.Join(got, "|") != "Promotion recorded on the wrong person|Led the billing rewrite" {
		t.Errorf("timeline notes: %q", got)
	}
	mustText(t, ctx, ".timeline li", "EN3 Senior Engineer → EN2 Engineer", "by Ada Admin")
	// The admin's form starts at the level she holds now.
	if got := eval[string](t, ctx, `document.getElementById("level").value`); got != "engineering/engineer" {
		t.Errorf("the level form starts at %q", got)
	}

	// The current level and the next one link to their ladder pages.
	href := func(css string) string {
		t.Helper()
		return eval[string](t, ctx, `document.querySelector(`+jsString(css)+`)?.getAttribute("href") ?? ""`)
	}
	if got := href(".level-now a"); got != "/ladders/engineering/engineer/" {
		t.Errorf("the current level links to %q", got)
	}
	mustText(t, ctx, ".level-now + p", "Next level: EN3 Senior Engineer")
	if got := href(".level-now + p a"); got != "/ladders/engineering/senior/" {
		t.Errorf("the next level links to %q", got)
	}
	// Clicking the current level opens its page on the site the same server publishes.
	if status := clickAndLoad(t, ctx, ".level-now a"); status != http.StatusOK {
		t.Fatalf("current level's page: status %d", status)
	}
	if got := pathOf(t, ctx); got != "/ladders/engineering/engineer/" {
		t.Fatalf("after clicking the current level: at %s", got)
	}
	if got := texts(t, ctx, "h1"); len(got) != 1 || got[0] != "Engineer" {
		t.Errorf("the level page's h1: %q", got)
	}
}

func TestAppMarkupInert(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	const evil = `<img src=x onerror="document.title='pwned'">`
	const evilScript = `<script>alert("injected")</script>`
	admin := e.person("Ada Admin", "ada@example.com", "Head of People", 0, store.Admin)
	e.level(admin, "engineering-management", "", "manager", "2022-01-03", store.Hire, "", 0)
	mal := e.person(evil, "mal@example.com", evilScript, admin.ID, "")
	nora := e.person("Nora Note", "nora@example.com", "Engineer", mal.ID, "")
	e.level(nora, "engineering", "product", "engineer", "2024-01-08", store.Hire, evilScript+evil, admin.ID)
	if _, err := e.store.OpenRollout(e.ctx, admin.ID); err != nil { // so that Mal is on the review page
		t.Fatal(err)
	}

	// Script is on and the page's policy is bypassed, so that only the escaping of the
	// templates stands between the data and the page.
	ctx := newTab(t)
	var mu sync.Mutex
	var dialogs []string
	if err := chromedp.Listen(ctx, func(ev any) {
		if ev, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			mu.Lock()
			dialogs = append(dialogs, ev.Message)
			mu.Unlock()
			// Close it from another goroutine: a listener must not run commands.
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{})
		}
	}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true})
		return err
	}))
	signIn(t, ctx, e, "ada@example.com")
	id := func(p store.Person) string { return strconv.FormatInt(p.ID, 10) }
	for _, tc := range []struct {
		path  string
		title string   // what the page's title starts with
		shows []string // text the page must show as it was typed
	}{
		{"/home", "Home", nil},
		{"/people", "People", []string{evil, evilScript}},
		{"/people/" + id(mal), evil, []string{evil, evilScript}},
		{"/people/" + id(nora), "Nora Note", []string{evil, evilScript + evil}},
		{"/rollout", "Rollout", []string{evilScript}},
		{"/rollout/review", "Rollout review", []string{evil, evilScript}},
		{"/audit", "Audit log", []string{evil}},
	} {
		if status := navigate(t, ctx, e.url+tc.path); status != http.StatusOK {
			t.Errorf("%s: status %d", tc.path, status)
			continue
		}
		scriptless(t, ctx)
		if eval[bool](t, ctx, `document.querySelector('img[src="x"]') !== null`) {
			t.Errorf("%s: the name became an image", tc.path)
		}
		body := eval[string](t, ctx, `document.body.textContent`)
		for _, s := range tc.shows {
			if !strings.Contains(body, s) {
				t.Errorf("%s does not show %q as text", tc.path, s)
			}
		}
		if title := eval[string](t, ctx, `document.title`); !strings.HasPrefix(title, tc.title+" · ") {
			t.Errorf("%s: title %q, want it to start with %q", tc.path, title, tc.title)
		}
	}
	mu.Lock()
	if len(dialogs) > 0 {
		t.Errorf("dialogs opened: %q", dialogs)
	}
	mu.Unlock()
	// The check above can see a dialog: one the test opens itself is caught and closed.
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`setTimeout(() => { alert("probe"); window.probed = true; })`))
	waitFor(t, ctx, "the probe's dialog is closed", `window.probed === true`)
	mu.Lock()
	if !slices.Equal(dialogs, []string{"probe"}) {
		t.Errorf("the test's own dialog was not seen: %q", dialogs)
	}
	mu.Unlock()

	// The policy is the second line: with it in force, markup that got into a page anyway
	// would not run.
	do(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: false})
		return err
	}))
	navigate(t, ctx, e.url+"/people/"+id(mal))
	blocked, err := chromedp.Run(ctx, chromedp.Evaluate[string](`new Promise(resolve => {
		window.rungsExpectsViolation = true; // this one is on purpose (newTab reports the others)
		document.addEventListener("securitypolicyviolation", e => resolve("blocked by " + e.effectiveDirective), {once: true});
		const s = document.createElement("script");
		s.textContent = "document.title = 'pwned'";
		document.body.append(s);
		if (document.title === "pwned") resolve("ran");
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(blocked, "blocked by script-src") {
		t.Errorf("an inline script added to an app page: %s", blocked)
	}
}

// appClient fetches pages where only the HTML served matters: it keeps cookies, as a browser
// does, and does not follow redirects.
type appClient struct {
	t    *testing.T
	e    *appEnv
	http *http.Client
}

func (e *appEnv) client() *appClient {
	jar, _ := cookiejar.New(nil)
	return &appClient{t: e.t, e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// do sends a request and returns the status and the body.
func (c *appClient) do(req *http.Request) (int, string) {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

func (c *appClient) get(path string) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.e.url+path, nil)
	return c.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the token of the forms the client is shown.
func (c *appClient) csrf() string {
	c.t.Helper()
	status, body := c.get("/login")
	if status == http.StatusSeeOther {
		_, body = c.get("/account")
	}
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatalf("no CSRF token in the page (status %d)", status)
	}
	return m[1]
}

// post sends a form, after adding the client's CSRF token to it.
func (c *appClient) post(path string, form url.Values) (int, string) {
	c.t.Helper()
	form.Set("csrf", c.csrf())
	req, _ := http.NewRequest("POST", c.e.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// imported previews content as an import and applies it, and returns the import's page
// once the import ended (the page reloads itself until then).
func (c *appClient) imported(name, content string) (int, string) {
	c.t.Helper()
	_, preview := c.upload("/import", name, content)
	key := regexp.MustCompile(`name="upload" value="([^"]+)"`).FindStringSubmatch(preview)
	if key == nil {
		c.t.Fatal("no upload key in the preview")
	}
	form := url.Values{"upload": {key[1]}, "csrf": {c.csrf()}}
	req, _ := http.NewRequest("POST", c.e.url+"/import/apply", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	res.Body.Close()
	for {
		req, _ := http.NewRequest("GET", c.e.url+res.Header.Get("Location"), nil)
		page, err := c.http.Do(req)
		if err != nil {
			c.t.Fatal(err)
		}
		b, _ := io.ReadAll(page.Body)
		page.Body.Close()
		if page.Header.Get("Refresh") == "" {
			return page.StatusCode, string(b)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// upload sends a file as the import form does.
func (c *appClient) upload(path, name, content string) (int, string) {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf", c.csrf())
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write([]byte(content))
	_ = w.Close()
	req, _ := http.NewRequest("POST", c.e.url+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

// signedIn returns a client signed in through the login form.
func (e *appEnv) signedIn(email string) *appClient {
	e.t.Helper()
	c := e.client()
	if status, body := c.post("/login", url.Values{"email": {email}, "password": {appPassword}}); status != http.StatusSeeOther {
		e.t.Fatalf("sign in as %s: status %d\n%s", email, status, body)
	}
	return c
}

// TestAppHTMLValid checks the app's pages, as the app serves them with the data and the
// errors that change what they hold, against html-validate's recommended rules.
func TestAppHTMLValid(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	admin := e.person("Ada Admin", "ada@example.com", "Head of People", 0, store.Admin)
	max := e.person("Max Manager", "max@example.com", "Engineering Manager", admin.ID, store.Member)
	e.level(max, "engineering-management", "", "manager", "2022-01-03", store.Hire, "", admin.ID)
	kim := e.person("Kim Lee", "kim@example.com", "Senior Software Engineer", max.ID, "")
	e.level(kim, "engineering", "product", "engineer", "2023-04-03", store.Hire, "", admin.ID)
	e.level(kim, "engineering", "product", "senior", "2025-03-01", store.Promotion, "Led the billing rewrite", admin.ID)
	e.level(kim, "engineering", "product", "engineer", "2025-03-02", store.Correction, "Recorded on the wrong person", admin.ID)
	lou := e.person("Lou Park", "lou@example.com", "SDE II", max.ID, "")
	e.person("Wyn Wizard", "wyn@example.com", "Wizard", max.ID, "")
	e.person("Nat Untitled", "nat@example.com", "", max.ID, "")
	id := func(p store.Person) string { return strconv.FormatInt(p.ID, 10) }
	invite, _, err := e.store.CreateLink(e.ctx, store.Link{Purpose: store.InviteLink, PersonID: kim.ID, Role: store.Member, ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	// A setup link works only while there is no account at all: its pages come from an app
	// of their own.
	empty := startApp(t)
	setup, _, err := empty.store.CreateLink(empty.ctx, store.Link{Purpose: store.SetupLink, Role: store.Admin, ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}

	ac := e.signedIn("ada@example.com")
	// hidden is the value of a hidden field of the page at path, as a browser sends it back.
	hidden := func(path, name string) string {
		t.Helper()
		_, page := ac.get(path)
		m := regexp.MustCompile(`<input type="hidden" name="` + name + `" value="([^"]*)">`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("%s: no hidden field %s", path, name)
		}
		return m[1]
	}
	mc := e.signedIn("max@example.com")
	anon := e.client()
	// A saved rule, which starts the rollout, and a review, so that the rollout pages show
	// every kind of row.
	if status, _ := ac.post("/rollout/rules", url.Values{"titles": {"1"}, "title0": {"SDE II"}, "level0": {"engineering/engineer"}, "track0": {"product"}}); status != http.StatusSeeOther {
		t.Fatalf("rules: %d", status)
	}
	if status, body := mc.post("/rollout/review/"+id(lou), url.Values{"level": {"engineering/senior"}, "track": {"sre"}, "note": {"Owns on-call"}, "seen": {"0"}}); status != http.StatusSeeOther {
		t.Fatalf("review: %d %s", status, body)
	}
	// An assessment cycle: Max rates Kim (with evidence in Markdown), submits and shares.
	if status, body := ac.post("/cycles", url.Values{"name": {"2025 H1"}, "starts": {"2025-01-06"}, "ends": {"2025-02-28"},
		"scope": {"everyone"}, "next": {"yes"}}); status != http.StatusSeeOther {
		t.Fatalf("open cycle: %d %s", status, body)
	}
	cycles, err := assess.Cycles(e.ctx, e.store)
	if err != nil || len(cycles) != 1 {
		t.Fatalf("cycles: %v, %v", cycles, err)
	}
	cycle := "/cycles/" + strconv.FormatInt(cycles[0].ID, 10)
	kimsCycle := cycle + "/people/" + id(kim)
	rate := url.Values{"action": {"submit"}}
	for i, x := range []string{"delivery", "code", "design", "collaboration", "mentoring"} {
		rate.Set("rating:engineer/"+x, []string{"sometimes", "consistently", "role-model"}[i%3])
		rate.Set("evidence:engineer/"+x, "Shipped [the importer](https://example.com/pr/1) and **wrote** its runbook.")
	}
	if status, body := mc.post(kimsCycle+"/manager", rate); status != http.StatusSeeOther {
		t.Fatalf("manager's assessment: %d %s", status, body)
	}
	if status, body := mc.post(kimsCycle+"/share", url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("share: %d %s", status, body)
	}
	maxsCycle := cycle + "/people/" + id(max)
	// A check-in Max held with Kim, with notes that link an expectation, and action items.
	kimsCheckIns := "/people/" + id(kim) + "/checkins"
	if status, body := mc.post(kimsCheckIns, url.Values{"date": {"2025-03-03"}, "shared": {"Talked about #delivery.\nNext: #code."},
		"private": {"Mine"}, "item-1": {"Write the runbook"}, "owner-1": {"person"}, "item-2": {"Book the course"}, "owner-2": {"manager"}}); status != http.StatusSeeOther {
		t.Fatalf("check-in: %d %s", status, body)
	}
	checkIns, err := checkins.CheckIns(e.ctx, e.store, kim.ID)
	if err != nil || len(checkIns) != 1 {
		t.Fatalf("check-ins: %v, %v", checkIns, err)
	}
	kimsCheckIn := kimsCheckIns + "/" + strconv.FormatInt(checkIns[0].ID, 10)
	// Kim's growth plan, agreed by Max, with a goal met; a case Max submitted for Kim, with
	// the check-in and a reviewer's comment; and a draft case for Lou.
	field := func(c *appClient, path, name string) string {
		t.Helper()
		_, page := c.get(path)
		m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("%s: no field %s", path, name)
		}
		return m[1]
	}
	must := func(what string, status int, body string) {
		t.Helper()
		if status != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", what, status, body)
		}
	}
	kimsPlan := "/people/" + id(kim) + "/plan"
	st, body := mc.post(kimsPlan, url.Values{"target": {"engineering/senior"}, "version": {"0"}})
	must("plan", st, body)
	st, body = mc.post(kimsPlan+"/goals", url.Values{"expectation": {"writing"}, "text": {"Write the design doc for the billing rewrite"}, "status": {"in-progress"}})
	must("goal", st, body)
	st, body = mc.post(kimsPlan+"/goals", url.Values{"text": {"Lead one incident review"}, "status": {"not-started"}})
	must("goal", st, body)
	goalID := regexp.MustCompile(`id="goal-(\d+)"`).FindStringSubmatch(func() string { _, b := mc.get(kimsPlan); return b }())[1]
	kimsGoal := kimsPlan + "/goals/" + goalID
	st, body = mc.post(kimsGoal, url.Values{"version": {"1"}, "expectation": {"writing"}, "text": {"Write the design doc for the billing rewrite"},
		"status": {"done"}, "evidence": {"Reviewed by [three teams](https://example.com/doc), **approved**."}})
	must("goal done", st, body)
	st, body = mc.post(kimsPlan+"/agree", url.Values{"version": {field(mc, kimsPlan, "version")}})
	must("agree", st, body)
	st, body = mc.post("/people/"+id(kim)+"/cases", url.Values{"target": {"engineering/senior"}})
	must("open case", st, body)
	kimsCases := "/people/" + id(kim) + "/cases"
	kimsCase := kimsCases + "/" + regexp.MustCompile(`/cases/(\d+)`).FindStringSubmatch(func() string { _, b := mc.get(kimsCases); return b }())[1]
	st, body = mc.post(kimsCase, url.Values{"version": {field(mc, kimsCase, "version")}, "argument": {"Kim **led** the billing rewrite."},
		"checkin": {strconv.FormatInt(checkIns[0].ID, 10)}, "action": {"submit"}})
	must("submit case", st, body)
	st, body = ac.post(kimsCase+"/comments", url.Values{"comment": {"Strong on delivery."}})
	must("comment", st, body)
	st, body = mc.post("/people/"+id(lou)+"/cases", url.Values{"target": {"engineering/senior"}})
	must("open Lou's case", st, body)
	// Ada is above Kim, so a member of the promotion panel decides.
	rae := e.person("Rae Reviewer", "rae@example.com", "Principal Engineer", 0, store.Member)
	st, body = ac.post("/people/"+id(rae)+"/panel", url.Values{"panel": {"on"}})
	must("panel", st, body)
	rc := e.signedIn("rae@example.com")
	lousCases := "/people/" + id(lou) + "/cases"
	lousCase := lousCases + "/" + regexp.MustCompile(`/cases/(\d+)`).FindStringSubmatch(func() string { _, b := mc.get(lousCases); return b }())[1]
	badCSV := "Name,Email,Manager,Job title,Start date\n" +
		"Pat Doe,pat@example.com,nobody@example.com,Engineer,2024-02-01\n" +
		"Pat Again,pat@example.com,,Engineer,01/02/2024\n"
	// A new person, a changed one and one as stored: the preview lists each kind.
	goodCSV := "Name,Email,Manager,Job title,Start date,Office\n" +
		"Pat Doe,pat@example.com,ada@example.com,Engineer,2024-02-01,Leeds\n" +
		"Kim Lee-Park,kim@example.com,ada@example.com,Staff Software Engineer,2023-04-03,Leeds\n" +
		"Ada Admin,ada@example.com,,Head of People,2023-04-03,Leeds\n"

	pages := []struct {
		name   string
		status int
		fetch  func() (int, string)
	}{
		{"login", 200, func() (int, string) { return anon.get("/login") }},
		{"login-failed", 401, func() (int, string) {
			return anon.post("/login", url.Values{"email": {"ada@example.com"}, "password": {"wrong"}})
		}},
		{"setup-first-admin", 200, func() (int, string) { return empty.client().get("/setup/" + setup) }},
		{"setup-errors", 400, func() (int, string) {
			return empty.client().post("/setup/"+setup, url.Values{"name": {""}, "email": {"nope"}, "password": {"short"}})
		}},
		{"setup-invite", 200, func() (int, string) { return anon.get("/setup/" + invite) }},
		{"not-found", 404, func() (int, string) { return ac.get("/people/999999") }},
		{"home-admin", 200, func() (int, string) { return ac.get("/home") }},
		{"home-manager", 200, func() (int, string) { return mc.get("/home") }},
		{"people", 200, func() (int, string) { return ac.get("/people") }},
		{"people-manager", 200, func() (int, string) { return mc.get("/people") }},
		{"people-none", 200, func() (int, string) { return ac.get("/people?q=nobody") }},
		{"person", 200, func() (int, string) { return ac.get("/people/" + id(kim)) }},
		{"person-manager", 200, func() (int, string) { return mc.get("/people/" + id(max)) }},
		{"person-level-errors", 400, func() (int, string) {
			return ac.post("/people/"+id(kim)+"/levels", url.Values{"level": {"engineering/nope"}, "reason": {""}, "date": {"2025-13-01"},
				"last": {hidden("/people/"+id(kim), "last")}})
		}},
		{"person-level-stale", 409, func() (int, string) {
			// A form shown before the latest change: as if someone else recorded one since.
			last, _ := strconv.ParseInt(hidden("/people/"+id(kim), "last"), 10, 64)
			return ac.post("/people/"+id(kim)+"/levels", url.Values{"level": {"engineering/senior"}, "track": {"product"}, "reason": {"promotion"},
				"date": {"2025-06-01"}, "last": {strconv.FormatInt(last-1, 10)}})
		}},
		{"person-new", 200, func() (int, string) { return ac.get("/people/new") }},
		{"person-new-errors", 400, func() (int, string) {
			return ac.post("/people", url.Values{"name": {""}, "email": {"nope"}, "manager": {"nobody@example.com"}, "start": {"soon"}, "level": {"engineering/nope"}})
		}},
		{"person-edit", 200, func() (int, string) { return ac.get("/people/" + id(kim) + "/edit") }},
		{"person-edit-errors", 400, func() (int, string) {
			return ac.post("/people/"+id(kim), url.Values{"name": {"Kim Lee"}, "email": {"kim@example.com"}, "start": {"2023-04-03"}, "status": {"gone"},
				"version": {hidden("/people/"+id(kim)+"/edit", "version")}})
		}},
		{"person-edit-stale", 409, func() (int, string) {
			// A form of a version other than the one saved: as if someone else saved since.
			version, _ := strconv.ParseInt(hidden("/people/"+id(kim)+"/edit", "version"), 10, 64)
			return ac.post("/people/"+id(kim), url.Values{"name": {"Kim Lee-Smith"}, "email": {"kim@example.com"}, "start": {"2023-04-03"},
				"status": {"left"}, "version": {strconv.FormatInt(version+1, 10)}})
		}},
		{"sign-in-link", 200, func() (int, string) { return ac.post("/people/"+id(kim)+"/sign-in-link", url.Values{}) }},
		{"import", 200, func() (int, string) { return ac.get("/import") }},
		{"import-errors", 422, func() (int, string) { return ac.upload("/import", "hr.csv", badCSV) }},
		{"import-preview", 200, func() (int, string) { return ac.upload("/import", "hr.csv", goodCSV) }},
		{"rollout", 200, func() (int, string) { return ac.get("/rollout") }},
		{"rollout-errors", 400, func() (int, string) {
			return ac.post("/rollout/rules", url.Values{"titles": {"1"}, "title0": {"Wizard"}, "level0": {"engineering/archmage"}})
		}},
		{"rollout-apply-unconfirmed", 400, func() (int, string) { return ac.post("/rollout/apply", url.Values{"date": {"2026-01-05"}}) }},
		{"review", 200, func() (int, string) { return ac.get("/rollout/review") }},
		{"review-manager", 200, func() (int, string) { return mc.get("/rollout/review?status=reviewed") }},
		{"audit", 200, func() (int, string) { return ac.get("/audit") }},
		{"audit-bad-filter", 400, func() (int, string) { return ac.get("/audit?since=yesterday") }},
		{"cycles", 200, func() (int, string) { return ac.get("/cycles") }},
		{"cycles-manager", 200, func() (int, string) { return mc.get("/cycles") }},
		{"cycle-open-errors", 400, func() (int, string) {
			return ac.post("/cycles", url.Values{"name": {""}, "starts": {"2025-02-01"}, "ends": {"2025-01-01"}, "scope": {"team"}, "manager": {"nobody@example.com"}})
		}},
		{"cycle", 200, func() (int, string) { return ac.get(cycle) }},
		{"cycle-manager", 200, func() (int, string) { return mc.get(cycle + "?status=shared") }},
		{"assessment-self-draft", 200, func() (int, string) { return mc.get(maxsCycle) }},
		{"assessment-self-errors", 400, func() (int, string) {
			_, page := mc.get(maxsCycle)
			field := regexp.MustCompile(`name="(rating:[^"]+)"`).FindStringSubmatch(page)
			if field == nil {
				return 0, "no rating field on " + maxsCycle
			}
			return mc.post(maxsCycle+"/self", url.Values{"action": {"save"}, field[1]: {"brilliant"}})
		}},
		{"assessment-shared", 200, func() (int, string) { return mc.get(kimsCycle) }},
		{"assessment-admin", 200, func() (int, string) { return ac.get(kimsCycle) }},
		{"assessment-amend-errors", 400, func() (int, string) {
			return mc.post(kimsCycle+"/manager", url.Values{"action": {"save"}, "rating:engineer/delivery": {"role-model"}})
		}},
		{"checkins-manager", 200, func() (int, string) { return mc.get(kimsCheckIns) }},
		{"checkins-admin", 200, func() (int, string) { return ac.get(kimsCheckIns) }},
		{"checkin-new", 200, func() (int, string) { return mc.get(kimsCheckIns + "/new") }},
		{"checkin-new-errors", 400, func() (int, string) {
			return mc.post(kimsCheckIns, url.Values{"date": {"soon"}, "shared": {"#no-such-expectation"}, "item-1": {"Do it"}, "owner-1": {"nobody"}})
		}},
		{"checkin", 200, func() (int, string) { return mc.get(kimsCheckIn) }},
		{"checkin-errors", 400, func() (int, string) {
			return mc.post(kimsCheckIn+"/items", url.Values{"item": {""}, "owner": {"nobody"}})
		}},
		{"person-talked-about", 200, func() (int, string) { return mc.get("/people/" + id(kim)) }},
		{"plan", 200, func() (int, string) { return mc.get(kimsPlan) }},
		{"plan-admin", 200, func() (int, string) { return ac.get(kimsPlan) }},
		{"plan-none", 200, func() (int, string) { return mc.get("/people/" + id(lou) + "/plan") }},
		{"plan-goal-errors", 400, func() (int, string) {
			return mc.post(kimsPlan+"/goals", url.Values{"expectation": {"no-such"}, "text": {"one\ttwo"}, "status": {"finished"}})
		}},
		{"plan-goal-stale", 409, func() (int, string) {
			return mc.post(kimsGoal, url.Values{"version": {"1"}, "expectation": {"writing"}, "status": {"dropped"}})
		}},
		{"cases", 200, func() (int, string) { return mc.get(kimsCases) }},
		{"cases-errors", 400, func() (int, string) { return mc.post(lousCases, url.Values{"target": {"engineering/archmage"}}) }},
		{"case-draft", 200, func() (int, string) { return mc.get(lousCase) }},
		{"case-draft-stale", 409, func() (int, string) {
			return mc.post(lousCase, url.Values{"version": {"0"}, "argument": {"Lou owns on-call."}, "action": {"save"}})
		}},
		{"case-review", 200, func() (int, string) { return ac.get(kimsCase) }},
		{"case-manager", 200, func() (int, string) { return mc.get(kimsCase) }},
		{"case-decision-errors", 400, func() (int, string) {
			return rc.post(kimsCase+"/decision", url.Values{"decision": {"maybe"}, "reasons": {""}, "feedback-1": {"x"}, "feedback-expectation-1": {"no-such"}})
		}},
		{"cases-to-review", 200, func() (int, string) { return rc.get("/cases") }},
		{"case-panel", 200, func() (int, string) { return rc.get(kimsCase) }},
		{"case-not-yet", 200, func() (int, string) {
			if st, body := rc.post(kimsCase+"/decision", url.Values{"decision": {"not-yet"}, "reasons": {"Close: show *mentoring*."},
				"feedback-1": {"Mentor a new joiner"}, "feedback-expectation-1": {"writing"}}); st != http.StatusSeeOther {
				return st, body
			}
			return mc.get(kimsCase)
		}},
		{"person-growth", 200, func() (int, string) { return mc.get("/people/" + id(kim)) }},
		{"cycle-report", 200, func() (int, string) { return ac.get(cycle + "/report") }},
		{"cycle-report-manager", 200, func() (int, string) { return mc.get(cycle + "/report") }},
		{"cycle-calibration", 200, func() (int, string) { return ac.get(cycle + "/calibration") }},
		{"account", 200, func() (int, string) { return mc.get("/account") }},
		{"account-errors", 400, func() (int, string) {
			return mc.post("/account/password", url.Values{"current": {"wrong"}, "password": {"short"}, "confirm": {"other"}})
		}},
		{"two-factor-off", 200, func() (int, string) { return mc.get("/account/two-factor") }},
		{"two-factor-qr-code", 200, func() (int, string) {
			mc.post("/account/two-factor/start", url.Values{})
			return mc.get("/account/two-factor")
		}},
		{"two-factor-wrong-code", 400, func() (int, string) { return mc.post("/account/two-factor/confirm", url.Values{"code": {"000000"}}) }},
		{"two-factor-recovery-codes", 200, func() (int, string) {
			_, page := mc.get("/account/two-factor")
			m := regexp.MustCompile(`<code>([A-Z2-7]{32})</code>`).FindStringSubmatch(page)
			if m == nil {
				return 0, page
			}
			code, _ := auth.TOTPCode(m[1], time.Now())
			return mc.post("/account/two-factor/confirm", url.Values{"code": {code}})
		}},
		{"login-code", 200, func() (int, string) {
			c := e.client()
			c.post("/login", url.Values{"email": {"max@example.com"}, "password": {appPassword}})
			return c.get("/login/code")
		}},
		{"tokens", 200, func() (int, string) { return ac.get("/account/tokens") }},
		{"token-made", 200, func() (int, string) {
			return ac.post("/account/tokens", url.Values{"name": {"HR sync"}, "scope": {"write"}, "kind": {"service"}, "days": {"90"}})
		}},
		{"token-errors", 400, func() (int, string) {
			return ac.post("/account/tokens", url.Values{"name": {""}, "scope": {"all"}, "kind": {"other"}, "days": {"0"}})
		}},
		// Last: the import changes the people the pages above are about.
		{"import-done", 200, func() (int, string) { return ac.imported("hr.csv", goodCSV) }},
	}
	out := t.TempDir()
	var files []string
	for _, p := range pages {
		status, body := p.fetch()
		if status != p.status {
			t.Errorf("%s: status %d, want %d\n%s", p.name, status, p.status, body)
			continue
		}
		file := filepath.Join(out, p.name+".html")
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
	}
	if t.Failed() {
		t.FailNow()
	}
	cmd := validator(t, files...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		report := strings.ReplaceAll(stdout.String(), out+string(filepath.Separator), "")
		t.Fatalf("html-validate: %v\n%s%s", err, report, stderr.String())
	}
	t.Logf("%d app pages are valid HTML", len(files))
}

// TestAppImport uploads an HR export with plain line feeds, as Go and most tools write them,
// and imports it from the preview: the file the browser sends back must be the one previewed.
func TestAppImport(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	e.person("Ada Admin", "ada@example.com", "Head of People", 0, store.Admin)
	file := filepath.Join(t.TempDir(), "hr.csv")
	content := "Name,Email,Manager,Job title,Start date\n" +
		"Kim Lee,kim@example.com,ada@example.com,Engineering Manager,2024-02-01\n" +
		"Lou Park,lou@example.com,kim@example.com,\"Engineer,\n platform\",2024-03-01\n"
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx := appTab(t)
	signIn(t, ctx, e, "ada@example.com")
	if status := navigate(t, ctx, e.url+"/import"); status != http.StatusOK {
		t.Fatalf("import page: status %d", status)
	}
	do(t, ctx, chromedp.SetUploadFiles(`#file`, []string{file}))
	if status := clickAndLoad(t, ctx, `form[action="/import"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("preview: status %d", status)
	}
	mustText(t, ctx, "main", "2 people will be added")
	if status := clickAndLoad(t, ctx, `form[action="/import/apply"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("import: status %d", status)
	}
	// The import's page follows it by reloading itself, with no script, until it says what
	// was done.
	if !strings.HasPrefix(pathOf(t, ctx), "/import/jobs/") {
		t.Fatalf("after applying: at %s, want the import's page", pathOf(t, ctx))
	}
	// The tab runs no script of the page's, so the test asks from here until the page that
	// reloads itself says the import ended; a question asked while it reloads goes unanswered.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		ended, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && !!document.querySelector("main .flash, main .problem")`))
		if err == nil && ended {
			break
		}
		if time.Now().After(deadline) { // a bound for a page that never ends, not a timing
			t.Fatalf("the import's page did not end: %v", err)
		}
	}
	if got := texts(t, ctx, "main .flash"); len(got) != 1 || got[0] != "Imported hr.csv: 2 added, 0 updated." {
		t.Fatalf("after importing: %q; problems %q", got, texts(t, ctx, ".problem"))
	}
	lou, err := e.store.PersonByEmail(e.ctx, "lou@example.com")
	if err != nil {
		t.Fatal(err)
	}
	// The title, over two lines in the file, is kept on one (the checksum of the preview
	// already made sure the file came back as it was sent).
	if lou.Title != "Engineer, platform" {
		t.Errorf("Lou's title %q, want %q", lou.Title, "Engineer, platform")
	}
}
