package app

import (
	"net/http"

	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/store"
)

type accountData struct {
	Sessions []store.Session
	Errors   map[string]string
}

func accountPage(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	return a.showAccount(w, r, v, http.StatusOK, nil)
}

func (a *App) showAccount(w http.ResponseWriter, r *http.Request, v *Viewer, status int, errs map[string]string) error {
	sessions, err := a.cfg.Store.Sessions(r.Context(), v.Account.ID)
	if err != nil {
		return err
	}
	a.render(w, r, v, status, "account", "Your account", accountData{Sessions: sessions, Errors: errs})
	return nil
}

func changePassword(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	ctx := r.Context()
	errs := map[string]string{}
	current, next := r.PostFormValue("current"), r.PostFormValue("password")
	// The current password is a password guess like a sign-in's, throttled and recorded alike,
	// so that someone at an unlocked browser cannot try one password after another here.
	g := a.startGuess(r, v.Person.Email)
	defer g.done()
	if limited, err := g.throttled(ctx, v.Person.ID); err != nil {
		return err
	} else if limited {
		errs["current"] = "Too many wrong passwords. Wait a while and try again."
		return a.showAccount(w, r, v, http.StatusTooManyRequests, errs)
	}
	if ok, err := auth.Verify(current, v.Account.PasswordHash); err != nil {
		return err
	} else if !ok {
		if err := g.failed(v.Person.ID); err != nil {
			return err
		}
		errs["current"] = "This is not your current password."
	}
	if err := auth.Check(next); err != nil {
		errs["password"] = capitalise(err.Error()) + "."
	} else if next != r.PostFormValue("confirm") {
		errs["confirm"] = "The two passwords are not the same."
	}
	if len(errs) > 0 {
		return a.showAccount(w, r, v, http.StatusBadRequest, errs)
	}
	hash, err := a.hashPassword(next)
	if err != nil {
		return err
	}
	var token string
	err = a.cfg.Store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.SetPassword(ctx, v.Account.ID, hash); err != nil {
			return err
		}
		// Other browsers signed in with the old password are signed out.
		if _, err := tx.DeleteSessionsOf(ctx, v.Account.ID); err != nil {
			return err
		}
		if token, err = a.newSession(tx, r, v.Account); err != nil {
			return err
		}
		return a.audit(tx, r, v, "password.change", v.Person.ID, "")
	})
	if err != nil {
		return err
	}
	a.setCookie(w, r, sessionCookie, token)
	redirect(w, r, "/account", "password")
	return nil
}

// signOutEverywhere ends every session of the account, this one included, then opens a new
// one here: whoever held another session is out, and this browser's id is new.
func signOutEverywhere(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	ctx := r.Context()
	var token string
	err := a.cfg.Store.WithTx(ctx, func(tx *store.Store) error {
		if _, err := tx.DeleteSessionsOf(ctx, v.Account.ID); err != nil {
			return err
		}
		var err error
		if token, err = a.newSession(tx, r, v.Account); err != nil {
			return err
		}
		return a.audit(tx, r, v, "sessions.end", v.Person.ID, "signed out everywhere")
	})
	if err != nil {
		return err
	}
	a.setCookie(w, r, sessionCookie, token)
	redirect(w, r, "/account", "signed-out")
	return nil
}
