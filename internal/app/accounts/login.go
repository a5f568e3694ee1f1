package accounts

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

type loginData struct {
	Email, Next, Error string
	// SSO names the company's identity provider, "" without one; Passwords is false when
	// the operator turned them off.
	SSO       string
	Passwords bool
}

func newLoginData(srv *web.Server, email, next, msg string) loginData {
	d := loginData{Email: email, Next: next, Error: msg, Passwords: policy.PasswordsAllowed(srv.Settings())}
	if o := srv.Config().OIDC; o.Issuer != "" {
		d.SSO = strings.TrimSpace(o.Name)
		if d.SSO == "" {
			d.SSO = "your company account"
		}
	}
	return d
}

// LoginPage shows the sign-in form, or sends a signed-in viewer on.
func LoginPage(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	next := web.SafeNext(r.URL.Query().Get("next"))
	if v != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	srv.Render(w, r, v, http.StatusOK, "login", "Sign in", newLoginData(srv, "", next, ""))
	return nil
}

// Login checks an email and password, throttled, and opens a new session.
func Login(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	s := srv.Store()
	email := strings.TrimSpace(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	next := web.SafeNext(r.PostFormValue("next"))
	again := func(status int, msg string) error {
		srv.Render(w, r, v, status, "login", "Sign in", newLoginData(srv, email, next, msg))
		return nil
	}
	if !policy.PasswordsAllowed(srv.Settings()) {
		return again(http.StatusForbidden, "Passwords are turned off here: sign in with your company account.")
	}
	if email == "" || password == "" {
		// Not a guess at anyone's password: nothing to check, count or record.
		return again(http.StatusUnauthorized, "Give your email address and your password.")
	}
	if problem := store.TextProblem(email, store.MaxEmail); problem != "" {
		return again(http.StatusBadRequest, "The email address "+problem+".")
	}
	acct, err := access.AccountByEmail(ctx, s, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	known := err == nil
	var subject int64
	if known {
		subject = acct.PersonID
	}

	g := startGuess(srv, r, guessPassword, email, subject)
	defer g.done()
	// Throttle before checking the password, so a guess that must wait learns nothing.
	if wait, err := g.wait(ctx); err != nil {
		return err
	} else if wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter(wait)))
		return again(http.StatusTooManyRequests, "Too many wrong passwords. Wait "+waitText(wait)+" and try again, or ask the people team for a sign-in link.")
	}
	hash := srv.DummyHash()
	if known && acct.PasswordHash != auth.NoPassword {
		hash = acct.PasswordHash // else no password matches: checked as long all the same
	}
	ok, err := srv.VerifyPassword(r, password, hash)
	if err != nil {
		return err
	}
	if !known || !ok || acct.Status != store.Active || acct.PasswordHash == auth.NoPassword {
		if err := g.failed(); err != nil {
			return err
		}
		// The same words whichever was wrong, so the form cannot be used to find accounts.
		return again(http.StatusUnauthorized, "That email and password do not match an account.")
	}
	var rehash string
	if srv.Hasher().NeedsRehash(acct.PasswordHash) {
		// Best effort: a full pool leaves the old hash for the next sign-in.
		rehash, _ = srv.HashPassword(r, password)
	}
	twoFactor, err := hasTwoFactor(ctx, s, acct.ID)
	if err != nil {
		return err
	}
	var token string
	err = s.WithTx(ctx, func(tx *store.Store) error {
		if rehash != "" {
			if err := access.SetPassword(ctx, tx, acct.ID, rehash); err != nil {
				return err
			}
		}
		if twoFactor {
			// The password is right; the session waits for the second factor.
			token, err = access.CreateLoginChallenge(ctx, tx, access.LoginChallenge{AccountID: acct.ID, Next: next, ExpiresAt: srv.Now().Add(challengeTTL)})
			return err
		}
		if token, err = srv.NewSession(tx, r, acct, access.SignedInWithPassword); err != nil {
			return err
		}
		return srv.Audit(tx, r, &policy.Viewer{Person: store.Person{ID: acct.PersonID}}, "login", acct.PersonID, "")
	})
	if err != nil {
		return err
	}
	if twoFactor {
		srv.SetCookie(w, r, challengeCookie, token)
		http.Redirect(w, r, "/login/code", http.StatusSeeOther)
		return nil
	}
	srv.SetCookie(w, r, web.SessionCookie, token)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// challengeCookie holds the token of a sign-in waiting for its second factor.
const challengeCookie = "rungs_login"

// challengeTTL is how long the second factor may take after the password: enough to find
// the phone, not enough to leave a half-open sign-in lying about.
const challengeTTL = 5 * time.Minute

// hasTwoFactor reports whether the account signs in with a second factor.
func hasTwoFactor(ctx context.Context, s *store.Store, accountID int64) (bool, error) {
	t, err := access.TOTPOf(ctx, s, accountID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil && t.Enabled(), err
}

type codeData struct {
	Error string
}

// errChallengeGone is the answer to a second step whose first is missing, expired or used.
var errChallengeGone = web.Errorf(http.StatusUnauthorized, "This sign-in has taken too long or is finished already. Sign in again.")

// challenge is the sign-in waiting for this browser's second factor, with its token.
func challenge(srv *web.Server, r *http.Request) (access.LoginChallenge, access.Account, string, error) {
	c, err := r.Cookie(srv.CookieName(r, challengeCookie))
	if err != nil || c.Value == "" {
		return access.LoginChallenge{}, access.Account{}, "", errChallengeGone
	}
	ctx := r.Context()
	ch, err := access.LoginChallengeByToken(ctx, srv.Store(), c.Value)
	if errors.Is(err, store.ErrNotFound) {
		return access.LoginChallenge{}, access.Account{}, "", errChallengeGone
	}
	if err != nil {
		return access.LoginChallenge{}, access.Account{}, "", err
	}
	acct, err := access.AccountByID(ctx, srv.Store(), ch.AccountID)
	if err != nil {
		return access.LoginChallenge{}, access.Account{}, "", err
	}
	if acct.Status != store.Active {
		return access.LoginChallenge{}, access.Account{}, "", errChallengeGone
	}
	return ch, acct, c.Value, nil
}

// LoginCodePage asks for the second factor of a sign-in whose password was right.
func LoginCodePage(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	if v != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	if _, _, _, err := challenge(srv, r); err != nil {
		return err
	}
	srv.Render(w, r, v, http.StatusOK, "logincode", "Sign in: your code", codeData{})
	return nil
}

// LoginCode checks the second factor, throttled like a password, and opens the session.
func LoginCode(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	ch, acct, token, err := challenge(srv, r)
	if err != nil {
		return err
	}
	again := func(status int, msg string) error {
		srv.Render(w, r, v, status, "logincode", "Sign in: your code", codeData{Error: msg})
		return nil
	}
	code := strings.TrimSpace(r.PostFormValue("code"))
	if code == "" {
		return again(http.StatusBadRequest, "Give the code from your authenticator app, or a recovery code.")
	}
	g := startGuess(srv, r, guessCode, acct.Email, acct.PersonID)
	defer g.done()
	if wait, err := g.wait(ctx); err != nil {
		return err
	} else if wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter(wait)))
		return again(http.StatusTooManyRequests, "Too many wrong codes. Wait "+waitText(wait)+" and try again.")
	}
	var session string
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		method, err := checkSecondFactor(ctx, tx, srv.Now(), acct.ID, code)
		if err != nil {
			return err
		}
		if err := access.UseLoginChallenge(ctx, tx, token); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return errChallengeGone // used by another request at the same moment
			}
			return err
		}
		if session, err = srv.NewSession(tx, r, acct, method); err != nil {
			return err
		}
		return srv.Audit(tx, r, &policy.Viewer{Person: store.Person{ID: acct.PersonID}}, "login", acct.PersonID, string(method))
	})
	if errors.Is(err, errWrongCode) {
		if err := g.failed(); err != nil {
			return err
		}
		return again(http.StatusUnauthorized, "That code is not right, or has been used already. Wait for the next code in your app, or use a recovery code.")
	}
	if err != nil {
		return err
	}
	srv.ClearCookie(w, r, challengeCookie)
	srv.SetCookie(w, r, web.SessionCookie, session)
	http.Redirect(w, r, web.SafeNext(ch.Next), http.StatusSeeOther)
	return nil
}

// waitText says a wait in words, rounded up: "20 seconds", "4 minutes".
func waitText(d time.Duration) string {
	if d <= time.Minute {
		return fmt.Sprintf("%d seconds", retryAfter(d))
	}
	return fmt.Sprintf("%d minutes", int((d+time.Minute-1)/time.Minute))
}

// Logout ends the viewer's session.
func Logout(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	err := srv.Store().WithTx(ctx, func(tx *store.Store) error {
		if err := access.DeleteSession(ctx, tx, v.Session); err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "logout", v.Person.ID, "")
	})
	if err != nil {
		return err
	}
	srv.ClearCookie(w, r, web.SessionCookie)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
