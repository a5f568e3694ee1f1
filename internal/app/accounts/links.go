package accounts

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

// Sign-in links are one-time links: the first admin's setup link printed by serve, and the
// links an admin makes for someone to set (or reset) their password.

// SignInLinkTTL is how long a link an admin makes for someone stays valid.
const SignInLinkTTL = 7 * 24 * time.Hour

type setupData struct {
	Setup  bool         // creating the first admin, not setting a known person's password
	Person store.Person // for a sign-in link
	Name   string
	Email  string
	Errors map[string]string
}

// SetupPage shows the form of a one-time link: the first admin's, or a person's sign-in link.
func SetupPage(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	link, err := srv.Store().LinkByToken(r.Context(), r.PathValue("token"))
	if errors.Is(err, store.ErrNotFound) {
		return errLinkUsed
	}
	if err != nil {
		return err
	}
	d := setupData{Setup: link.Purpose == store.SetupLink}
	if d.Setup {
		if n, err := access.CountAccounts(r.Context(), srv.Store()); err != nil {
			return err
		} else if n > 0 {
			return errLinkUsed
		}
	} else {
		if d.Person, err = srv.Store().Person(r.Context(), link.PersonID); err != nil {
			return err
		}
	}
	srv.Render(w, r, v, http.StatusOK, "setup", "Set your password", d)
	return nil
}

// Setup uses a one-time link: it sets the password (and makes the first admin), then
// signs the person in. Someone already signed in who uses another person's link (an admin
// who made it and sets the password for them) stays signed in as themselves, and the audit
// log names them as the one who set it.
func Setup(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	d := setupData{Name: strings.TrimSpace(r.PostFormValue("name")), Email: strings.TrimSpace(r.PostFormValue("email")), Errors: map[string]string{}}
	password := r.PostFormValue("password")
	var acct access.Account
	var token string
	var twoFactor bool
	err := srv.Store().WithTx(ctx, func(tx *store.Store) error {
		var err error
		if acct, err = useLink(srv, tx, r, v, password, &d); err != nil {
			return err
		}
		if v != nil && v.Person.ID != acct.PersonID {
			return nil // the viewer keeps their own session
		}
		// A link sets a password, never the second factor: with two-factor on, the person
		// signs in with both, so that a link passed on to someone else is not enough.
		if twoFactor, err = hasTwoFactor(ctx, tx, acct.ID); err != nil || twoFactor {
			return err
		}
		token, err = srv.NewSession(tx, r, acct, access.SignedInWithPassword)
		return err
	})
	switch {
	case errors.Is(err, web.ErrInvalid):
		srv.Render(w, r, v, http.StatusBadRequest, "setup", "Set your password", d)
		return nil
	case errors.Is(err, store.ErrNotFound):
		return errLinkUsed
	case errors.Is(err, store.ErrConflict):
		d.Errors["email"] = "Someone already has this email address."
		srv.Render(w, r, v, http.StatusBadRequest, "setup", "Set your password", d)
		return nil
	case err != nil:
		return err
	}
	if twoFactor {
		web.Redirect(w, r, "/login", "password-set-2fa")
		return nil
	}
	if token == "" {
		web.Redirect(w, r, "/people/"+web.Itoa(acct.PersonID), "password-set")
		return nil
	}
	srv.SetCookie(w, r, web.SessionCookie, token)
	// Their home says what to do first: for the first admin, the setup checklist.
	http.Redirect(w, r, "/home", http.StatusSeeOther)
	return nil
}

// useLink uses the link of the request's path through tx and sets the password it is for:
// the first admin's, with their account, for a setup link; the person's for a sign-in link,
// creating their account if they have none. v is who is signed in, if anyone; d is the form,
// whose errors roll tx back.
func useLink(srv *web.Server, tx *store.Store, r *http.Request, v *policy.Viewer, password string, d *setupData) (access.Account, error) {
	ctx := r.Context()
	link, err := tx.UseLink(ctx, r.PathValue("token"))
	if err != nil {
		return access.Account{}, err
	}
	d.Setup = link.Purpose == store.SetupLink
	if !d.Setup && !policy.PasswordsAllowed(srv.Settings()) {
		return access.Account{}, errPasswordsOff
	}
	if d.Setup {
		// Every start of serve with no account yet prints a setup link; once one has made
		// the first admin, the others are worth nothing.
		if n, err := access.CountAccounts(ctx, tx); err != nil {
			return access.Account{}, err
		} else if n > 0 {
			return access.Account{}, store.ErrNotFound
		}
		if d.Name == "" {
			d.Errors["name"] = "Give your name."
		} else if p := store.TextProblem(d.Name, store.MaxName); p != "" {
			d.Errors["name"] = "The name " + p + "."
		}
		if !store.ValidEmail(d.Email) {
			d.Errors["email"] = "Give your work email address."
		}
	} else if d.Person, err = tx.Person(ctx, link.PersonID); err != nil {
		return access.Account{}, err
	} else if d.Person.Status != store.Active {
		return access.Account{}, store.ErrNotFound // someone who has left: the link is void
	}
	name, email := d.Name, d.Email
	if !d.Setup {
		name, email = d.Person.Name, d.Person.Email
	}
	if err := auth.Check(password, name, email); err != nil {
		d.Errors["password"] = web.Capitalise(err.Error()) + "."
	} else if password != r.PostFormValue("confirm") {
		d.Errors["confirm"] = "The two passwords are not the same."
	}
	if len(d.Errors) > 0 {
		return access.Account{}, web.ErrInvalid // rolls back, so the link stays unused
	}
	hash, err := srv.HashPassword(r, password)
	if err != nil {
		return access.Account{}, err
	}
	if d.Setup {
		p, err := tx.CreatePerson(ctx, store.Person{Name: d.Name, Email: d.Email, StartDate: srv.Now()})
		if err != nil {
			return access.Account{}, err
		}
		acct, err := access.CreateAccount(ctx, tx, p.ID, hash, store.Admin)
		if err != nil {
			return access.Account{}, err
		}
		return acct, srv.Audit(tx, r, &policy.Viewer{Person: p}, "account.create", p.ID, "first admin, from the setup link")
	}
	// Whoever is signed in and uses the link acts; else it is the person themselves.
	actor, how := &policy.Viewer{Person: d.Person}, "from a sign-in link"
	if v != nil && v.Person.ID != d.Person.ID {
		actor, how = v, "from a sign-in link, used by "+v.Person.Email
	}
	acct, err := access.AccountOfPerson(ctx, tx, link.PersonID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if acct, err = access.CreateAccount(ctx, tx, link.PersonID, hash, link.Role); err != nil {
			return access.Account{}, err
		}
		return acct, srv.Audit(tx, r, actor, "account.create", d.Person.ID, how)
	case err != nil:
		return access.Account{}, err
	}
	if err := access.SetPassword(ctx, tx, acct.ID, hash); err != nil {
		return access.Account{}, err
	}
	// A new password ends every session the old one opened.
	if _, err := access.DeleteSessionsOf(ctx, tx, acct.ID); err != nil {
		return access.Account{}, err
	}
	return acct, srv.Audit(tx, r, actor, "password.reset", d.Person.ID, how)
}

var errLinkUsed = web.Errorf(http.StatusNotFound, "This link has been used already or has expired. Ask the people team for a new one.")

type signInLinkData struct {
	Person store.Person
	URL    string
	Until  time.Time
}

// SignInLink makes a one-time link for the person to set their password: their first, or a
// new one when they have forgotten it. It is shown once to the admin, who passes it on.
func SignInLink(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	if !policy.PasswordsAllowed(srv.Settings()) {
		return web.Errorf(http.StatusBadRequest, "Passwords are turned off here: people sign in with their company account, and need no link.")
	}
	ctx := r.Context()
	id, _ := web.PathID(r)
	var d signInLinkData
	err := srv.Store().WithTx(ctx, func(tx *store.Store) error {
		p, err := tx.Person(ctx, id)
		if err != nil {
			return err
		}
		if p.Status != store.Active {
			return web.Errorf(http.StatusBadRequest, p.Name+" has left: they cannot sign in.")
		}
		d.Person, d.Until = p, srv.Now().Add(SignInLinkTTL)
		token, _, err := tx.CreateLink(ctx, store.Link{Purpose: store.InviteLink, PersonID: id, Role: store.Member, CreatedBy: v.Person.ID, ExpiresAt: d.Until})
		if err != nil {
			return err
		}
		d.URL = srv.Origin(r) + "/setup/" + token
		return srv.Audit(tx, r, v, "link.create", id, "sign-in link")
	})
	if errors.Is(err, store.ErrNotFound) {
		return web.ErrNotFound
	}
	if err != nil {
		return err
	}
	srv.Render(w, r, v, http.StatusOK, "signinlink", "Sign-in link", d)
	return nil
}
