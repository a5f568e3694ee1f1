package accounts

import (
	"context"
	"errors"
	"html/template"
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

// Two-factor sign-in for password accounts: an authenticator app's codes (TOTP), with
// recovery codes for a lost phone. A person turns it on from their account page; the
// operator can require it of the people team (serve --admin-two-factor), and an admin can
// reset a person's when they have lost both phone and codes.

// errWrongCode rolls back a transaction whose second factor was wrong.
var errWrongCode = errors.New("wrong two-factor code")

// checkSecondFactor checks a code typed for the account, through tx, and uses it up: a
// recovery code once, an authenticator code once in its window. It returns how a session it
// opens was signed in, or errWrongCode.
func checkSecondFactor(ctx context.Context, tx *store.Store, now time.Time, accountID int64, typed string) (access.SignInMethod, error) {
	if auth.LooksLikeRecoveryCode(typed) {
		ok, err := access.UseRecoveryCode(ctx, tx, accountID, auth.NormalRecoveryCode(typed))
		if err != nil {
			return "", err
		}
		if !ok {
			return "", errWrongCode
		}
		return access.SignedInWithRecoveryCode, nil
	}
	t, err := access.TOTPOf(ctx, tx, accountID)
	if errors.Is(err, store.ErrNotFound) {
		return "", errWrongCode
	}
	if err != nil {
		return "", err
	}
	step, ok := auth.MatchTOTP(t.Secret, typed, now)
	if !ok || !t.Enabled() {
		return "", errWrongCode
	}
	if fresh, err := access.UseTOTPStep(ctx, tx, accountID, step); err != nil {
		return "", err
	} else if !fresh {
		return "", errWrongCode // replayed: this code, or a later one, was used already
	}
	return access.SignedInWithTOTP, nil
}

type twoFactorData struct {
	Enabled    bool
	Pending    bool
	QR         template.HTML
	Secret     string
	CodesLeft  int
	Codes      []string // new recovery codes, shown once
	Required   bool     // the operator requires it of this viewer
	MayTurnOff bool
	Errors     map[string]string
}

// TwoFactorPage shows the viewer's two-factor sign-in: how to turn it on (with the QR code
// of a secret waiting for its first code), or how many recovery codes are left.
func TwoFactorPage(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	return showTwoFactor(srv, w, r, v, http.StatusOK, twoFactorData{})
}

func showTwoFactor(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer, status int, d twoFactorData) error {
	ctx := r.Context()
	s := srv.Store()
	t, err := access.TOTPOf(ctx, s, v.Account.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	d.Enabled, d.Pending = err == nil && t.Enabled(), err == nil && !t.Enabled()
	d.Required = srv.Settings().AdminsNeedSecondFactor && v.Admin()
	d.MayTurnOff = policy.MayTurnOffSecondFactor(srv.Settings(), v)
	if d.Pending {
		d.Secret = t.Secret
		if d.QR, err = auth.QRCodeSVG(auth.TOTPURL(issuer(srv), v.Person.Email, t.Secret)); err != nil {
			return err
		}
	}
	if d.Enabled {
		if d.CodesLeft, err = access.RecoveryCodesLeft(ctx, s, v.Account.ID); err != nil {
			return err
		}
	}
	srv.Render(w, r, v, status, "twofactor", "Two-factor sign-in", d)
	return nil
}

// issuer is the name the authenticator app lists the account under.
func issuer(srv *web.Server) string {
	if t := strings.TrimSpace(srv.Framework().Title); t != "" {
		return t
	}
	return "rungs"
}

// StartTwoFactor makes a new secret for the viewer, waiting for its first code.
func StartTwoFactor(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	key, err := auth.NewTOTPKey(issuer(srv), v.Person.Email)
	if err != nil {
		return err
	}
	err = access.StartTOTP(r.Context(), srv.Store(), v.Account.ID, key.Secret)
	if err != nil && !errors.Is(err, store.ErrConflict) { // on already: the page says so
		return err
	}
	http.Redirect(w, r, "/account/two-factor", http.StatusSeeOther)
	return nil
}

// ConfirmTwoFactor turns two-factor on with the first code from the app, shows the recovery
// codes once, and signs the viewer's other sessions out: they were opened with a password
// alone. This browser gets a new session, opened with both.
func ConfirmTwoFactor(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	s := srv.Store()
	t, err := access.TOTPOf(ctx, s, v.Account.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && t.Enabled()) {
		http.Redirect(w, r, "/account/two-factor", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	code := strings.TrimSpace(r.PostFormValue("code"))
	step, ok := auth.MatchTOTP(t.Secret, code, srv.Now())
	if !ok {
		msg := "This is not the code your app shows now. Check that the app has scanned this page's QR code, and that the phone's clock is right."
		if code == "" {
			msg = "Give the six-digit code your app shows."
		}
		return showTwoFactor(srv, w, r, v, http.StatusBadRequest, twoFactorData{Errors: map[string]string{"code": msg}})
	}
	codes := auth.NewRecoveryCodes()
	var token string
	err = s.WithTx(ctx, func(tx *store.Store) error {
		if err := access.ConfirmTOTP(ctx, tx, v.Account.ID, step, codes); err != nil {
			return err
		}
		if _, err := access.DeleteSessionsOf(ctx, tx, v.Account.ID); err != nil {
			return err
		}
		if token, err = srv.NewSession(tx, r, v.Account, access.SignedInWithTOTP); err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "two-factor.on", v.Person.ID, "")
	})
	if err != nil {
		return err
	}
	srv.SetCookie(w, r, web.SessionCookie, token)
	v.SignedInWith = access.SignedInWithTOTP
	return showTwoFactor(srv, w, r, v, http.StatusOK, twoFactorData{Codes: codes})
}

// codeChecked checks the code of a form that changes two-factor itself (new recovery codes,
// turning it off), throttled like a sign-in's, then runs change in the same transaction. It
// reports false when it has answered already: a wait, or a wrong code.
func codeChecked(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer, change func(tx *store.Store) error) (bool, error) {
	ctx := r.Context()
	code := strings.TrimSpace(r.PostFormValue("code"))
	if code == "" {
		return false, showTwoFactor(srv, w, r, v, http.StatusBadRequest, twoFactorData{Errors: map[string]string{"code": "Give a code from your app, or a recovery code."}})
	}
	g := startGuess(srv, r, guessCode, v.Person.Email, v.Person.ID)
	defer g.done()
	if wait, err := g.wait(ctx); err != nil {
		return false, err
	} else if wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter(wait)))
		return false, showTwoFactor(srv, w, r, v, http.StatusTooManyRequests, twoFactorData{Errors: map[string]string{"code": "Too many wrong codes. Wait " + waitText(wait) + " and try again."}})
	}
	err := srv.Store().WithTx(ctx, func(tx *store.Store) error {
		if _, err := checkSecondFactor(ctx, tx, srv.Now(), v.Account.ID, code); err != nil {
			return err
		}
		return change(tx)
	})
	if errors.Is(err, errWrongCode) {
		if err := g.failed(); err != nil {
			return false, err
		}
		return false, showTwoFactor(srv, w, r, v, http.StatusBadRequest, twoFactorData{Errors: map[string]string{"code": "That code is not right, or has been used already."}})
	}
	return err == nil, err
}

// NewRecoveryCodes replaces the viewer's recovery codes, shown once; the old ones stop working.
func NewRecoveryCodes(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	codes := auth.NewRecoveryCodes()
	ok, err := codeChecked(srv, w, r, v, func(tx *store.Store) error {
		if err := access.ReplaceRecoveryCodes(ctx, tx, v.Account.ID, codes); err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "two-factor.recovery-codes", v.Person.ID, "")
	})
	if !ok || err != nil {
		return err
	}
	return showTwoFactor(srv, w, r, v, http.StatusOK, twoFactorData{Codes: codes})
}

// TurnOffTwoFactor removes the viewer's secret and recovery codes, with a code to show it is
// them; not for an admin when the operator requires two-factor of admins.
func TurnOffTwoFactor(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	if !policy.MayTurnOffSecondFactor(srv.Settings(), v) {
		return web.Errorf(http.StatusForbidden, "Two-factor sign-in is required for the people team here: it cannot be turned off.")
	}
	ctx := r.Context()
	ok, err := codeChecked(srv, w, r, v, func(tx *store.Store) error {
		if removed, err := access.DeleteTOTP(ctx, tx, v.Account.ID); err != nil {
			return err
		} else if !removed {
			return errWrongCode
		}
		return srv.Audit(tx, r, v, "two-factor.off", v.Person.ID, "")
	})
	if !ok || err != nil {
		return err
	}
	web.Redirect(w, r, "/account/two-factor", "two-factor-off")
	return nil
}

// ResetTwoFactor turns a person's two-factor off, for someone who has lost both their phone
// and their recovery codes: they sign in with their password and can turn it on again.
func ResetTwoFactor(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	id, _ := web.PathID(r)
	err := srv.Store().WithTx(ctx, func(tx *store.Store) error {
		p, err := tx.Person(ctx, id)
		if err != nil {
			return err
		}
		acct, err := access.AccountOfPerson(ctx, tx, id)
		if errors.Is(err, store.ErrNotFound) {
			return web.Errorf(http.StatusBadRequest, p.Name+" has no account, so no two-factor sign-in to reset.")
		}
		if err != nil {
			return err
		}
		if removed, err := access.DeleteTOTP(ctx, tx, acct.ID); err != nil {
			return err
		} else if !removed {
			return web.Errorf(http.StatusBadRequest, p.Name+" has not turned two-factor sign-in on: there is nothing to reset.")
		}
		return srv.Audit(tx, r, v, "two-factor.reset", id, "")
	})
	if errors.Is(err, store.ErrNotFound) {
		return web.ErrNotFound
	}
	if err != nil {
		return err
	}
	web.Redirect(w, r, "/people/"+web.Itoa(id), "two-factor-reset")
	return nil
}
