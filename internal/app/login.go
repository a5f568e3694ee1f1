package app

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/store"
)

// dummyHash is checked against when no account has the email given, so that a login takes
// as long whether or not the account exists.
var dummyHash = func() string {
	h, err := auth.Hash("not a password anyone has: " + randomToken())
	if err != nil {
		panic(err)
	}
	return h
}()

type loginData struct {
	Email, Next, Error string
}

func loginPage(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	next := safeNext(r.URL.Query().Get("next"))
	if v != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	a.render(w, r, v, http.StatusOK, "login", "Sign in", loginData{Next: next})
	return nil
}

func login(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	ctx := r.Context()
	s := a.cfg.Store
	email := strings.TrimSpace(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	again := func(status int, msg string) error {
		a.render(w, r, v, status, "login", "Sign in", loginData{Email: email, Next: next, Error: msg})
		return nil
	}
	acct, err := s.AccountByEmail(ctx, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	known := err == nil

	// Throttle before checking the password, so a guess past the limit learns nothing.
	since := a.cfg.Now().Add(-throttleWindow)
	fromHere, err := s.CountAudit(ctx, store.AuditFilter{Action: "login.failed", Address: a.clientAddress(r), Since: since})
	if err != nil {
		return err
	}
	forAccount := 0
	if known {
		if forAccount, err = s.CountAudit(ctx, store.AuditFilter{Action: "login.failed", Subject: acct.PersonID, Since: since}); err != nil {
			return err
		}
	}
	if fromHere >= maxAddressFailures || forAccount >= maxAccountFailures {
		var subject int64
		if known {
			subject = acct.PersonID
		}
		if err := a.audit(s, r, nil, "login.throttled", subject, "email: "+truncate(email, 200)); err != nil {
			return err
		}
		w.Header().Set("Retry-After", fmt.Sprint(int(throttleWindow/time.Second)))
		return again(http.StatusTooManyRequests, fmt.Sprintf("Too many failed sign-ins. Wait %d minutes and try again, or ask the people team to reset your password.", int(throttleWindow/time.Minute)))
	}

	hash := dummyHash
	if known {
		hash = acct.PasswordHash
	}
	ok, err := auth.Verify(password, hash)
	if err != nil {
		return err
	}
	if !known || !ok || acct.Status != store.Active {
		var subject int64
		if known {
			subject = acct.PersonID
		}
		if err := a.audit(s, r, nil, "login.failed", subject, "email: "+truncate(email, 200)); err != nil {
			return err
		}
		// The same words whichever was wrong, so the form cannot be used to find accounts.
		return again(http.StatusUnauthorized, "That email and password do not match an account.")
	}
	if auth.NeedsRehash(acct.PasswordHash) {
		if h, err := auth.Hash(password); err == nil {
			if err := s.SetPassword(ctx, acct.ID, h); err != nil {
				return err
			}
		}
	}
	if err := a.startSession(w, r, acct); err != nil {
		return err
	}
	if err := a.audit(s, r, &Viewer{Person: store.Person{ID: acct.PersonID}}, "login", acct.PersonID, ""); err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func logout(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	if err := a.cfg.Store.DeleteSession(r.Context(), v.token); err != nil {
		return err
	}
	a.clearCookie(w, r, sessionCookie)
	if err := a.audit(a.cfg.Store, r, v, "logout", v.Person.ID, ""); err != nil {
		return err
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// safeNext keeps a redirect after login on this site: a path, never another host.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/people"
	}
	return next
}
