// Package web is what every page of the people app shares: the server's configuration and
// services, sessions and CSRF tokens, rendering with the one layout, errors as pages, and
// the framework's levels as forms and pages show them. The pages themselves live in the
// feature packages beside it (accounts, people, rollout, audit); the route table and the
// policy that guards it are in packages app and policy.
package web

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
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

// Handler serves a request the route's rule allowed. v is nil only on routes open to anyone.
type Handler func(srv *Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error

// Server holds what the app's pages share.
type Server struct {
	cfg       Config
	framework atomic.Pointer[ladder.Framework]
	pages     *pages
	// dummyHash is checked against when no account has the email given, so that a sign-in
	// takes as long whether or not the account exists. Made at the first sign-in, not at
	// start: a hash costs 64 MB and a good part of a second.
	dummyHash func() string
}

// New returns the pages' server with cfg's defaults filled in; f is the framework people are
// levelled on, nil when there is none yet.
func New(cfg Config, f *ladder.Framework) (*Server, error) {
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
	srv := &Server{cfg: cfg, pages: p}
	if f == nil {
		// Until serve has a framework without errors, levels are shown by id and none can
		// be chosen.
		f = &ladder.Framework{Title: "rungs"}
	}
	srv.framework.Store(f)
	srv.dummyHash = sync.OnceValue(func() string {
		h, err := srv.HashPassword("not a password anyone has: " + RandomToken())
		if err != nil {
			panic(err)
		}
		return h
	})
	return srv, nil
}

// Config is the configuration the server runs with, defaults filled in.
func (srv *Server) Config() Config { return srv.cfg }

// Store is the app's database.
func (srv *Server) Store() *store.Store { return srv.cfg.Store }

// Now is the app's clock.
func (srv *Server) Now() time.Time { return srv.cfg.Now() }

// Framework returns the framework in use.
func (srv *Server) Framework() *ladder.Framework { return srv.framework.Load() }

// SetFramework replaces the framework levels are checked against.
func (srv *Server) SetFramework(f *ladder.Framework) {
	if f != nil {
		srv.framework.Store(f)
	}
}

// HashPassword hashes a new password with the app's settings.
func (srv *Server) HashPassword(password string) (string, error) {
	return srv.cfg.Passwords.Hash(password)
}

// DummyHash is a hash of no one's password, to check against when an account is unknown.
func (srv *Server) DummyHash() string { return srv.dummyHash() }

// ClientAddress is the address throttling and the audit log record.
func (srv *Server) ClientAddress(r *http.Request) string {
	if srv.cfg.TrustProxy {
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

// Secure reports whether the browser reached us over TLS, so cookies must be Secure.
func (srv *Server) Secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return srv.cfg.TrustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// Origin is the scheme and host the browser reached the app at, for links shown to be
// sent on (sign-in links). Behind a trusted proxy that is what the proxy says it was.
func (srv *Server) Origin(r *http.Request) string {
	scheme, host := "http", r.Host
	if srv.Secure(r) {
		scheme = "https"
	}
	if fwd := r.Header.Get("X-Forwarded-Host"); srv.cfg.TrustProxy && fwd != "" {
		// The last value, as for X-Forwarded-For: the one our proxy added.
		parts := strings.Split(fwd, ",")
		host = strings.TrimSpace(parts[len(parts)-1])
	}
	return scheme + "://" + host
}

// Logf records an unexpected error for the operator.
func (srv *Server) Logf(format string, args ...any) {
	fmt.Fprintf(srv.cfg.Log, "rungs: "+format+"\n", args...)
}

// Audit records what a viewer did, through s: the transaction of the change itself, so a
// change the log does not know of cannot happen, or the app's store for a read or a login.
func (srv *Server) Audit(s *store.Store, r *http.Request, v *policy.Viewer, action string, subject int64, detail string) error {
	var actor int64
	if v != nil {
		actor = v.Person.ID
	}
	_, err := s.AddAudit(r.Context(), store.AuditEntry{
		Actor: actor, Action: action, Subject: subject, Detail: detail, Address: srv.ClientAddress(r),
	})
	return err
}
