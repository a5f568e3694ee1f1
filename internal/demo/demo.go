// Package demo starts the people app on a small made-up organisation (people and their
// levels, a rollout under way, an assessment cycle with a shared assessment, a check-in) beside
// the bundled framework's site, and keeps every app page as the app served it, errors and
// forms sent included. The accessibility test and scripts/screenshots look at the same pages.
package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/site"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
	"github.com/rungs/rungs/internal/store/assess"
	"github.com/rungs/rungs/internal/store/checkins"
	"github.com/rungs/rungs/internal/store/growth"
)

// Password is every demo account's password.
const Password = "correct horse battery"

// CheapHashing are argon2id settings that cost next to nothing, for a demo no one signs in
// to for real.
var CheapHashing = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// Page is one app page, kept as the app served it.
type Page struct {
	Name   string // a short name, fit for a file name: "people", "import-preview"
	Status int
	Body   string
}

// Path is where Server serves the kept page.
func (p Page) Path() string { return "/_demo/" + p.Name }

// SitePages are the site's kinds of page, one of each, by path.
var SitePages = []struct{ Name, Path string }{
	{"site-home", "/"},
	{"site-ladder", "/ladders/engineering/"},
	{"site-ladder-management", "/ladders/engineering-management/"},
	{"site-level", "/ladders/engineering/senior/"},
	{"site-level-management", "/ladders/engineering-management/manager/"},
	{"site-matrix", "/matrix/engineering/"},
	{"site-compare", "/compare/?a=engineering/engineer&b=engineering/senior"},
	{"site-compare-ladders", "/compare/?a=engineering/staff&b=engineering-management/manager"},
	{"site-crosswalk", "/crosswalk/"},
	{"site-search", "/search/?q=mentoring"},
	{"site-changes", "/changes/"},
	{"site-assess", "/assess/"},
	{"site-page", "/pages/faq/"},
	{"site-not-found", "/no-such-page/"},
}

// Demo is a seeded app and the pages kept from it.
type Demo struct {
	Store *store.Store
	App   *app.App
	Pages []Page
	url   string
}

// Start opens a new SQLite database in dir, seeds it, and keeps every page. The app runs on
// a loopback server of its own while the pages are fetched; Handler serves them after.
func Start(ctx context.Context, dir string) (*Demo, error) {
	fsys, _ := frameworks.FS("engineering")
	f, diags, err := ladder.Load(fsys)
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, errors.New(diags.Error())
	}
	rendered, err := site.Render(f, fsys, site.Options{})
	if err != nil {
		return nil, err
	}
	siteHandler, err := site.NewHandler(rendered, "")
	if err != nil {
		return nil, err
	}
	s, err := store.Open(ctx, store.Config{SQLitePath: filepath.Join(dir, "rungs.db")})
	if err != nil {
		return nil, err
	}
	a, err := app.New(app.Config{Store: s, Site: siteHandler, Passwords: CheapHashing}, f)
	if err != nil {
		s.Close()
		return nil, err
	}
	srv := httptest.NewServer(a)
	defer srv.Close()
	d := &Demo{Store: s, App: a, url: srv.URL}
	empty, err := store.Open(ctx, store.Config{SQLitePath: filepath.Join(dir, "empty.db")})
	if err != nil {
		s.Close()
		return nil, err
	}
	defer empty.Close()
	emptyApp, err := app.New(app.Config{Store: empty, Site: siteHandler, Passwords: CheapHashing}, f)
	if err != nil {
		s.Close()
		return nil, err
	}
	emptySrv := httptest.NewServer(emptyApp)
	defer emptySrv.Close()
	if err := d.seed(ctx, empty, emptySrv.URL); err != nil {
		s.Close()
		return nil, fmt.Errorf("demo: %w", err)
	}
	return d, nil
}

// Close closes the demo's database.
func (d *Demo) Close() error { return d.Store.Close() }

// Handler serves the app (and the site it publishes), and the kept pages at their Path, with
// the app's headers: a page is the same wherever it is looked at.
func (d *Demo) Handler() http.Handler {
	byPath := map[string]Page{}
	for _, p := range d.Pages {
		byPath[p.Path()] = p
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := byPath[r.URL.Path]
		if !ok {
			d.App.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", web.ContentSecurityPolicy)
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(p.Status)
		_, _ = io.WriteString(w, p.Body)
	})
}

// seed adds the organisation and keeps the pages.
func (d *Demo) seed(ctx context.Context, empty *store.Store, emptyURL string) error {
	s := d.Store
	hash, err := CheapHashing.Hash(Password)
	if err != nil {
		return err
	}
	var failed error
	person := func(name, email, title string, manager int64, role store.Role) store.Person {
		p, err := s.CreatePerson(ctx, store.Person{Name: name, Email: email, Title: title, ManagerID: manager,
			StartDate: time.Date(2023, 4, 3, 0, 0, 0, 0, time.UTC)})
		if err == nil && role != "" {
			_, err = access.CreateAccount(ctx, s, p.ID, hash, role)
		}
		failed = errors.Join(failed, err)
		return p
	}
	level := func(p store.Person, ladderID, track, lv, day string, reason store.Reason, note string, by int64) {
		date, _ := time.Parse(time.DateOnly, day)
		_, err := s.AddLevelChange(ctx, store.LevelChange{PersonID: p.ID, Ladder: ladderID, Track: track, ToLevel: lv,
			Date: date, Reason: reason, Note: note, MadeBy: by})
		failed = errors.Join(failed, err)
	}
	admin := person("Ada Admin", "ada@example.com", "Head of People Operations", 0, store.Admin)
	// A people partner outside the engineering chain, who may decide its promotion cases.
	person("Rae Reviewer", "rae@example.com", "People Partner", 0, store.Admin)
	max := person("Maximilian Manager-Longname", "max@example.com", "Senior Engineering Manager, Platform", admin.ID, store.Member)
	level(max, "engineering-management", "", "manager", "2022-01-03", store.Hire, "", admin.ID)
	kim := person("Kim Lee", "kim@example.com", "Senior Software Engineer", max.ID, "")
	level(kim, "engineering", "product", "engineer", "2023-04-03", store.Hire, "", admin.ID)
	level(kim, "engineering", "product", "senior", "2025-03-01", store.Promotion, "Led the billing rewrite", admin.ID)
	level(kim, "engineering", "product", "engineer", "2025-03-02", store.Correction, "Recorded on the wrong person", admin.ID)
	level(kim, "engineering", "sre", "engineer", "2025-06-02", store.TrackChange, "Moved to the platform team", admin.ID)
	lou := person("Lou Park", "lou@example.com", "SDE II", max.ID, "")
	person("Wyn Wizard", "wyn@example.com", "Wizard", max.ID, "")
	person("Nat Untitled", "nat@example.com", "", max.ID, "")
	person("Pat Principal", "pat.principal@example.com", "Staff Software Engineer (Infrastructure)", max.ID, "")
	if failed != nil {
		return failed
	}
	id := func(p store.Person) string { return strconv.FormatInt(p.ID, 10) }
	invite, _, err := s.CreateLink(ctx, store.Link{Purpose: store.InviteLink, PersonID: kim.ID, Role: store.Member, ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		return err
	}
	setup, _, err := empty.CreateLink(ctx, store.Link{Purpose: store.SetupLink, Role: store.Admin, ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		return err
	}

	ac, err := d.signedIn("ada@example.com")
	if err != nil {
		return err
	}
	rc, err := d.signedIn("rae@example.com")
	if err != nil {
		return err
	}
	mc, err := d.signedIn("max@example.com")
	if err != nil {
		return err
	}
	anon := d.client(d.url)
	// A saved rule starts the rollout; a review shows every kind of card.
	steps := []struct {
		c    *client
		path string
		form url.Values
	}{
		{ac, "/rollout/rules", url.Values{"titles": {"1"}, "title0": {"SDE II"}, "level0": {"engineering/engineer"}, "track0": {"product"}}},
		{mc, "/rollout/review/" + id(lou), url.Values{"level": {"engineering/senior"}, "track": {"sre"}, "note": {"Owns on-call"}, "seen": {"0"}}},
		{ac, "/cycles", url.Values{"name": {"2025 H1"}, "starts": {"2025-01-06"}, "ends": {"2025-02-28"}, "scope": {"everyone"}, "next": {"yes"}}},
	}
	for _, st := range steps {
		if status, body := st.c.post(st.path, st.form); status != http.StatusSeeOther {
			return fmt.Errorf("POST %s: status %d\n%s", st.path, status, body)
		}
	}
	cycles, err := assess.Cycles(ctx, s)
	if err != nil || len(cycles) != 1 {
		return fmt.Errorf("cycles: %v, %v", cycles, err)
	}
	cycle := "/cycles/" + strconv.FormatInt(cycles[0].ID, 10)
	kimsCycle := cycle + "/people/" + id(kim)
	maxsCycle := cycle + "/people/" + id(max)
	rate := url.Values{"action": {"submit"}}
	for i, x := range []string{"delivery", "code", "design", "collaboration", "mentoring"} {
		rate.Set("rating:engineer/"+x, []string{"sometimes", "consistently", "role-model"}[i%3])
		rate.Set("evidence:engineer/"+x, "Shipped [the importer](https://example.com/pr/1) and **wrote** its runbook.")
	}
	amend := url.Values{"action": {"save"}, "reason": {"Saw the incident review since"}}
	for k, v := range rate {
		if k != "action" {
			amend[k] = v
		}
	}
	amend.Set("rating:engineer/delivery", "consistently")
	kimsCheckIns := "/people/" + id(kim) + "/checkins"
	for _, st := range []struct {
		c    *client
		path string
		form url.Values
	}{
		{mc, kimsCycle + "/manager", rate},
		{mc, kimsCycle + "/manager", amend},
		{mc, kimsCycle + "/share", url.Values{}},
		{mc, kimsCheckIns, url.Values{"date": {"2025-03-03"}, "shared": {"Talked about #delivery.\nNext: #code."},
			"private": {"Mine"}, "item-1": {"Write the runbook"}, "owner-1": {"person"}, "item-2": {"Book the course"}, "owner-2": {"manager"}}},
	} {
		if status, body := st.c.post(st.path, st.form); status != http.StatusSeeOther {
			return fmt.Errorf("POST %s: status %d\n%s", st.path, status, body)
		}
	}
	checkIns, err := checkins.CheckIns(ctx, s, kim.ID)
	if err != nil || len(checkIns) != 1 {
		return fmt.Errorf("check-ins: %v, %v", checkIns, err)
	}
	kimsCheckIn := kimsCheckIns + "/" + strconv.FormatInt(checkIns[0].ID, 10)
	// A growth plan with a goal, and a promotion case argued from the check-in, submitted
	// for review.
	kimsPlan := "/people/" + id(kim) + "/plan"
	kimsCases := "/people/" + id(kim) + "/cases"
	for _, st := range []struct {
		path string
		form url.Values
	}{
		{kimsPlan, url.Values{"target": {"engineering/senior"}, "version": {"0"}}},
		{kimsPlan + "/goals", url.Values{"text": {"Run the team's incident reviews for a quarter"}, "status": {"in-progress"}}},
		{kimsCases, url.Values{"target": {"engineering/senior"}}},
	} {
		if status, body := mc.post(st.path, st.form); status != http.StatusSeeOther {
			return fmt.Errorf("POST %s: status %d\n%s", st.path, status, body)
		}
	}
	cases, err := growth.CasesOf(ctx, s, kim.ID)
	if err != nil || len(cases) != 1 {
		return fmt.Errorf("cases: %v, %v", cases, err)
	}
	kimsCase := kimsCases + "/" + strconv.FormatInt(cases[0].ID, 10)
	if status, body := mc.post(kimsCase, url.Values{"argument": {"Kim has led **every** incident review since March."}, "action": {"submit"},
		"version": {strconv.FormatInt(cases[0].Version, 10)}, "checkin": {strconv.FormatInt(checkIns[0].ID, 10)}}); status != http.StatusSeeOther {
		return fmt.Errorf("POST %s: status %d\n%s", kimsCase, status, body)
	}
	badCSV := "Name,Email,Manager,Job title,Start date\n" +
		"Pat Doe,pat@example.com,nobody@example.com,Engineer,2024-02-01\n" +
		"Pat Again,pat@example.com,,Engineer,01/02/2024\n"
	goodCSV := "Name,Email,Manager,Job title,Start date,Status,Office\n" +
		"Kim Lee-Park,kim@example.com,max@example.com,Staff Software Engineer,2023-04-03,active,Leeds\n" +
		"Lou Park,lou@example.com,max@example.com,SDE II,2023-04-03,active,Leeds\n" +
		"Nat Untitled,nat@example.com,ada@example.com,Engineer,2023-04-03,left,Leeds\n" +
		"Pat Doe,pat@example.com,max@example.com,Engineer,2024-02-01,active,Leeds\n"
	hidden := func(c *client, path, name string) string {
		_, page := c.get(path)
		m := regexp.MustCompile(`<input type="hidden" name="` + name + `" value="([^"]*)">`).FindStringSubmatch(page)
		if m == nil {
			return ""
		}
		return m[1]
	}
	emptyClient := d.client(emptyURL)
	pages := []struct {
		name   string
		status int
		fetch  func() (int, string)
	}{
		{"login", 200, func() (int, string) { return anon.get("/login") }},
		{"login-failed", 401, func() (int, string) {
			return anon.post("/login", url.Values{"email": {"ada@example.com"}, "password": {"wrong"}})
		}},
		{"setup-first-admin", 200, func() (int, string) { return emptyClient.get("/setup/" + setup) }},
		{"setup-errors", 400, func() (int, string) {
			return emptyClient.post("/setup/"+setup, url.Values{"name": {""}, "email": {"nope"}, "password": {"short"}})
		}},
		{"setup-invite", 200, func() (int, string) { return anon.get("/setup/" + invite) }},
		{"not-found", 404, func() (int, string) { return ac.get("/people/999999") }},
		{"people", 200, func() (int, string) { return ac.get("/people") }},
		{"people-manager", 200, func() (int, string) { return mc.get("/people") }},
		{"people-none", 200, func() (int, string) { return ac.get("/people?q=nobody") }},
		{"person", 200, func() (int, string) { return ac.get("/people/" + id(kim)) }},
		{"person-manager", 200, func() (int, string) { return mc.get("/people/" + id(max)) }},
		{"person-level-errors", 400, func() (int, string) {
			return ac.post("/people/"+id(kim)+"/levels", url.Values{"level": {"engineering/nope"}, "reason": {""}, "date": {"2025-13-01"},
				"last": {hidden(ac, "/people/"+id(kim), "last")}})
		}},
		{"person-new", 200, func() (int, string) { return ac.get("/people/new") }},
		{"person-new-errors", 400, func() (int, string) {
			return ac.post("/people", url.Values{"name": {""}, "email": {"nope"}, "manager": {"nobody@example.com"}, "start": {"soon"}, "level": {"engineering/nope"}})
		}},
		{"person-edit", 200, func() (int, string) { return ac.get("/people/" + id(kim) + "/edit") }},
		{"person-edit-stale", 409, func() (int, string) {
			version, _ := strconv.ParseInt(hidden(ac, "/people/"+id(kim)+"/edit", "version"), 10, 64)
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
		{"assessment-self-draft", 200, func() (int, string) { return mc.get(maxsCycle) }},
		{"assessment-shared", 200, func() (int, string) { return mc.get(kimsCycle) }},
		{"assessment-admin", 200, func() (int, string) { return ac.get(kimsCycle) }},
		{"cycle-report", 200, func() (int, string) { return ac.get(cycle + "/report") }},
		{"cycle-calibration", 200, func() (int, string) { return ac.get(cycle + "/calibration") }},
		{"checkins", 200, func() (int, string) { return mc.get(kimsCheckIns) }},
		{"checkin-new", 200, func() (int, string) { return mc.get(kimsCheckIns + "/new") }},
		{"checkin-new-errors", 400, func() (int, string) {
			return mc.post(kimsCheckIns, url.Values{"date": {"soon"}, "shared": {"#no-such-expectation"}, "item-1": {"Do it"}, "owner-1": {"nobody"}})
		}},
		{"checkin", 200, func() (int, string) { return mc.get(kimsCheckIn) }},
		{"home-admin", 200, func() (int, string) { return ac.get("/home") }},
		{"home-manager", 200, func() (int, string) { return mc.get("/home") }},
		{"home-first-run", 200, func() (int, string) {
			// The first admin of an empty app sets a password and lands on the checklist.
			if status, body := emptyClient.post("/setup/"+setup, url.Values{"name": {"Ada Admin"}, "email": {"ada@example.com"},
				"password": {Password}, "confirm": {Password}}); status != http.StatusSeeOther {
				return status, body
			}
			return emptyClient.get("/home")
		}},
		{"plan", 200, func() (int, string) { return mc.get(kimsPlan) }},
		{"plan-errors", 400, func() (int, string) {
			return mc.post(kimsPlan+"/goals", url.Values{"expectation": {"no-such"}, "text": {""}, "status": {"not-started"}})
		}},
		{"cases", 200, func() (int, string) { return mc.get(kimsCases) }},
		{"case-manager", 200, func() (int, string) { return mc.get(kimsCase) }},
		{"case-reviewer", 200, func() (int, string) { return rc.get(kimsCase) }},
		{"cases-to-review", 200, func() (int, string) { return rc.get("/cases") }},
		{"case-decision-errors", 400, func() (int, string) {
			return rc.post(kimsCase+"/decision", url.Values{"decision": {"approve"}, "reasons": {""}, "effective": {"soon"}})
		}},
		{"account", 200, func() (int, string) { return mc.get("/account") }},
		{"account-errors", 400, func() (int, string) {
			return mc.post("/account/password", url.Values{"current": {"wrong"}, "password": {"short"}, "confirm": {"other"}})
		}},
		{"two-factor-off", 200, func() (int, string) { return mc.get("/account/two-factor") }},
		{"two-factor-qr-code", 200, func() (int, string) {
			mc.post("/account/two-factor/start", url.Values{})
			return mc.get("/account/two-factor")
		}},
		{"tokens", 200, func() (int, string) { return ac.get("/account/tokens") }},
		{"token-made", 200, func() (int, string) {
			return ac.post("/account/tokens", url.Values{"name": {"HR sync"}, "scope": {"write"}, "kind": {"service"}, "days": {"90"}})
		}},
	}
	for _, p := range pages {
		status, body := p.fetch()
		if status != p.status {
			return fmt.Errorf("%s: status %d, want %d\n%s", p.name, status, p.status, body)
		}
		d.Pages = append(d.Pages, Page{Name: p.name, Status: status, Body: body})
	}
	return nil
}

// client fetches pages as a browser would: it keeps cookies, and does not follow redirects.
type client struct {
	base string
	http *http.Client
}

func (d *Demo) client(base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{base: base, http: &http.Client{Jar: jar, Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (c *client) do(req *http.Request) (int, string) {
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, err.Error()
	}
	return res.StatusCode, string(b)
}

func (c *client) get(path string) (int, string) {
	req, _ := http.NewRequest("GET", c.base+path, nil)
	return c.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the token of the forms the client is shown.
func (c *client) csrf() string {
	status, body := c.get("/login")
	if status == http.StatusSeeOther {
		_, body = c.get("/account")
	}
	if m := csrfField.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// post sends a form, with the client's CSRF token.
func (c *client) post(path string, form url.Values) (int, string) {
	form.Set("csrf", c.csrf())
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// upload sends a file as the import form does.
func (c *client) upload(path, name, content string) (int, string) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf", c.csrf())
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write([]byte(content))
	_ = w.Close()
	req, _ := http.NewRequest("POST", c.base+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

// signedIn returns a client signed in through the login form.
func (d *Demo) signedIn(email string) (*client, error) {
	c := d.client(d.url)
	if status, body := c.post("/login", url.Values{"email": {email}, "password": {Password}}); status != http.StatusSeeOther {
		return nil, fmt.Errorf("sign in as %s: status %d\n%s", email, status, body)
	}
	return c, nil
}

// Look is one way a page is seen: a screen size and a theme.
type Look struct {
	Name          string // for messages and file names: "phone-light"
	Width, Height int64
	Mobile        bool
	Theme         string // "light" or "dark"
}

// Looks are the sizes and themes every page is checked and pictured in: a phone and a
// laptop, light and dark.
var Looks = []Look{
	{"phone-light", 390, 844, true, "light"},
	{"phone-dark", 390, 844, true, "dark"},
	{"desktop-light", 1366, 900, false, "light"},
	{"desktop-dark", 1366, 900, false, "dark"},
}
