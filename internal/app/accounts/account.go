// Package accounts holds signing in and out, the one-time links that set a password, a
// person's own account page, and the throttling of password guesses.
package accounts

import (
	"net/http"
	"strconv"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

// errPasswordsOff answers what sets a password where passwords are turned off.
var errPasswordsOff = web.Errorf(http.StatusForbidden, "Passwords are turned off here: everyone signs in with their company account.")

type accountData struct {
	Sessions []access.Session
	Errors   map[string]string
}

// AccountPage shows the viewer's sessions and the form to change their password.
func AccountPage(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	return showAccount(srv, w, r, v, http.StatusOK, nil)
}

func showAccount(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer, status int, errs map[string]string) error {
	sessions, err := access.Sessions(r.Context(), srv.Store(), v.Account.ID)
	if err != nil {
		return err
	}
	srv.Render(w, r, v, status, "account", "Your account", accountData{Sessions: sessions, Errors: errs})
	return nil
}

// ChangePassword changes the viewer's password, checking the current one like a sign-in,
// and signs out their other sessions.
func ChangePassword(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	if !policy.PasswordsAllowed(srv.Settings()) {
		return errPasswordsOff
	}
	ctx := r.Context()
	errs := map[string]string{}
	current, next := r.PostFormValue("current"), r.PostFormValue("password")
	// The current password is a password guess like a sign-in's, throttled and recorded alike,
	// so that someone at an unlocked browser cannot try one password after another here.
	g := startGuess(srv, r, guessPassword, v.Person.Email, v.Person.ID)
	defer g.done()
	if wait, err := g.wait(ctx); err != nil {
		return err
	} else if wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter(wait)))
		errs["current"] = "Too many wrong passwords. Wait " + waitText(wait) + " and try again."
		return showAccount(srv, w, r, v, http.StatusTooManyRequests, errs)
	}
	if ok, err := srv.VerifyPassword(r, current, v.Account.PasswordHash); err != nil {
		return err
	} else if !ok {
		if err := g.failed(); err != nil {
			return err
		}
		errs["current"] = "This is not your current password."
	}
	if err := auth.Check(next, v.Person.Name, v.Person.Email); err != nil {
		errs["password"] = web.Capitalise(err.Error()) + "."
	} else if next != r.PostFormValue("confirm") {
		errs["confirm"] = "The two passwords are not the same."
	}
	if len(errs) > 0 {
		return showAccount(srv, w, r, v, http.StatusBadRequest, errs)
	}
	hash, err := srv.HashPassword(r, next)
	if err != nil {
		return err
	}
	var token string
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		if err := access.SetPassword(ctx, tx, v.Account.ID, hash); err != nil {
			return err
		}
		// Other browsers signed in with the old password are signed out.
		if _, err := access.DeleteSessionsOf(ctx, tx, v.Account.ID); err != nil {
			return err
		}
		if token, err = srv.NewSession(tx, r, v.Account, v.SignedInWith); err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "password.change", v.Person.ID, "")
	})
	if err != nil {
		return err
	}
	srv.SetCookie(w, r, web.SessionCookie, token)
	web.Redirect(w, r, "/account", "password")
	return nil
}

// SignOutEverywhere ends every session of the account, this one included, then opens a new
// one here: whoever held another session is out, and this browser's id is new.
func SignOutEverywhere(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	var token string
	err := srv.Store().WithTx(ctx, func(tx *store.Store) error {
		if _, err := access.DeleteSessionsOf(ctx, tx, v.Account.ID); err != nil {
			return err
		}
		var err error
		if token, err = srv.NewSession(tx, r, v.Account, v.SignedInWith); err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "sessions.end", v.Person.ID, "signed out everywhere")
	})
	if err != nil {
		return err
	}
	srv.SetCookie(w, r, web.SessionCookie, token)
	web.Redirect(w, r, "/account", "signed-out")
	return nil
}
