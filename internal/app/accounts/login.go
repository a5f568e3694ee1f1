package accounts

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
)

type loginData struct {
	Email, Next, Error string
}

// LoginPage shows the sign-in form, or sends a signed-in viewer on.
func LoginPage(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	next := web.SafeNext(r.URL.Query().Get("next"))
	if v != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	srv.Render(w, r, v, http.StatusOK, "login", "Sign in", loginData{Next: next})
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
		srv.Render(w, r, v, status, "login", "Sign in", loginData{Email: email, Next: next, Error: msg})
		return nil
	}
	if email == "" || password == "" {
		// Not a guess at anyone's password: nothing to check, count or record.
		return again(http.StatusUnauthorized, "Give your email address and your password.")
	}
	if problem := store.TextProblem(email, store.MaxEmail); problem != "" {
		return again(http.StatusBadRequest, "The email address "+problem+".")
	}
	acct, err := s.AccountByEmail(ctx, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	known := err == nil
	var subject int64
	if known {
		subject = acct.PersonID
	}

	g := startGuess(srv, r, email, subject)
	defer g.done()
	// Throttle before checking the password, so a guess that must wait learns nothing.
	if wait, err := g.wait(ctx); err != nil {
		return err
	} else if wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter(wait)))
		return again(http.StatusTooManyRequests, "Too many wrong passwords. Wait "+waitText(wait)+" and try again, or ask the people team for a sign-in link.")
	}
	hash := srv.DummyHash()
	if known {
		hash = acct.PasswordHash
	}
	ok, err := srv.VerifyPassword(r, password, hash)
	if err != nil {
		return err
	}
	if !known || !ok || acct.Status != store.Active {
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
	var token string
	err = s.WithTx(ctx, func(tx *store.Store) error {
		if rehash != "" {
			if err := tx.SetPassword(ctx, acct.ID, rehash); err != nil {
				return err
			}
		}
		if token, err = srv.NewSession(tx, r, acct); err != nil {
			return err
		}
		return srv.Audit(tx, r, &policy.Viewer{Person: store.Person{ID: acct.PersonID}}, "login", acct.PersonID, "")
	})
	if err != nil {
		return err
	}
	srv.SetCookie(w, r, web.SessionCookie, token)
	http.Redirect(w, r, next, http.StatusSeeOther)
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
		if err := tx.DeleteSession(ctx, v.Session); err != nil {
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
