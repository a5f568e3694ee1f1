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
	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/obs/obstest"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
	"github.com/rungs/rungs/internal/store/storetest"
)

var (
	secretShown   = regexp.MustCompile(`key into the app instead: <code>([A-Z2-7]+)</code>`)
	recoveryShown = regexp.MustCompile(`<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>`)
)

// enrol turns two-factor on for the signed-in client through the pages, and returns the
// secret and the recovery codes.
func enrol(t *testing.T, c *client, clk *testClock) (string, []string) {
	t.Helper()
	if res := c.post("/account/two-factor/start", nil); res.status != http.StatusSeeOther {
		t.Fatalf("start: status %d", res.status)
	}
	page := c.get("/account/two-factor")
	m := secretShown.FindStringSubmatch(page.body)
	if m == nil || !strings.Contains(page.body, `<svg class="qr"`) {
		t.Fatalf("the enrolment page shows no secret or QR code (status %d)", page.status)
	}
	secret := m[1]
	obstest.Forbid(secret)
	res := c.post("/account/two-factor/confirm", url.Values{"code": {code(t, secret, clk.now())}})
	if res.status != http.StatusOK {
		t.Fatalf("confirm: status %d", res.status)
	}
	var codes []string
	for _, m := range recoveryShown.FindAllStringSubmatch(res.body, -1) {
		codes = append(codes, m[1])
		obstest.Forbid(m[1])
	}
	if len(codes) != auth.RecoveryCodeCount {
		t.Fatalf("%d recovery codes shown, want %d", len(codes), auth.RecoveryCodeCount)
	}
	return secret, codes
}

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := auth.TOTPCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// signInWithCode signs in with the password, then the code, and returns the last answer.
func signInWithCode(t *testing.T, c *client, email, typed string) response {
	t.Helper()
	res := c.login(email, testPassword)
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/login/code" {
		t.Fatalf("password step: status %d to %q, want 303 to /login/code", res.status, res.header.Get("Location"))
	}
	return c.post("/login/code", url.Values{"code": {typed}})
}

func TestTwoFactorEnrolAndSignIn(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		clk := newTestClock()
		e := newEnv(t, cfg, withClock(clk))
		ada := e.person("Ada Lovelace", "ada@example.com", 0, store.Member)
		c := e.client()
		if res := c.login("ada@example.com", testPassword); res.status != http.StatusSeeOther || res.header.Get("Location") != "/home" {
			t.Fatalf("sign-in before two-factor: status %d to %q", res.status, res.header.Get("Location"))
		}
		other := e.signedIn(ada)

		// A wrong first code keeps it off, and says so by the field.
		c.post("/account/two-factor/start", nil)
		res := c.post("/account/two-factor/confirm", url.Values{"code": {"000000"}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, `id="code-error"`) {
			t.Errorf("wrong first code: status %d", res.status)
		}
		secret, codes := enrol(t, c, clk)
		if res := other.get("/account"); res.status != http.StatusSeeOther {
			t.Errorf("another session opened with the password alone still works after enrolment: status %d", res.status)
		}
		if res := c.get("/account/two-factor"); !strings.Contains(res.body, "10 unused recovery codes") {
			t.Errorf("the page does not say two-factor is on with 10 codes:\n%s", res.body)
		}
		c.post("/logout", nil)

		// The password alone opens no session.
		half := e.client()
		half.login("ada@example.com", testPassword)
		if res := half.get("/people"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/login?next=") {
			t.Errorf("after the password alone /people is status %d to %q, want the sign-in", res.status, res.header.Get("Location"))
		}
		if res := half.get("/login/code"); res.status != http.StatusOK || !strings.Contains(res.body, `name="code"`) {
			t.Errorf("the code page: status %d", res.status)
		}

		// A wrong code is refused and recorded as a failure.
		if res := half.post("/login/code", url.Values{"code": {"123456"}}); res.status != http.StatusUnauthorized {
			t.Errorf("wrong code: status %d, want 401", res.status)
		}
		if n, _ := e.store.CountAudit(e.ctx, store.AuditFilter{Action: "login.failed", Detail: "two-factor: ada@example.com"}); n != 1 {
			t.Errorf("%d failures recorded for the wrong code, want 1", n)
		}
		// The right code signs in. (Not the code enrolment used: the next one.)
		clk.advance(30 * time.Second)
		now := code(t, secret, clk.now())
		if res := half.post("/login/code", url.Values{"code": {now}}); res.status != http.StatusSeeOther {
			t.Fatalf("right code: status %d", res.status)
		}
		if res := half.get("/people"); res.status != http.StatusOK {
			t.Errorf("signed in with the code, /people is status %d", res.status)
		}
		sessions, _ := access.Sessions(e.ctx, e.store, mustAccount(t, e, ada).ID)
		if len(sessions) != 1 || sessions[0].Method != access.SignedInWithTOTP {
			t.Errorf("sessions %+v, want one opened with a code", sessions)
		}

		// The same code again, while it is still in its window, is refused.
		clk.advance(20 * time.Second)
		replay := e.client()
		if res := signInWithCode(t, replay, "ada@example.com", now); res.status != http.StatusUnauthorized {
			t.Errorf("replayed code: status %d, want 401", res.status)
		}
		// The next one works.
		clk.advance(30 * time.Second)
		if res := replay.post("/login/code", url.Values{"code": {code(t, secret, clk.now())}}); res.status != http.StatusSeeOther {
			t.Errorf("the next code: status %d", res.status)
		}

		// A recovery code works once, typed any way.
		typed := strings.ToUpper(strings.ReplaceAll(codes[3], "-", " "))
		if res := signInWithCode(t, e.client(), "ada@example.com", typed); res.status != http.StatusSeeOther {
			t.Errorf("recovery code: status %d", res.status)
		}
		if res := signInWithCode(t, e.client(), "ada@example.com", codes[3]); res.status != http.StatusUnauthorized {
			t.Errorf("recovery code used twice: status %d, want 401", res.status)
		}
		if n, _ := access.RecoveryCodesLeft(e.ctx, e.store, mustAccount(t, e, ada).ID); n != 9 {
			t.Errorf("%d recovery codes left, want 9", n)
		}

		// A challenge expires, and opens one session at most.
		late := e.client()
		late.login("ada@example.com", testPassword)
		clk.advance(6 * time.Minute)
		if res := late.post("/login/code", url.Values{"code": {code(t, secret, clk.now())}}); res.status != http.StatusUnauthorized {
			t.Errorf("a code after the challenge expired: status %d, want 401", res.status)
		}
	})
}

func TestTwoFactorCodesAreThrottled(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)}, withClock(clk))
	ada := e.person("Ada Lovelace", "ada@example.com", 0, store.Member)
	secret, _ := enrol(t, e.signedIn(ada), clk)
	clk.advance(30 * time.Second) // past the code enrolment used
	c := e.client()
	c.login("ada@example.com", testPassword)
	for i := range 5 {
		if res := c.post("/login/code", url.Values{"code": {"000000"}}); res.status != http.StatusUnauthorized {
			t.Fatalf("wrong code %d: status %d, want 401", i+1, res.status)
		}
	}
	// The sixth try waits, even with the right code: it is not checked.
	res := c.post("/login/code", url.Values{"code": {code(t, secret, clk.now())}})
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") != "15" {
		t.Fatalf("sixth try: status %d, Retry-After %q; want 429 and 15", res.status, res.header.Get("Retry-After"))
	}
	clk.advance(16 * time.Second)
	if res := c.post("/login/code", url.Values{"code": {code(t, secret, clk.now())}}); res.status != http.StatusSeeOther {
		t.Errorf("after the wait, the right code: status %d", res.status)
	}
	// Throttled codes never slowed the password step.
	if n, _ := e.store.CountAudit(e.ctx, store.AuditFilter{Action: "login.failed", Detail: "email: ada@example.com"}); n != 0 {
		t.Errorf("%d password failures recorded for wrong codes", n)
	}
}

func TestTwoFactorOffAndReset(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)}, withClock(clk))
	admin := e.person("Grace Admin", "grace@example.com", 0, store.Admin)
	ada := e.person("Ada Lovelace", "ada@example.com", 0, store.Member)
	c := e.signedIn(ada)
	secret, codes := enrol(t, c, clk)

	// New recovery codes need a code, and end the old ones.
	clk.advance(30 * time.Second)
	res := c.post("/account/two-factor/recovery-codes", url.Values{"code": {code(t, secret, clk.now())}})
	fresh := recoveryShown.FindAllStringSubmatch(res.body, -1)
	if res.status != http.StatusOK || len(fresh) != auth.RecoveryCodeCount {
		t.Fatalf("new recovery codes: status %d, %d codes", res.status, len(fresh))
	}
	for _, m := range fresh {
		obstest.Forbid(m[1])
	}
	if res := signInWithCode(t, e.client(), "ada@example.com", codes[0]); res.status != http.StatusUnauthorized {
		t.Errorf("an old recovery code after new ones: status %d", res.status)
	}

	// Turning it off needs a code.
	if res := c.post("/account/two-factor/disable", url.Values{"code": {"999999"}}); res.status != http.StatusBadRequest {
		t.Errorf("turning off with a wrong code: status %d", res.status)
	}
	if res := c.post("/account/two-factor/disable", url.Values{"code": {fresh[0][1]}}); res.status != http.StatusSeeOther {
		t.Fatalf("turning off with a recovery code: status %d", res.status)
	}
	if res := e.client().login("ada@example.com", testPassword); res.header.Get("Location") != "/home" {
		t.Errorf("with two-factor off the password signs in alone: to %q", res.header.Get("Location"))
	}

	// An admin resets it for someone who lost their phone and codes: the person's page offers
	// it while two-factor is on, and no longer once it is off.
	adaPage := "/people/" + strconv.FormatInt(ada.ID, 10)
	const resetButton = "Reset two-factor sign-in"
	if page := e.signedIn(admin).get(adaPage); strings.Contains(page.body, resetButton) {
		t.Errorf("two-factor off: the person's page offers %q", resetButton)
	}
	enrol(t, c, clk)
	if page := e.signedIn(admin).get(adaPage); !strings.Contains(page.body, resetButton) {
		t.Errorf("two-factor on: the person's page lacks %q", resetButton)
	}
	res = e.signedIn(admin).post("/people/"+strconv.FormatInt(ada.ID, 10)+"/two-factor/reset", nil)
	if res.status != http.StatusSeeOther {
		t.Fatalf("reset: status %d", res.status)
	}
	if page := e.signedIn(admin).get(adaPage); strings.Contains(page.body, resetButton) {
		t.Errorf("after the reset: the person's page offers %q", resetButton)
	}
	if n, _ := e.store.CountAudit(e.ctx, store.AuditFilter{Action: "two-factor.reset", Actor: admin.ID, Subject: ada.ID}); n != 1 {
		t.Errorf("%d reset entries in the audit log", n)
	}
	if res := e.client().login("ada@example.com", testPassword); res.header.Get("Location") != "/home" {
		t.Errorf("after the reset the password signs in alone: to %q", res.header.Get("Location"))
	}
	if res := e.signedIn(admin).post("/people/"+strconv.FormatInt(ada.ID, 10)+"/two-factor/reset", nil); res.status != http.StatusBadRequest {
		t.Errorf("a second reset: status %d, want 400", res.status)
	}
}

// A password reset link sets the password only: with two-factor on it does not sign in.
func TestSignInLinkKeepsTheSecondFactor(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)}, withClock(clk))
	ada := e.person("Ada Lovelace", "ada@example.com", 0, store.Member)
	enrol(t, e.signedIn(ada), clk)
	token, _, err := e.store.CreateLink(e.ctx, store.Link{Purpose: store.InviteLink, PersonID: ada.ID, ExpiresAt: clk.now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	obstest.Forbid(token)
	c := e.client()
	res := c.post("/setup/"+token, url.Values{"password": {"a new long password 42"}, "confirm": {"a new long password 42"}})
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/login") {
		t.Fatalf("link: status %d to %q, want the sign-in page", res.status, res.header.Get("Location"))
	}
	if res := c.get("/account"); res.status != http.StatusSeeOther {
		t.Errorf("the link signed in: /account is status %d", res.status)
	}
}

// With --admin-two-factor an admin signed in with a password alone may only turn it on (and
// see their own account, or sign out): every other route sends them to do so.
func TestAdminsMustTurnTwoFactorOn(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)}, withClock(clk), func(c *app.Config) { c.AdminsNeedSecondFactor = true })
	admin := e.person("Grace Admin", "grace@example.com", 0, store.Admin)
	member := e.person("Ada Lovelace", "ada@example.com", 0, store.Member)
	allowed := map[string]bool{
		"GET /account": true, "POST /account/password": true, "POST /account/sign-out-everywhere": true, "POST /logout": true,
		"GET /account/two-factor": true, "POST /account/two-factor/start": true, "POST /account/two-factor/confirm": true,
	}
	for _, r := range app.Routes() {
		method, pattern, _ := strings.Cut(r, " ")
		if pattern == "/app-assets/{file}" || strings.HasPrefix(pattern, "/login") || strings.HasPrefix(pattern, "/setup/") ||
			strings.HasPrefix(pattern, "/api/") || allowed[r] { // the API takes no session
			continue
		}
		path := strings.NewReplacer("{id}", strconv.FormatInt(member.ID, 10)).Replace(pattern)
		c := e.signedIn(admin)
		var res response
		if method == "GET" {
			res = c.get(path)
			if res.status != http.StatusSeeOther || res.header.Get("Location") != "/account/two-factor" {
				t.Errorf("%s: status %d to %q, want 303 to /account/two-factor", r, res.status, res.header.Get("Location"))
			}
		} else if res = c.post(path, url.Values{}); res.status != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", r, res.status)
		}
	}
	// A member is not asked.
	if res := e.signedIn(member).get("/people"); res.status != http.StatusOK {
		t.Errorf("a member's /people: status %d", res.status)
	}
	c := e.signedIn(admin)
	if res := c.get("/account/two-factor"); !strings.Contains(res.body, "must sign in with a second factor") {
		t.Error("the enrolment page does not say why")
	}
	secret, _ := enrol(t, c, clk)
	if res := c.get("/people"); res.status != http.StatusOK {
		t.Errorf("after enrolling, /people is status %d", res.status)
	}
	clk.advance(30 * time.Second)
	if res := c.post("/account/two-factor/disable", url.Values{"code": {code(t, secret, clk.now())}}); res.status != http.StatusForbidden {
		t.Errorf("an admin turning two-factor off where it is required: status %d, want 403", res.status)
	}
	if res := c.get("/account/two-factor"); strings.Contains(res.body, "/account/two-factor/disable") {
		t.Error("the page offers to turn it off")
	}
}
