// Package sso signs people in through the company's identity provider with OpenID Connect:
// the authorization code flow with PKCE, a state bound to the browser and used once, a
// nonce, and the ID token checked against the provider's published keys (go-oidc fetches
// them again when a token is signed with a key it does not know yet, so the provider can
// rotate its keys). People are matched to the people app's records by verified email.
package sso

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

// Path is where a sign-in through the provider starts; CallbackPath is where the provider
// sends the browser back (the redirect URL registered with it ends so).
const (
	Path         = "/login/sso"
	CallbackPath = "/login/sso/callback"
)

// stateCookie binds a sign-in to the browser that started it: a callback with a state
// another browser started (sent by an attacker, to sign the victim in as the attacker) is
// refused.
const stateCookie = "rungs_sso"

// loginTTL is how long the provider's sign-in may take.
const loginTTL = 10 * time.Minute

// Client signs people in through the configured provider. A nil Client is signing in
// through a provider turned off: its routes answer not found.
type Client struct {
	cfg web.OIDC

	mu       sync.Mutex
	provider *oidc.Provider // discovered on first use, and again after a failure
}

// New returns a client for cfg, or nil when cfg names no issuer.
func New(cfg web.OIDC) (*Client, error) {
	if cfg.Issuer == "" {
		return nil, nil
	}
	if cfg.ClientID == "" {
		return nil, errors.New("sign-in through the identity provider needs a client id")
	}
	if cfg.GroupsClaim == "" {
		cfg.GroupsClaim = "groups"
	}
	return &Client{cfg: cfg}, nil
}

// discover returns the provider's configuration, fetched once from its discovery document.
// Not at start: rungs starts, and passwords work, while the provider is out of reach.
func (c *Client) discover(ctx context.Context) (*oidc.Provider, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider != nil {
		return c.provider, nil
	}
	// The provider keeps the context to fetch its keys later: not the request's, which ends.
	p, err := oidc.NewProvider(context.WithoutCancel(ctx), c.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("identity provider %s: %w", c.cfg.Issuer, err)
	}
	c.provider = p
	return p, nil
}

func (c *Client) oauth(srv *web.Server, r *http.Request, p *oidc.Provider) *oauth2.Config {
	redirect := c.cfg.RedirectURL
	if redirect == "" {
		redirect = srv.Origin(r) + CallbackPath
	}
	return &oauth2.Config{
		ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, RedirectURL: redirect,
		Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email", "profile"},
	}
}

// Start sends the browser to the provider to sign in.
func (c *Client) Start(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	if c == nil {
		return web.ErrNotFound
	}
	ctx := r.Context()
	p, err := c.discover(ctx)
	if err != nil {
		srv.Logf("sign-in through the identity provider: %v", err)
		return web.Errorf(http.StatusBadGateway, "The company sign-in cannot be reached just now. Try again in a moment.")
	}
	nonce, verifier := oauth2.GenerateVerifier(), oauth2.GenerateVerifier()
	state, err := access.CreateOIDCLogin(ctx, srv.Store(), access.OIDCLogin{
		Nonce: nonce, Verifier: verifier, Next: web.SafeNext(r.URL.Query().Get("next")), ExpiresAt: srv.Now().Add(loginTTL),
	})

	if err != nil {
		return err
	}
	srv.SetCookie(w, r, stateCookie, state)
	http.Redirect(w, r, c.oauth(srv, r, p).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusSeeOther)
	return nil
}

// refused is a sign-in the provider vouched for, or tried to, that rungs does not accept.
func refused(msg string) error { return web.Errorf(http.StatusForbidden, msg) }

var errStale = web.Errorf(http.StatusBadRequest, "This sign-in has expired, was finished already, or was started in another browser. Start again from the sign-in page.")

// claims are what rungs reads of the ID token (or of the user info, when the token does not
// carry them).
type claims struct {
	Subject       string `json:"sub"`
	Email         string `json:"email"`
	EmailVerified *bool  `json:"email_verified"`
	Name          string `json:"name"`
}

// Callback finishes a sign-in the provider sends back: it checks the state, exchanges the
// code with the PKCE verifier, verifies the ID token and its nonce, and opens a session for
// the person with that verified email.
func (c *Client) Callback(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	if c == nil {
		return web.ErrNotFound
	}
	ctx := r.Context()
	q := r.URL.Query()
	state := q.Get("state")
	ck, err := r.Cookie(srv.CookieName(r, stateCookie))
	if state == "" || err != nil || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(state)) != 1 {
		return errStale
	}
	srv.ClearCookie(w, r, stateCookie)
	login, err := access.UseOIDCLogin(ctx, srv.Store(), state)
	if errors.Is(err, store.ErrNotFound) {
		return errStale
	}
	if err != nil {
		return err
	}
	if e := q.Get("error"); e != "" {
		// The provider's own refusal (the person cancelled, or may not use this app).
		return refused("The company sign-in did not let you in (" + web.Truncate(e, 60) + "). Try again, or ask your IT team.")
	}
	p, err := c.discover(ctx)
	if err != nil {
		return err
	}
	cfg := c.oauth(srv, r, p)
	tok, err := cfg.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(login.Verifier))
	if err != nil {
		srv.Logf("sign-in through the identity provider: code exchange: %v", err)
		return refused("The company sign-in could not be completed. Start again from the sign-in page.")
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return refused("The company sign-in sent no ID token.")
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: c.cfg.ClientID, Now: srv.Now}).Verify(ctx, raw)
	if err != nil {
		// Never the token itself in the log: only why it was refused.
		srv.Logf("sign-in through the identity provider: ID token refused: %v", err)
		return refused("The company sign-in sent a token rungs cannot accept (expired, for another application, or not signed by the provider). Start again; if it goes on, ask your IT team.")
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(login.Nonce)) != 1 {
		return refused("The company sign-in sent a token for another sign-in. Start again from the sign-in page.")
	}
	var cl claims
	extra := map[string]any{}
	if err := idt.Claims(&cl); err != nil {
		return err
	}
	if err := idt.Claims(&extra); err != nil {
		return err
	}
	if cl.Email == "" {
		// Some providers put the email in the user info only.
		ui, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			srv.Logf("sign-in through the identity provider: user info: %v", err)
			return refused("The company sign-in did not say who you are. Ask your IT team to send the email scope.")
		}
		if ui.Subject != idt.Subject {
			return refused("The company sign-in gave two different people for one sign-in.")
		}
		cl.Email, cl.EmailVerified = ui.Email, &ui.EmailVerified
		if err := ui.Claims(&extra); err != nil {
			return err
		}
	}
	if cl.Email == "" {
		return refused("The company sign-in did not give your email address, which rungs knows you by.")
	}
	if cl.EmailVerified == nil || !*cl.EmailVerified {
		return refused("The company sign-in says your email address " + cl.Email + " is not verified, so rungs cannot tell it is yours. Ask your IT team.")
	}
	return c.signIn(srv, w, r, idt.Subject, cl.Email, groupsOf(extra[c.cfg.GroupsClaim]), login.Next)
}

// groupsOf reads a groups claim: a list of names, or one name.
func groupsOf(v any) []string {
	switch g := v.(type) {
	case string:
		return []string{g}
	case []any:
		var out []string
		for _, x := range g {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// signIn opens a session for the person whose email the provider verified, making their
// account on first use and keeping its role in step with the provider's groups when the
// operator maps a group to admin.
func (c *Client) signIn(srv *web.Server, w http.ResponseWriter, r *http.Request, subject, email string, groups []string, next string) error {
	ctx := r.Context()
	s := srv.Store()
	person, err := s.PersonByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) || (err == nil && person.Status != store.Active) {
		return refused("There is no one with the email address " + email + " in rungs. Ask the people team to add you.")
	}
	if err != nil {
		return err
	}
	role, mapped := policy.RoleFromGroups(c.cfg.AdminGroup, groups)
	var token string
	err = s.WithTx(ctx, func(tx *store.Store) error {
		actor := &policy.Viewer{Person: person}
		acct, err := access.AccountOfPerson(ctx, tx, person.ID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			if !mapped {
				role = store.Member
			}
			if acct, err = access.CreateAccount(ctx, tx, person.ID, auth.NoPassword, role); err != nil {
				return err
			}
			if err := srv.Audit(tx, r, actor, "account.create", person.ID, "from the identity provider, as "+string(role)); err != nil {
				return err
			}
		case err != nil:
			return err
		case mapped && acct.Role != role:
			if err := access.SetRole(ctx, tx, acct.ID, role); err != nil {
				return err
			}
			acct.Role = role
			if err := srv.Audit(tx, r, actor, "account.role", person.ID, "now "+string(role)+", from the identity provider's groups"); err != nil {
				return err
			}
		}
		linked, err := access.OIDCSubject(ctx, tx, acct.ID)
		if err != nil {
			return err
		}
		switch {
		case linked == "":
			if err := access.SetOIDCSubject(ctx, tx, acct.ID, subject); err != nil {
				return err
			}
		case linked != subject:
			// The provider gave this email to someone else than the one who used it before.
			return refused("This rungs account belongs to another identity at the company sign-in. Ask the people team.")
		}
		if token, err = srv.NewSession(tx, r, acct, access.SignedInWithOIDC); err != nil {
			return err
		}
		return srv.Audit(tx, r, actor, "login", person.ID, string(access.SignedInWithOIDC))
	})
	if err != nil {
		return err
	}
	srv.SetCookie(w, r, web.SessionCookie, token)
	http.Redirect(w, r, web.SafeNext(next), http.StatusSeeOther)
	return nil
}

// Name is the button's label: the provider as the operator names it.
func (c *Client) Name() string {
	if c == nil {
		return ""
	}
	if n := strings.TrimSpace(c.cfg.Name); n != "" {
		return n
	}
	return "your company account"
}
