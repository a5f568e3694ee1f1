// Package app is the people app: accounts, people and their levels, the rollout of a ladder and
// the audit log, served beside the published ladder by `rungs serve --data` or `--db`.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/store"
)

// Config is everything the app needs; New checks it.
type Config struct {
	Store *store.Store
	// Site serves the published ladder: every path that is not one of the app's.
	Site http.Handler
	// Private makes the ladder pages require signing in too.
	Private bool
	// TrustProxy takes the client's address from X-Forwarded-For, TLS from X-Forwarded-Proto
	// and the host from X-Forwarded-Host, for rungs behind a load balancer that sets them. Without a proxy
	// they would let anyone pick the address that throttling and the audit log see.
	TrustProxy bool
	// SessionIdle is how long a session lasts without use; 0 means DefaultSessionIdle.
	SessionIdle time.Duration
	// Log receives one line per unexpected error; nil discards them.
	Log io.Writer
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Passwords are the argon2id settings new password hashes get. Zero, as rungs serve
	// leaves it, means auth.DefaultParams. Only tests set it, to cheap settings: a real hash
	// costs 64 MiB and a good part of a second, many times over under the race detector.
	Passwords auth.Params
}

// DefaultSessionIdle is how long a session stays open without a request: a working day.
const DefaultSessionIdle = 12 * time.Hour

// SessionMaxAge is how long a session lasts at most, however much it is used: a week after
// signing in, the password is asked for again.
const SessionMaxAge = 7 * 24 * time.Hour

// Login throttling: this many failures within throttleWindow refuse further tries for an
// account, or from one address, until older failures leave the window.
const (
	throttleWindow     = 15 * time.Minute
	maxAccountFailures = 5
	maxAddressFailures = 20
)

// App is the people app's HTTP handler.
type App struct {
	cfg       Config
	framework atomic.Pointer[ladder.Framework]
	mux       *http.ServeMux
	pages     *pages
	csrfGuard *http.CrossOriginProtection
	// dummyHash is checked against when no account has the email given, so that a sign-in
	// takes as long whether or not the account exists. Made at the first sign-in, not at
	// start: a hash costs 64 MB and a good part of a second.
	dummyHash func() string
}

// New returns the app, serving cfg.Site for everything that is not an app page; f is the
// framework people are levelled on, nil when there is none yet.
func New(cfg Config, f *ladder.Framework) (*App, error) {
	if cfg.Store == nil || cfg.Site == nil {
		return nil, errors.New("app: a store and a site are needed")
	}
	if f == nil {
		// Until serve has a framework without errors, levels are shown by id and none can
		// be chosen.
		f = &ladder.Framework{Title: "rungs"}
	}
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = DefaultSessionIdle
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.Passwords == (auth.Params{}) {
		cfg.Passwords = auth.DefaultParams()
	}
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, pages: p, csrfGuard: http.NewCrossOriginProtection()}
	a.dummyHash = sync.OnceValue(func() string {
		h, err := a.hashPassword("not a password anyone has: " + randomToken())
		if err != nil {
			panic(err)
		}
		return h
	})
	a.framework.Store(f)
	a.mux = a.routes()
	return a, nil
}

// SetFramework replaces the framework the app checks levels against, as serve does when the
// files change.
func (a *App) SetFramework(f *ladder.Framework) {
	if f != nil {
		a.framework.Store(f)
	}
}

// Framework returns the framework in use.
func (a *App) Framework() *ladder.Framework { return a.framework.Load() }

// ServeHTTP adds the security headers every response carries and dispatches to a route.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	if a.secure(r) {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	a.mux.ServeHTTP(w, r)
}

// Setup returns a one-time link path that creates the first admin, valid for ttl, when the
// database has no account yet; "" when it has one.
func (a *App) Setup(ctx context.Context, ttl time.Duration) (string, error) {
	n, err := a.cfg.Store.CountAccounts(ctx)
	if err != nil {
		return "", err
	}
	if n > 0 {
		return "", nil
	}
	token, _, err := a.cfg.Store.CreateLink(ctx, store.Link{
		Purpose: store.SetupLink, Role: store.Admin, ExpiresAt: a.cfg.Now().Add(ttl),
	})
	if err != nil {
		return "", fmt.Errorf("create setup link: %w", err)
	}
	return "/setup/" + token, nil
}

// hashPassword hashes a new password with the app's settings.
func (a *App) hashPassword(password string) (string, error) { return a.cfg.Passwords.Hash(password) }

// clientAddress is the address throttling and the audit log record.
func (a *App) clientAddress(r *http.Request) string {
	if a.cfg.TrustProxy {
		// The last hop is the one our proxy added; earlier ones the client could forge.
		if fwd := r.Header.Get("X-Forwarded-For"); fwd != "" {
			parts := strings.Split(fwd, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// secure reports whether the browser reached us over TLS, so cookies must be Secure.
func (a *App) secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return a.cfg.TrustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// origin is the scheme and host the browser reached the app at, for links shown to be
// sent on (sign-in links). Behind a trusted proxy that is what the proxy says it was.
func (a *App) origin(r *http.Request) string {
	scheme, host := "http", r.Host
	if a.secure(r) {
		scheme = "https"
	}
	if fwd := r.Header.Get("X-Forwarded-Host"); a.cfg.TrustProxy && fwd != "" {
		// The last value, as for X-Forwarded-For: the one our proxy added.
		parts := strings.Split(fwd, ",")
		host = strings.TrimSpace(parts[len(parts)-1])
	}
	return scheme + "://" + host
}

// logf records an unexpected error for the operator.
func (a *App) logf(format string, args ...any) {
	fmt.Fprintf(a.cfg.Log, "rungs: "+format+"\n", args...)
}
