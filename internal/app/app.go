// Package app is the people app: accounts, people and their levels, the rollout of a ladder and
// the audit log, served beside the published ladder by `rungs serve --data` or `--db`.
//
// It holds the one route table (routes.go), which names for every route the rule of package
// policy that guards it. The pages are in the feature packages below it (accounts, people,
// rollout, audit), on what package web gives them all.
package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/rungs/rungs/internal/app/sso"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

// Config is everything the app needs; New checks it.
type Config = web.Config

// OIDC configures sign-in through the company's identity provider.
type OIDC = web.OIDC

// DefaultSessionIdle is how long a session stays open without a request.
const DefaultSessionIdle = web.DefaultSessionIdle

// DefaultSessionMaxAge is how long a session lasts at most, however much it is used.
const DefaultSessionMaxAge = web.DefaultSessionMaxAge

// App is the people app's HTTP handler.
type App struct {
	srv       *web.Server
	sso       *sso.Client // nil without an identity provider
	mux       *http.ServeMux
	csrfGuard *http.CrossOriginProtection
	reads     turns
}

// New returns the app, serving cfg.Site for everything that is not an app page; f is the
// framework people are levelled on, nil when there is none yet.
func New(cfg Config, f *ladder.Framework) (*App, error) {
	if cfg.Store == nil || cfg.Site == nil {
		return nil, errors.New("app: a store and a site are needed")
	}
	srv, err := web.New(cfg, f)
	if err != nil {
		return nil, err
	}
	sign, err := sso.New(cfg.OIDC)
	if err != nil {
		return nil, err
	}
	a := &App{srv: srv, sso: sign, csrfGuard: http.NewCrossOriginProtection(), reads: newTurns(defaultTurns())}
	a.mux = a.routes()
	return a, nil
}

// SetFramework replaces the framework the app checks levels against, as serve does when the
// files change.
func (a *App) SetFramework(f *ladder.Framework) { a.srv.SetFramework(f) }

// Framework returns the framework in use.
func (a *App) Framework() *ladder.Framework { return a.srv.Framework() }

// StopJobs waits until ctx ends for work running in the background (a web import), then
// cancels what still runs, and returns when all of it has stopped.
func (a *App) StopJobs(ctx context.Context) error { return a.srv.StopJobs(ctx) }

// Hasher is the pool the app hashes and checks passwords in.
func (a *App) Hasher() *auth.Hasher { return a.srv.Hasher() }

// ServeHTTP adds the security headers every response carries and dispatches to a route. The
// Content-Security-Policy set here is the app's, which allows only the app's own script
// files; the published site's pages replace it with the site's (package site), which allows
// the site's own scripts.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", web.ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if a.srv.Secure(r) {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	a.mux.ServeHTTP(w, r)
}

// Setup returns a one-time link path that creates the first admin, valid for ttl, when the
// database has no account yet; "" when it has one.
func (a *App) Setup(ctx context.Context, ttl time.Duration) (string, error) {
	s := a.srv.Store()
	n, err := access.CountAccounts(ctx, s)
	if err != nil {
		return "", err
	}
	if n > 0 {
		return "", nil
	}
	token, _, err := s.CreateLink(ctx, store.Link{
		Purpose: store.SetupLink, Role: store.Admin, ExpiresAt: a.srv.Now().Add(ttl),
	})
	if err != nil {
		return "", fmt.Errorf("create setup link: %w", err)
	}
	return "/setup/" + token, nil
}
