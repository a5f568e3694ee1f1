package app_test

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/obs"
	"github.com/rungs/rungs/internal/obs/obstest"
	"github.com/rungs/rungs/internal/proxy"
	"github.com/rungs/rungs/internal/site"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
	"github.com/rungs/rungs/internal/store/storetest"
)

// The app's tests run over real HTTP against a real database: SQLite always, PostgreSQL
// wherever its binaries are (and always in CI).
var eachBackend = storetest.EachBackend

// bundled is the bundled engineering framework and its site, rendered once.
var bundled = sync.OnceValues(func() (*ladder.Framework, http.Handler) {
	fsys, _ := frameworks.FS(frameworks.Default)
	f, diags, err := ladder.Load(fsys)
	if err != nil || diags.HasErrors() {
		panic("bundled framework does not load")
	}
	s, err := site.Render(f, fsys, site.Options{})
	if err != nil {
		panic(err)
	}
	h, err := site.NewHandler(s, "")
	if err != nil {
		panic(err)
	}
	return f, h
})

// The app's logs, a line per request as rungs serve writes them, are kept for the whole test
// binary and searched at the end for the password, tokens, cookies and emails the tests use.
// SQLite's pages are kept as rungs serve keeps them, so that the tests and the benchmarks run
// the server's configuration.
func TestMain(m *testing.M) {
	if err := store.ReservePageMemory(); err != nil {
		panic(err)
	}
	os.Exit(storetest.Main(obstest.Checked(m)))
}

// appLog is where every test's app logs.
var appLog = sync.OnceValue(func() *slog.Logger {
	l, err := obs.NewLogger(obstest.NewBuffer(), obs.FormatJSON)
	if err != nil {
		panic(err)
	}
	obstest.Forbid(testPassword)
	return l
})

// testPassword is every test account's password.
const testPassword = "correct horse battery"

// cheap are the argon2id settings the tests' apps hash with: real hashing costs 64 MiB and
// seconds under the race detector, and a sign-in test signs in many times. TestServePeopleApp
// in internal/cli shows that rungs serve hashes with auth.DefaultParams.
var cheap = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// passwordHash is one hash for every test account.
var passwordHash = sync.OnceValue(func() string {
	h, err := cheap.Hash(testPassword)
	if err != nil {
		panic(err)
	}
	return h
})

// env is a running app with its database.
type env struct {
	t     *testing.T
	store *store.Store
	app   *app.App
	srv   *httptest.Server
	ctx   context.Context
}

type envOption func(*app.Config)

func newEnv(t *testing.T, cfg store.Config, opts ...envOption) *env {
	t.Helper()
	ctx := context.Background()
	f, site := bundled()
	c := app.Config{Site: site, Passwords: cheap, Log: obs.Writer(appLog(), "app error")}
	for _, o := range opts {
		o(&c)
	}
	// The store stamps what it writes with the app's clock, so that both move together.
	cfg.Now = c.Now
	s, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c.Store = s
	a, err := app.New(c, f)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(obs.Handler(a, appLog(), nil))
	t.Cleanup(srv.Close)
	return &env{t: t, store: s, app: a, srv: srv, ctx: ctx}
}

// person adds someone, with an account of role unless role is "".
func (e *env) person(name, email string, manager int64, role store.Role) store.Person {
	e.t.Helper()
	p, err := e.store.CreatePerson(e.ctx, store.Person{Name: name, Email: email, ManagerID: manager, Title: "Software Engineer",
		StartDate: time.Date(2023, 4, 3, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		e.t.Fatal(err)
	}
	obstest.Forbid(email, name)
	if role != "" {
		if _, err := access.CreateAccount(e.ctx, e.store, p.ID, passwordHash(), role); err != nil {
			e.t.Fatal(err)
		}
	}
	return p
}

// testClock is a clock tests move forward instead of sleeping: the real time plus an offset.
// testClock is a time that stands still until the test moves it, so that what a test
// reads off it (a Retry-After, an expiry) does not depend on how busy the machine is.
type testClock struct {
	start time.Time
	ahead atomic.Int64
}

func newTestClock() *testClock { return &testClock{start: time.Now()} }

func (c *testClock) now() time.Time          { return c.start.Add(time.Duration(c.ahead.Load())) }
func (c *testClock) advance(d time.Duration) { c.ahead.Add(int64(d)) }
func withClock(c *testClock) envOption       { return func(cfg *app.Config) { cfg.Now = c.now } }
func behindProxy(cfg *app.Config)            { cfg.TrustedProxies, _ = proxy.Parse("127.0.0.1, ::1") }
func withPool(pool auth.Pool) envOption      { return func(cfg *app.Config) { cfg.PasswordPool = pool } }

// client is a browser: it keeps cookies and does not follow redirects, so tests see them.
type client struct {
	e    *env
	http *http.Client
	from string // the address a trusted proxy says the client has, when not ""
}

// at is the client as seen from address addr, through a proxy the app trusts (behindProxy).
func (c *client) at(addr string) *client {
	c.from = addr
	return c
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// signedIn returns a client with a fresh session for the person's account, made directly in
// the store: quicker than the login form, which has tests of its own.
// setRole gives p's account the role r.
func (e *env) setRole(p store.Person, r store.Role) {
	e.t.Helper()
	acct, err := access.AccountOfPerson(e.ctx, e.store, p.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := access.SetRole(e.ctx, e.store, acct.ID, r); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) signedIn(p store.Person) *client {
	e.t.Helper()
	return e.signedInAt(p, time.Now())
}

// signedInAt is signedIn for an app whose clock reads now (see withClock).
func (e *env) signedInAt(p store.Person, now time.Time) *client {
	e.t.Helper()
	acct, err := access.AccountOfPerson(e.ctx, e.store, p.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	token, _, err := access.CreateSession(e.ctx, e.store, access.Session{AccountID: acct.ID, ExpiresAt: now.Add(time.Hour)})
	if err != nil {
		e.t.Fatal(err)
	}
	obstest.Forbid(token)
	c := e.client()
	u, _ := url.Parse(e.srv.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "rungs_session", Value: token, Path: "/"}})
	return c
}

type response struct {
	status int
	header http.Header
	body   string
}

func (c *client) do(req *http.Request) response {
	c.e.t.Helper()
	if c.from != "" {
		req.Header.Set("X-Forwarded-For", c.from)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	for _, ck := range res.Cookies() {
		obstest.Forbid(ck.Value)
	}
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (c *client) get(path string) response {
	c.e.t.Helper()
	req, _ := http.NewRequest("GET", c.e.srv.URL+path, nil)
	return c.do(req)
}

// finished follows an import's page from the answer that started the import until it ends,
// as a browser does with the page's Refresh header, and returns the page it ends on (whose
// status is the import's outcome). Any other answer is returned as it is.
func (c *client) finished(res response) response {
	c.e.t.Helper()
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/import/jobs/") {
		return res
	}
	status, header, body, err := followJob(c, res.header.Get("Location"))
	if err != nil {
		c.e.t.Fatal(err)
	}
	return response{status: status, header: header, body: body}
}

// followJob reads a job's page at path until it no longer asks to be reloaded (the job has
// ended), and returns that last answer. It does not use t, so it may run in a goroutine.
func followJob(c *client, path string) (int, http.Header, string, error) {
	for {
		res, err := c.http.Get(c.e.srv.URL + path)
		if err != nil {
			return 0, nil, "", err
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return 0, nil, "", err
		}
		if res.Header.Get("Refresh") == "" {
			return res.StatusCode, res.Header, string(b), nil
		}
		time.Sleep(10 * time.Millisecond) // what the page's one-second Refresh does, sooner
	}
}

// csrf fetches a page that holds a form and returns its CSRF token.
func (c *client) csrf() string {
	c.e.t.Helper()
	page := c.get("/login")
	if page.status == http.StatusSeeOther {
		page = c.get("/account")
	}
	m := csrfField.FindStringSubmatch(page.body)
	if m == nil {
		c.e.t.Fatalf("no CSRF token in the page (status %d)", page.status)
	}
	return m[1]
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// hidden fetches the page at path and returns the value of its hidden field name, as a
// browser would send it back with the page's form: the version an edit form was opened at.
func (c *client) hidden(path, name string) string {
	c.e.t.Helper()
	page := c.get(path)
	m := regexp.MustCompile(`<input type="hidden" name="` + regexp.QuoteMeta(name) + `" value="([^"]*)">`).FindStringSubmatch(page.body)
	if m == nil {
		c.e.t.Fatalf("%s: no hidden field %s in the page (status %d)", path, name, page.status)
	}
	return m[1]
}

// post sends a form with the client's CSRF token.
func (c *client) post(path string, form url.Values) response {
	c.e.t.Helper()
	// A copy: the caller's values may be sent again by another client, with its own token.
	form = maps.Clone(form)
	if form == nil {
		form = url.Values{}
	}
	if !form.Has("csrf") {
		form.Set("csrf", c.csrf())
	}
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

// The stylesheet is linked by a name that changes with its content, so it can be cached
// for good; the bare name is not served.
func TestStylesheet(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)})
	c := e.client()
	href := regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)">`).FindStringSubmatch(c.get("/login").body)
	if href == nil || href[1] != "/app-assets/"+app.StylesheetName {
		t.Fatalf("the login page links the stylesheet as %q, want /app-assets/%s", href, app.StylesheetName)
	}
	res := c.get(href[1])
	if res.status != http.StatusOK || res.header.Get("Content-Type") != "text/css; charset=utf-8" ||
		!strings.Contains(res.header.Get("Cache-Control"), "immutable") || !strings.Contains(res.body, "{") {
		t.Errorf("%s: status %d, headers %v", href[1], res.status, res.header)
	}
	if res := c.get("/app-assets/app.css"); res.status != http.StatusNotFound {
		t.Errorf("/app-assets/app.css: status %d, want 404", res.status)
	}
	// The drafts' script, likewise.
	res = c.get("/app-assets/" + app.AutosaveScriptName)
	if res.status != http.StatusOK || res.header.Get("Content-Type") != "text/javascript; charset=utf-8" ||
		!strings.Contains(res.header.Get("Cache-Control"), "immutable") || !strings.Contains(res.body, "X-CSRF-Token") {
		t.Errorf("the drafts' script: status %d, headers %v", res.status, res.header)
	}
	if res := c.get("/app-assets/autosave.js"); res.status != http.StatusNotFound {
		t.Errorf("/app-assets/autosave.js: status %d, want 404", res.status)
	}
}
