package app_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/storage"

	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
	"github.com/rungs/rungs/internal/store/storetest"
)

func idpUserOf(id, email string, verified bool, groups ...string) *idpUser {
	return &idpUser{User: storage.User{ID: id, Username: id, Email: email, EmailVerified: verified, FirstName: id}, groups: groups}
}

func TestSSOSignIn(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		idp := newIdP(t, idpUserOf("ada", "Ada@Example.com", true), idpUserOf("bea", "bea@example.com", true))
		e := newEnv(t, cfg, withIdP(idp, nil))
		idp.register(e.srv.URL)
		ada := e.person("Ada Lovelace", "ada@example.com", 0, "") // no account yet
		bea := e.person("Bea Member", "bea@example.com", 0, store.Member)

		c := e.client()
		if page := c.get("/login"); !strings.Contains(page.body, `href="/login/sso`) || !strings.Contains(page.body, "Sign in with Test IdP") {
			t.Errorf("the sign-in page has no button for the provider")
		}
		callback, res := ssoSignIn(t, c, idp, "ada")
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/people" {
			t.Fatalf("callback: status %d to %q: %s", res.status, res.header.Get("Location"), res.body)
		}
		if res := c.get("/people/" + itoa(ada.ID)); res.status != http.StatusOK {
			t.Errorf("signed in through the provider, own record: status %d", res.status)
		}
		acct := mustAccount(t, e, ada)
		if acct.Role != store.Member || acct.PasswordHash != auth.NoPassword {
			t.Errorf("account made at first sign-in: %+v", acct)
		}
		sessions, _ := access.Sessions(e.ctx, e.store, acct.ID)
		if len(sessions) != 1 || sessions[0].Method != access.SignedInWithOIDC {
			t.Errorf("sessions %+v, want one opened through the provider", sessions)
		}
		if sub, _ := access.OIDCSubject(e.ctx, e.store, acct.ID); sub != "ada" {
			t.Errorf("linked subject %q, want ada", sub)
		}
		// No password signs in to an account the provider made.
		if res := e.client().login("ada@example.com", auth.NoPassword); res.status != http.StatusUnauthorized {
			t.Errorf("a password for an account without one: status %d", res.status)
		}

		// The callback again (a replayed state, and code) is refused, in the same browser
		// and in another.
		for name, replay := range map[string]*client{"same browser": c, "another browser": e.client()} {
			if res := replay.get(strings.TrimPrefix(callback, e.srv.URL)); res.status != http.StatusBadRequest {
				t.Errorf("replayed callback, %s: status %d, want 400", name, res.status)
			}
		}

		// A person who has a password account signs in through the provider just the same.
		other := e.client()
		if _, res := ssoSignIn(t, other, idp, "bea"); res.status != http.StatusSeeOther {
			t.Errorf("existing account: status %d", res.status)
		}
		if a := mustAccount(t, e, bea); a.PasswordHash == auth.NoPassword {
			t.Error("signing in through the provider took the password away")
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestSSORefusals(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	idp := newIdP(t,
		idpUserOf("ada", "ada@example.com", true),
		idpUserOf("una", "una@example.com", false),
		idpUserOf("zed", "zed@example.com", true),
		idpUserOf("imp", "ada@example.com", true), // the provider gives ada's email to someone else
	)
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)}, withIdP(idp, nil), withClock(clk))
	idp.register(e.srv.URL)
	ada := e.person("Ada Lovelace", "ada@example.com", 0, store.Member)
	e.person("Una Unverified", "una@example.com", 0, store.Member)

	refused := func(name, user, why string) {
		t.Helper()
		c := e.client()
		_, res := ssoSignIn(t, c, idp, user)
		if res.status != http.StatusForbidden || !strings.Contains(res.body, why) {
			t.Errorf("%s: status %d, want 403 saying %q:\n%s", name, res.status, why, res.body)
		}
		if res := c.get("/account"); res.status != http.StatusSeeOther {
			t.Errorf("%s: signed in all the same", name)
		}
	}
	refused("unverified email", "una", "is not verified")
	refused("no such person", "zed", "no one with the email address")

	idp.wrongAudience.Store(true)
	refused("wrong audience", "ada", "cannot accept")
	idp.wrongAudience.Store(false)

	// The provider's token lasts a second; rungs' clock is past it when it comes back.
	idp.shortLived.Store(true)
	c := e.client()
	start := c.get("/login/sso")
	clk.advance(2 * time.Minute)
	if _, res := followIdP(t, c, idp, "ada", start.header.Get("Location")); res.status != http.StatusForbidden || !strings.Contains(res.body, "expired") {
		t.Errorf("expired token: status %d:\n%s", res.status, res.body)
	}
	idp.shortLived.Store(false)

	// Ada signs in; then the provider gives her email to another identity.
	if _, res := ssoSignIn(t, e.client(), idp, "ada"); res.status != http.StatusSeeOther {
		t.Fatalf("ada: status %d", res.status)
	}
	refused("another identity with the same email", "imp", "another identity")

	// The provider rotates its signing key: rungs fetches the new one and goes on.
	idp.rotate(t, "key-2")
	if _, res := ssoSignIn(t, e.client(), idp, "ada"); res.status != http.StatusSeeOther {
		t.Errorf("after key rotation: status %d: %s", res.status, res.body)
	}
	if n, _ := e.store.CountAudit(e.ctx, store.AuditFilter{Action: "login", Subject: ada.ID, Detail: "oidc"}); n != 2 {
		t.Errorf("%d sign-ins through the provider in the audit log, want 2", n)
	}

	// A callback whose state was started in another browser is refused.
	c1, c2 := e.client(), e.client()
	start = c1.get("/login/sso")
	if _, res := followIdP(t, c2, idp, "ada", start.header.Get("Location")); res.status != http.StatusBadRequest {
		t.Errorf("callback in another browser than the one that started: status %d, want 400", res.status)
	}
}

func TestSSOAdminGroupAndPasswordsOff(t *testing.T) {
	t.Parallel()
	idp := newIdP(t, idpUserOf("ada", "ada@example.com", true, "people-team", "staff"), idpUserOf("bea", "bea@example.com", true, "staff"))
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)}, withIdP(idp, func(c *app.Config) {
		c.OIDC.AdminGroup, c.OIDC.Only = "people-team", true
	}))
	idp.register(e.srv.URL)
	ada := e.person("Ada Lovelace", "ada@example.com", 0, "")
	bea := e.person("Bea Member", "bea@example.com", 0, store.Admin) // an admin the group no longer lists

	for _, u := range []string{"ada", "bea"} {
		if _, res := ssoSignIn(t, e.client(), idp, u); res.status != http.StatusSeeOther {
			t.Fatalf("%s: status %d", u, res.status)
		}
	}
	if a := mustAccount(t, e, ada); a.Role != store.Admin {
		t.Errorf("ada, in the admin group: role %s", a.Role)
	}
	if a := mustAccount(t, e, bea); a.Role != store.Member {
		t.Errorf("bea, not in the admin group: role %s", a.Role)
	}

	// With passwords off, the sign-in page has no password form and the form is refused.
	c := e.client()
	page := c.get("/login")
	if strings.Contains(page.body, `name="password"`) || !strings.Contains(page.body, "Sign in with Test IdP") {
		t.Error("the sign-in page still asks for a password")
	}
	admin := e.signedIn(ada)
	if res := admin.post("/people/"+itoa(bea.ID)+"/sign-in-link", nil); res.status != http.StatusBadRequest {
		t.Errorf("a sign-in link with passwords off: status %d, want 400", res.status)
	}
	if res := admin.post("/account/password", url.Values{"current": {"x"}, "password": {"a long new password 9"}, "confirm": {"a long new password 9"}}); res.status != http.StatusForbidden {
		t.Errorf("changing a password with passwords off: status %d, want 403", res.status)
	}
	// The password form is refused even with a password that would be right.
	if res := admin.post("/login", url.Values{"email": {"bea@example.com"}, "password": {testPassword}}); res.status != http.StatusForbidden || !strings.Contains(res.body, "Passwords are turned off") {
		t.Errorf("a password sign-in with passwords off: status %d, want 403", res.status)
	}
}
