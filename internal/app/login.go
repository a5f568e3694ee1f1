package app

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/store"
)

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
	if email == "" || password == "" {
		// Not a guess at anyone's password: nothing to check, count or record.
		return again(http.StatusUnauthorized, "Give your email address and your password.")
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

	g := a.startGuess(r, email)
	defer g.done()
	// Throttle before checking the password, so a guess past the limit learns nothing.
	if limited, err := g.throttled(ctx, subject); err != nil {
		return err
	} else if limited {
		w.Header().Set("Retry-After", fmt.Sprint(int(throttleWindow/time.Second)))
		return again(http.StatusTooManyRequests, fmt.Sprintf("Too many failed sign-ins. Wait %d minutes and try again, or ask the people team to reset your password.", int(throttleWindow/time.Minute)))
	}
	hash := a.dummyHash()
	if known {
		hash = acct.PasswordHash
	}
	ok, err := auth.Verify(password, hash)
	if err != nil {
		return err
	}
	if !known || !ok || acct.Status != store.Active {
		if err := g.failed(subject); err != nil {
			return err
		}
		// The same words whichever was wrong, so the form cannot be used to find accounts.
		return again(http.StatusUnauthorized, "That email and password do not match an account.")
	}
	var token string
	err = s.WithTx(ctx, func(tx *store.Store) error {
		if a.cfg.Passwords.NeedsRehash(acct.PasswordHash) {
			if h, err := a.hashPassword(password); err == nil {
				if err := tx.SetPassword(ctx, acct.ID, h); err != nil {
					return err
				}
			}
		}
		if token, err = a.newSession(tx, r, acct); err != nil {
			return err
		}
		return a.audit(tx, r, &Viewer{Person: store.Person{ID: acct.PersonID}}, "login", acct.PersonID, "")
	})
	if err != nil {
		return err
	}
	a.setCookie(w, r, sessionCookie, token)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func logout(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	ctx := r.Context()
	err := a.cfg.Store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteSession(ctx, v.token); err != nil {
			return err
		}
		return a.audit(tx, r, v, "logout", v.Person.ID, "")
	})
	if err != nil {
		return err
	}
	a.clearCookie(w, r, sessionCookie)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// safeNext keeps a redirect after login on this site: a plain path, never another host. The
// checks are strict because browsers are lenient: they drop tabs and newlines from a URL and
// read \ as /, so "/", a tab, "/evil.example" would take them to evil.example.
func safeNext(next string) string {
	const fallback = "/people"
	if strings.ContainsFunc(next, func(c rune) bool { return c < 0x20 || c == 0x7f || c == '\\' }) {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return fallback
	}
	return next
}
