package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

// The pages where people make and revoke API tokens: their own personal tokens, and for the
// people team the service tokens other systems use.

type tokensData struct {
	Personal []access.Token
	Service  []access.Token // for admins only
	Admin    bool
	New      string // a token just made, shown once
	NewName  string
	Form     tokenForm
	Errors   map[string]string
	Now      time.Time
}

type tokenForm struct {
	Name, Scope, Kind, Days string
}

// DefaultTokenDays and MaxTokenDays bound how long a token lasts: a token that never expires
// is one nobody remembers to revoke.
const (
	DefaultTokenDays = 90
	MaxTokenDays     = 366
)

// TokensPage lists the viewer's tokens (and the service tokens, for admins) with the form to
// make one.
func TokensPage(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	return showTokens(srv, w, r, v, http.StatusOK, tokensData{Form: tokenForm{Scope: "read", Kind: "personal", Days: strconv.Itoa(DefaultTokenDays)}})
}

func showTokens(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer, status int, d tokensData) error {
	ctx := r.Context()
	var err error
	if d.Personal, err = access.Tokens(ctx, srv.Store(), v.Account.ID); err != nil {
		return err
	}
	d.Admin = policy.MayManageServiceTokens(v)
	if d.Admin {
		if d.Service, err = access.Tokens(ctx, srv.Store(), 0); err != nil {
			return err
		}
	}
	d.Now = srv.Now()
	srv.Render(w, r, v, status, "tokens", "API tokens", d)
	return nil
}

// CreateToken makes a token and shows it, once.
func CreateToken(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	f := tokenForm{Name: strings.TrimSpace(r.PostFormValue("name")), Scope: r.PostFormValue("scope"), Kind: r.PostFormValue("kind"), Days: strings.TrimSpace(r.PostFormValue("days"))}
	errs := map[string]string{}
	t := access.Token{Name: f.Name, Scope: access.TokenScope(f.Scope), Kind: access.TokenKind(f.Kind), CreatedBy: v.Person.ID}
	if f.Name == "" {
		errs["name"] = "Give the token a name that says where it is used, such as \"HR sync\"."
	} else if p := store.TextProblem(f.Name, access.MaxTokenName); p != "" {
		errs["name"] = "The name " + p + "."
	}
	if t.Scope != access.ReadScope && t.Scope != access.WriteScope {
		errs["scope"] = "Choose read or write."
	}
	switch t.Kind {
	case access.PersonalToken:
		t.AccountID = v.Account.ID
	case access.ServiceToken:
		if !policy.MayManageServiceTokens(v) {
			errs["kind"] = "Only the people team makes service tokens."
		}
	default:
		errs["kind"] = "Choose personal or service."
	}
	days, err := strconv.Atoi(f.Days)
	if err != nil || days < 1 || days > MaxTokenDays {
		errs["days"] = "Give a number of days from 1 to " + strconv.Itoa(MaxTokenDays) + "."
	}
	if len(errs) > 0 {
		return showTokens(srv, w, r, v, http.StatusBadRequest, tokensData{Form: f, Errors: errs})
	}
	t.ExpiresAt = srv.Now().Add(time.Duration(days) * 24 * time.Hour)
	ctx := r.Context()
	var secret string
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		var created access.Token
		var err error
		if secret, created, err = access.CreateToken(ctx, tx, t); err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "token.create", v.Person.ID, "token "+strconv.FormatInt(created.ID, 10)+" ("+created.Name+"): "+string(created.Kind)+", "+string(created.Scope))
	})
	if err != nil {
		return err
	}
	return showTokens(srv, w, r, v, http.StatusOK, tokensData{New: secret, NewName: t.Name,
		Form: tokenForm{Scope: "read", Kind: "personal", Days: strconv.Itoa(DefaultTokenDays)}})
}

// RevokeToken ends a token: one's own, or a service token for the people team.
func RevokeToken(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	id, err := strconv.ParseInt(r.PathValue("token"), 10, 64)
	if err != nil || id <= 0 {
		return web.ErrNotFound
	}
	ctx := r.Context()
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		t, err := access.TokenByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if !policy.MayRevokeToken(v, t.Kind, t.AccountID) {
			return store.ErrNotFound // someone else's: as if there were none
		}
		if err := access.RevokeToken(ctx, tx, id); err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "token.revoke", v.Person.ID, "token "+strconv.FormatInt(id, 10)+" ("+t.Name+")")
	})
	if errors.Is(err, store.ErrNotFound) {
		return web.ErrNotFound
	}
	if err != nil {
		return err
	}
	web.Redirect(w, r, "/account/tokens", "token-revoked")
	return nil
}
