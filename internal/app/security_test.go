package app_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
	"github.com/rungs/rungs/internal/store/storetest"
)

func TestCSRF(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		other := e.person("Ola Other", "ola@example.com", 0, store.Admin)
		c := e.signedIn(admin)
		form := func(token string) url.Values {
			return url.Values{"csrf": {token}, "name": {"Renamed"}, "email": {"ada@example.com"}, "start": {"2023-04-03"}, "status": {"active"},
				"version": {itoa(admin.Version)}}
		}
		path := "/people/" + strconv.FormatInt(admin.ID, 10)
		tests := []struct {
			name   string
			token  string
			header map[string]string
		}{
			{"no token", "", nil},
			{"wrong token", strings.Repeat("A", 43), nil},
			{"another session's token", e.signedIn(other).csrf(), nil},
			{"sent by another site", c.csrf(), map[string]string{"Sec-Fetch-Site": "cross-site"}},
			{"from another origin", c.csrf(), map[string]string{"Origin": "https://evil.example"}},
		}
		for _, tc := range tests {
			req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(form(tc.token).Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			if res := c.do(req); res.status != http.StatusForbidden {
				t.Errorf("%s: status %d, want 403", tc.name, res.status)
			}
		}
		if p, _ := e.store.Person(e.ctx, admin.ID); p.Name != "Ada Admin" {
			t.Fatalf("a rejected request changed the name to %q", p.Name)
		}
		// The same form with the right token goes through: the rejections above were the token's.
		if res := c.post(path, form(c.csrf())); res.status != http.StatusSeeOther {
			t.Fatalf("with the token: status %d", res.status)
		}
		if p, _ := e.store.Person(e.ctx, admin.ID); p.Name != "Renamed" {
			t.Fatalf("name is %q after a valid request", p.Name)
		}
		// Signing in needs the token too, from the browser cookie of the sign-in page.
		anon := e.client()
		if res := anon.post("/login", url.Values{"csrf": {"nope"}, "email": {"ada@example.com"}, "password": {testPassword}}); res.status != http.StatusForbidden {
			t.Fatalf("login without a valid token: status %d, want 403", res.status)
		}
	})
}

// login signs in through the form and returns the response.
func (c *client) login(email, password string) response {
	return c.post("/login", url.Values{"email": {email}, "password": {password}})
}

func sessionCookie(c *client, u string) *http.Cookie {
	pu, _ := url.Parse(u)
	for _, k := range c.http.Jar.Cookies(pu) {
		if strings.HasSuffix(k.Name, "rungs_session") {
			return k
		}
	}
	return nil
}

func TestSessionFixation(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		mallory := e.person("Mallory", "mallory@example.com", 0, store.Member)
		// Mallory plants her own valid session id in the victim's browser.
		planted := e.signedIn(mallory)
		plantedID := sessionCookie(planted, e.srv.URL).Value
		victim := e.client()
		u, _ := url.Parse(e.srv.URL)
		victim.http.Jar.SetCookies(u, []*http.Cookie{{Name: "rungs_session", Value: plantedID, Path: "/"}})

		if res := victim.login("ada@example.com", testPassword); res.status != http.StatusSeeOther {
			t.Fatalf("login: status %d: %s", res.status, res.body)
		}
		now := sessionCookie(victim, e.srv.URL)
		if now == nil || now.Value == plantedID {
			t.Fatal("the session id was not replaced at login")
		}
		if _, err := access.SessionByToken(e.ctx, e.store, plantedID); err == nil {
			t.Fatal("the planted session still opens something after the login")
		}
		// And the victim is Ada, not Mallory.
		mustContain(t, victim.get("/account").body, "Ada Admin")
	})
}

// After signing in, the browser goes where it was headed, but only ever to a path here;
// anywhere else, and nowhere, is the person's home.
func TestLoginRedirectStaysHere(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)})
	ada := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
	c := e.signedIn(ada)
	tests := []struct{ next, want string }{
		{"/people/7?from=50", "/people/7?from=50"},
		{"/rollout/review", "/rollout/review"},
		{"", "/home"},
		{"people", "/home"},
		{"//evil.example/", "/home"},
		{"/\\evil.example/", "/home"},
		{"/\t/evil.example/", "/home"}, // browsers drop the tab and go to //evil.example
		{"/\n/evil.example/", "/home"},
		{"https://evil.example/", "/home"},
		{"/ok\\..\\evil", "/home"},
		{"javascript:alert(1)", "/home"},
	}
	for _, tt := range tests {
		res := c.get("/login?next=" + url.QueryEscape(tt.next))
		if got := res.header.Get("Location"); res.status != http.StatusSeeOther || got != tt.want {
			t.Errorf("next=%q: status %d, Location %q; want %q", tt.next, res.status, got, tt.want)
		}
	}
}

// A wrong current password on the account page is a guess like a wrong sign-in: recorded,
// and throttled with them.
func TestChangePasswordThrottled(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)})
	ada := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
	c := e.signedIn(ada)
	form := func(current string) url.Values {
		return url.Values{"current": {current}, "password": {"a brand new passphrase"}, "confirm": {"a brand new passphrase"}}
	}
	for i := range 5 {
		if res := c.post("/account/password", form("wrong "+strconv.Itoa(i))); res.status != http.StatusBadRequest {
			t.Fatalf("wrong current password %d: status %d", i+1, res.status)
		}
	}
	if res := c.post("/account/password", form(testPassword)); res.status != http.StatusTooManyRequests {
		t.Fatalf("the right password after 5 wrong ones: status %d, want 429", res.status)
	}
	if n, err := e.store.CountAudit(e.ctx, store.AuditFilter{Action: "login.failed", Subject: ada.ID}); err != nil || n != 5 {
		t.Errorf("%d failures recorded against Ada (%v), want 5", n, err)
	}
	if res := e.client().login("ada@example.com", testPassword); res.status != http.StatusTooManyRequests {
		t.Errorf("signing in after 5 wrong current passwords: status %d, want 429", res.status)
	}
}

func TestCookiesOverTLS(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		ada := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		tlsSrv := httptest.NewTLSServer(e.app)
		defer tlsSrv.Close()
		jar, _ := cookiejar.New(nil)
		hc := tlsSrv.Client()
		hc.Jar = jar
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		c := &client{e: &env{t: t, store: e.store, app: e.app, srv: tlsSrv, ctx: e.ctx}, http: hc}

		res := c.login("ada@example.com", testPassword)
		if res.status != http.StatusSeeOther {
			t.Fatalf("login over TLS: status %d", res.status)
		}
		var set *http.Cookie
		for _, k := range (&http.Response{Header: res.header}).Cookies() {
			if k.Name == "__Host-rungs_session" {
				set = k
			}
		}
		switch {
		case set == nil:
			t.Fatalf("no __Host-rungs_session cookie in %v", res.header["Set-Cookie"])
		case !set.Secure:
			t.Error("the session cookie is not Secure over TLS")
		case !set.HttpOnly:
			t.Error("the session cookie is not HttpOnly")
		case set.SameSite != http.SameSiteLaxMode:
			t.Errorf("the session cookie's SameSite is %v, want Lax", set.SameSite)
		case set.Path != "/" || set.Domain != "":
			t.Errorf("the session cookie has path %q domain %q", set.Path, set.Domain)
		}
		if res.header.Get("Strict-Transport-Security") == "" {
			t.Error("no Strict-Transport-Security over TLS")
		}
		// A session id in a cookie without the __Host- prefix could have been set without
		// Secure (over plain HTTP, or by another subdomain): over TLS it opens nothing.
		token, _, err := access.CreateSession(e.ctx, e.store, access.Session{AccountID: mustAccount(t, e, ada).ID, ExpiresAt: time.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", tlsSrv.URL+"/account", nil)
		req.AddCookie(&http.Cookie{Name: "rungs_session", Value: token})
		plain := *tlsSrv.Client() // the server's client, without the jar that holds the real cookie
		plain.Jar = nil
		r2, err := plain.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r2.Body.Close()
		if r2.StatusCode != http.StatusSeeOther {
			t.Fatalf("a session in an unprefixed cookie over TLS: status %d, want the redirect to sign in", r2.StatusCode)
		}

		// Over plain HTTP the cookie cannot be Secure, but it is HttpOnly and Lax all the same.
		plainRes := e.client().login("ada@example.com", testPassword)
		for _, k := range (&http.Response{Header: plainRes.header}).Cookies() {
			if k.Name == "rungs_session" && (!k.HttpOnly || k.SameSite != http.SameSiteLaxMode || k.Secure) {
				t.Errorf("plain HTTP session cookie: HttpOnly %v SameSite %v Secure %v", k.HttpOnly, k.SameSite, k.Secure)
			}
		}
	})
}

func mustAccount(t *testing.T, e *env, p store.Person) access.Account {
	t.Helper()
	a, err := access.AccountOfPerson(e.ctx, e.store, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestSetupLinkIsSingleUse(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		link, err := e.app.Setup(e.ctx, time.Hour)
		if err != nil || !strings.HasPrefix(link, "/setup/") {
			t.Fatalf("setup link %q, %v", link, err)
		}
		spare, err := e.app.Setup(e.ctx, time.Hour)
		if err != nil || spare == link {
			t.Fatalf("second setup link %q, %v", spare, err)
		}
		c := e.client()
		if res := c.get(link); res.status != http.StatusOK {
			t.Fatalf("setup page: %d", res.status)
		}
		form := url.Values{"name": {"Ada Admin"}, "email": {"ada@example.com"}, "password": {testPassword}, "confirm": {testPassword}}
		// A form with errors leaves the link usable.
		bad := url.Values{"name": {"Ada Admin"}, "email": {"ada@example.com"}, "password": {"short"}, "confirm": {"short"}}
		if res := c.post(link, bad); res.status != http.StatusBadRequest {
			t.Fatalf("short password: status %d", res.status)
		}
		if res := c.post(link, form); res.status != http.StatusSeeOther {
			t.Fatalf("setup: status %d: %s", res.status, res.body)
		}
		mustContain(t, c.get("/account").body, "Ada Admin", "on the people team")
		other := e.client()
		form.Set("email", "eve@example.com")
		if res := other.post(link, form); res.status != http.StatusNotFound {
			t.Fatalf("second use: status %d, want 404", res.status)
		}
		if res := other.get(link); res.status != http.StatusNotFound {
			t.Fatalf("page after use: status %d, want 404", res.status)
		}
		if again, err := e.app.Setup(e.ctx, time.Hour); err != nil || again != "" {
			t.Fatalf("with an admin, Setup gave %q, %v; want no link", again, err)
		}
		// A second link printed before the first was used (serve started twice) opens nothing now.
		if res := other.get(spare); res.status != http.StatusNotFound {
			t.Errorf("a spare setup link after the first admin: status %d, want 404", res.status)
		}
		form.Set("email", "spare@example.com")
		if res := other.post(spare, form); res.status != http.StatusNotFound {
			t.Errorf("using a spare setup link after the first admin: status %d, want 404", res.status)
		}
	})
}

func TestTextIsInert(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		c := e.signedIn(admin)
		evil := `<script>alert(1)</script><img src=x onerror=alert(2)>"'&`
		res := c.post("/people", url.Values{"name": {evil}, "email": {"x@example.com"}, "title": {evil}, "start": {"2024-01-02"},
			"level": {"engineering/senior"}, "track": {"product"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("create: status %d: %s", res.status, res.body)
		}
		where := res.header.Get("Location")
		id := strings.TrimPrefix(strings.Split(where, "?")[0], "/people/")
		if res := c.post("/people/"+id+"/levels", url.Values{"level": {"engineering/staff"}, "track": {"product"}, "reason": {"promotion"},
			"date": {"2025-01-02"}, "note": {evil}, "last": {c.hidden("/people/"+id, "last")}}); res.status != http.StatusSeeOther {
			t.Fatalf("level change: status %d: %s", res.status, res.body)
		}
		for _, page := range []string{"/people/" + id, "/people", "/audit", "/rollout/review"} {
			body := c.get(page).body
			if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
				t.Errorf("%s renders the text as markup", page)
			}
		}
		mustContain(t, c.get("/people/"+id).body, "&lt;script&gt;alert(1)&lt;/script&gt;")
		res = c.get("/people/" + id)
		if csp := res.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe") {
			t.Errorf("Content-Security-Policy %q", csp)
		}
		for h, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"} {
			if got := res.header.Get(h); got != want {
				t.Errorf("%s: %q, want %q", h, got, want)
			}
		}
	})
}

func TestPrivateLadder(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)}, func(c *app.Config) { c.Private = true })
	ada := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
	for _, path := range []string{"/", "/ladders/engineering/senior/", "/search/index.json"} {
		if res := e.client().get(path); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/login") {
			t.Errorf("%s signed out: status %d to %q", path, res.status, res.header.Get("Location"))
		}
		if res := e.signedIn(ada).get(path); res.status != http.StatusOK {
			t.Errorf("%s signed in: status %d", path, res.status)
		}
	}
	open := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)})
	if res := open.client().get("/ladders/engineering/senior/"); res.status != http.StatusOK || res.header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("public ladder: status %d, X-Frame-Options %q", res.status, res.header.Get("X-Frame-Options"))
	}
}

func TestLeaverLosesAccess(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		bo := e.person("Bo Member", "bo@example.com", 0, store.Member)
		boBrowser := e.signedIn(bo)
		if res := boBrowser.get("/account"); res.status != http.StatusOK {
			t.Fatalf("before: %d", res.status)
		}
		ac := e.signedIn(admin)
		boPath := "/people/" + strconv.FormatInt(bo.ID, 10)
		res := ac.post(boPath, url.Values{"name": {"Bo Member"}, "email": {"bo@example.com"},
			"start": {"2023-04-03"}, "status": {"left"}, "version": {ac.hidden(boPath+"/edit", "version")}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("mark as left: %d %s", res.status, res.body)
		}
		if res := boBrowser.get("/account"); res.status != http.StatusSeeOther {
			t.Fatalf("a leaver's session still works: %d", res.status)
		}
		if res := e.client().login("bo@example.com", testPassword); res.status != http.StatusUnauthorized {
			t.Fatalf("a leaver can sign in: %d", res.status)
		}
	})
}

// An admin's sign-in link lets a person without an account set a password, once; behind a
// trusted proxy it points at the address the proxy was reached at.
func TestSignInLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)}, behindProxy)
	admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
	bea := e.person("Bea Newcomer", "bea@example.com", admin.ID, "")
	c := e.signedIn(admin)
	form := url.Values{"csrf": {c.csrf()}}
	req, _ := http.NewRequest("POST", e.srv.URL+"/people/"+strconv.FormatInt(bea.ID, 10)+"/sign-in-link", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// (Over https the session cookie would have another name: TestCookiesOverTLS covers that.)
	req.Header.Set("X-Forwarded-Host", "evil.example, ladder.example.com") // the proxy's is the last
	res := c.do(req)
	m := regexp.MustCompile(`value="http://ladder\.example\.com(/setup/[^"]+)"`).FindStringSubmatch(res.body)
	if res.status != http.StatusOK || m == nil {
		t.Fatalf("sign-in link: status %d, no http://ladder.example.com link in\n%s", res.status, res.body)
	}
	other := e.client()
	if res := other.post(m[1], url.Values{"password": {testPassword}, "confirm": {testPassword}}); res.status != http.StatusSeeOther {
		t.Fatalf("setting the password: status %d: %s", res.status, res.body)
	}
	mustContain(t, other.get("/account").body, "Bea Newcomer")
	if res := e.client().get(m[1]); res.status != http.StatusNotFound {
		t.Errorf("the link used again: status %d, want 404", res.status)
	}
}
