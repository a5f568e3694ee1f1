package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/storetest"
)

// Two `rungs serve --db` processes on one PostgreSQL database, behind a reverse proxy that
// sends each request to the other one in turn, behave as one: a session opened on one works
// on the other and ends on both, password guesses are counted across them, a one-time link
// used on one is used on the other, and the audit log holds what both did.
func TestServeSharedPostgres(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs two rungs processes on PostgreSQL")
	}
	db := storetest.Postgres(t)
	dir := t.TempDir()
	var backends []*url.URL
	var setupLinks []string
	for range 2 {
		// No framework in its folder: the bundled one.
		cmd := exec.Command(rungsBinary(t), "serve", "--db", db, "--addr", "127.0.0.1:0", "--trusted-proxies", "127.0.0.1")
		cmd.Dir = dir
		out := &lines{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		u, _ := url.Parse(out.wait(t, servingRE)[1])
		backends = append(backends, u)
		setupLinks = append(setupLinks, out.wait(t, regexp.MustCompile(`Create the first admin at http://\S+?(/setup/\S+)`))[1])
	}

	// The proxy alternates between the two, adds the address it was reached from to
	// X-Forwarded-For after the one the test's "client" says it has, and says which served.
	var turn atomic.Int64
	proxy := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			n := turn.Add(1) % 2
			pr.SetURL(backends[n])
			pr.Out.Host = pr.In.Host
			pr.Out.Header["X-Forwarded-For"] = pr.In.Header["X-Forwarded-For"]
			pr.SetXForwarded()
			pr.Out.Header.Set("X-Test-Backend", fmt.Sprint(n))
		},
		ModifyResponse: func(res *http.Response) error {
			res.Header.Set("X-Served-By", res.Request.Header.Get("X-Test-Backend"))
			return nil
		},
	})
	defer proxy.Close()

	type browser struct {
		http *http.Client
		from string
	}
	newBrowser := func(from string) *browser {
		jar, _ := cookiejar.New(nil)
		return &browser{from: from, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	}
	servedBy := map[string]map[string]bool{} // what -> backends that answered it
	var mu sync.Mutex
	do := func(b *browser, what, method, path string, form url.Values) (int, string) {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, proxy.URL+path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if b.from != "" {
			req.Header.Set("X-Forwarded-For", b.from)
		}
		res, err := b.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		page, _ := io.ReadAll(res.Body)
		mu.Lock()
		if servedBy[what] == nil {
			servedBy[what] = map[string]bool{}
		}
		servedBy[what][res.Header.Get("X-Served-By")] = true
		mu.Unlock()
		return res.StatusCode, string(page)
	}
	csrfRE := regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	post := func(b *browser, what, formPage, path string, form url.Values) (int, string) {
		t.Helper()
		_, page := do(b, what, "GET", formPage, nil)
		m := csrfRE.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("%s: no form at %s:\n%.400s", what, formPage, page)
		}
		form.Set("csrf", m[1])
		return do(b, what, "POST", path, form)
	}
	const password = "a long enough password for this"

	// The first admin, from the first process's setup link: the page from one process, the
	// form sent to the other.
	ada := newBrowser("203.0.113.10")
	if st, page := post(ada, "setup", setupLinks[0], setupLinks[0], url.Values{"name": {"Ada Admin"}, "email": {"ada@example.com"},
		"password": {password}, "confirm": {password}}); st != http.StatusSeeOther {
		t.Fatalf("setup: status %d\n%.400s", st, page)
	}
	// The second process's link is worth nothing now.
	if st, _ := do(newBrowser(""), "spare setup link", "GET", setupLinks[1], nil); st != http.StatusNotFound {
		t.Errorf("the other process's setup link after the first admin: status %d, want 404", st)
	}

	// Sessions: Ada's session works on both, and signing out everywhere on one ends it on both.
	for range 4 {
		if st, _ := do(ada, "session", "GET", "/account", nil); st != http.StatusOK {
			t.Fatalf("Ada's account page: status %d", st)
		}
	}
	other := newBrowser("203.0.113.11")
	if st, _ := post(other, "login", "/login", "/login", url.Values{"email": {"ada@example.com"}, "password": {password}}); st != http.StatusSeeOther {
		t.Fatalf("Ada in a second browser: status %d", st)
	}
	if st, _ := post(ada, "sign out everywhere", "/account", "/account/sign-out-everywhere", url.Values{}); st != http.StatusSeeOther {
		t.Fatalf("sign out everywhere: status %d", st)
	}
	for range 2 {
		if st, _ := do(other, "ended session", "GET", "/account", nil); st != http.StatusSeeOther {
			t.Errorf("the second browser after signing out everywhere: status %d, want the redirect to sign in", st)
		}
	}

	// One-time links: used once, on either.
	if st, page := post(ada, "add person", "/people/new", "/people", url.Values{"name": {"Bea Newcomer"}, "email": {"bea@example.com"},
		"start": {"2024-01-02"}}); st != http.StatusSeeOther {
		t.Fatalf("add Bea: status %d\n%.400s", st, page)
	}
	s, err := store.Open(context.Background(), store.Config{PostgresURL: db})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	bea, err := s.PersonByEmail(context.Background(), "bea@example.com")
	if err != nil {
		t.Fatal(err)
	}
	beaPage := fmt.Sprintf("/people/%d", bea.ID)
	_, page := post(ada, "sign-in link", beaPage, beaPage+"/sign-in-link", url.Values{})
	m := regexp.MustCompile(`value="https?://[^/"]+(/setup/[^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no sign-in link:\n%.400s", page)
	}
	beaBrowser := newBrowser("198.51.100.20")
	if st, _ := post(beaBrowser, "use link", m[1], m[1], url.Values{"password": {"bea's own long password"}, "confirm": {"bea's own long password"}}); st != http.StatusSeeOther {
		t.Fatalf("Bea uses her link: status %d", st)
	}
	for range 2 {
		if st, _ := do(newBrowser(""), "used link", "GET", m[1], nil); st != http.StatusNotFound {
			t.Errorf("the used link again: status %d, want 404", st)
		}
	}

	// Throttling: five wrong guesses from one address, sent to both processes in turn, and
	// the next try waits, whichever process it reaches.
	guesser := newBrowser("198.51.100.66")
	for i := range 5 {
		if st, _ := post(guesser, "guess", "/login", "/login", url.Values{"email": {"ada@example.com"}, "password": {fmt.Sprint("wrong ", i)}}); st != http.StatusUnauthorized {
			t.Fatalf("guess %d: status %d", i+1, st)
		}
	}
	for range 2 {
		if st, _ := post(guesser, "throttled", "/login", "/login", url.Values{"email": {"ada@example.com"}, "password": {password}}); st != http.StatusTooManyRequests {
			t.Errorf("after 5 failures on two processes: status %d, want 429", st)
		}
	}

	// The audit log: one log, with what both processes recorded, in the page and the export.
	ctx := context.Background()
	for action, want := range map[string]int{"login.failed": 5, "login.throttled": 1, "sessions.end": 1, "password.reset": 0, "account.create": 2} {
		if n, err := s.CountAudit(ctx, store.AuditFilter{Action: action}); err != nil || n != want {
			t.Errorf("%d %s entries (%v), want %d", n, action, err, want)
		}
	}
	_, csv := do(ada, "audit export", "GET", "/export/audit.csv", nil)
	for _, want := range []string{",login.failed,ada@example.com,email: ada@example.com,198.51.100.66", ",account.create,bea@example.com,from a sign-in link,198.51.100.20"} {
		if !strings.Contains(csv, want) {
			t.Errorf("the audit export lacks %q", want)
		}
	}
	for what, by := range servedBy {
		if (what == "session" || what == "guess" || what == "used link") && len(by) != 2 {
			t.Errorf("%s was answered by %d process(es), want both", what, len(by))
		}
	}
}
