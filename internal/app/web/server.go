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
	"sync/atomic"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/obs"
	"github.com/rungs/rungs/internal/proxy"
	"github.com/rungs/rungs/internal/store"
)

// Config is everything the app needs; New checks it.
type Config struct {
	Store *store.Store
	// Site serves the published ladder: every path that is not one of the app's.
	Site http.Handler
	// Private makes the ladder pages require signing in too.
	Private bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For, X-Forwarded-Proto and
	// X-Forwarded-Host are believed, for rungs behind a load balancer. The zero value
	// believes no one: from anyone else those headers would let a client pick the address
	// that throttling and the audit log see.
	TrustedProxies proxy.Trust
	// SessionIdle is how long a session lasts without use; 0 means DefaultSessionIdle.
	SessionIdle time.Duration
	// SessionMaxAge is how long a session lasts at most, however much it is used; 0 means
	// DefaultSessionMaxAge.
	SessionMaxAge time.Duration
	// Log receives one line per unexpected error; nil discards them.
	Log io.Writer
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Passwords are the argon2id settings new password hashes get. Zero, as rungs serve
	// leaves it, means auth.DefaultParams. Only tests set it, to cheap settings: a real hash
	// costs 64 MiB and a good part of a second, many times over under the race detector.
	Passwords auth.Params
	// MaxImportFile is the largest CSV file an import takes, in bytes; 0 means
	// DefaultMaxImportFile. Tests lower it, to send the largest file quickly.
	MaxImportFile int64
	// AdminsNeedSecondFactor makes the people team sign in with a second factor (package
	// policy decides what that allows).
	AdminsNeedSecondFactor bool
	// OIDC is the company's identity provider people may sign in with; none when its
	// Issuer is empty.
	OIDC OIDC
	// PasswordPool is how many passwords are hashed at once and how many may wait; zero
	// means auth.DefaultPool. Tests make it small to fill it.
	PasswordPool auth.Pool
	// Mail turns email notifications on: events write messages to the outbox, which a
	// sender (package mail, started by serve with an SMTP server) sends. Off, none are written.
	Mail bool
}

// OIDC configures sign-in through the company's identity provider (package sso).
type OIDC struct {
	Issuer       string // the provider's issuer URL, where its discovery document is
	ClientID     string
	ClientSecret string
	// RedirectURL is the callback registered with the provider; empty means the address
	// the browser reached rungs at, with /login/sso/callback.
	RedirectURL string
	// Name is the provider as the sign-in button names it ("Okta", "Acme account").
	Name string
	// AdminGroup, when set, makes the people team exactly those the provider says are in
	// this group, at each sign-in; GroupsClaim is the claim that lists the groups
	// (default "groups").
	AdminGroup, GroupsClaim string
	// Only turns passwords off: everyone signs in through the provider.
	Only bool
}

// DefaultSessionIdle is how long a session stays open without a request: OWASP ASVS level 2
// asks for 30 minutes at most.
const DefaultSessionIdle = 30 * time.Minute

// DefaultSessionMaxAge is how long a session lasts at most, however much it is used: a
// working day (ASVS level 2 asks for 12 hours at most), after which the password is asked
// for again.
const DefaultSessionMaxAge = 12 * time.Hour

// Handler serves a request the route's rule allowed. v is nil only on routes open to anyone.
type Handler func(srv *Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error

// Server holds what the app's pages share.
type Server struct {
	cfg       Config
	framework atomic.Pointer[ladder.Framework]
	pages     *pages
	hasher    *auth.Hasher
	jobs      *jobs
	seen      seenSessions // who each session opened at its last request
}

// New returns the pages' server with cfg's defaults filled in; f is the framework people are
// levelled on, nil when there is none yet.
func New(cfg Config, f *ladder.Framework) (*Server, error) {
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = DefaultSessionIdle
	}
	if cfg.SessionMaxAge == 0 {
		cfg.SessionMaxAge = DefaultSessionMaxAge
	}
	if cfg.SessionIdle < 0 || cfg.SessionMaxAge < 0 {
		return nil, fmt.Errorf("app: negative session durations (idle %s, most %s)", cfg.SessionIdle, cfg.SessionMaxAge)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.OIDC.Only && cfg.OIDC.Issuer == "" {
		return nil, fmt.Errorf("app: passwords cannot be turned off without an identity provider to sign in with")
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.MaxImportFile <= 0 {
		cfg.MaxImportFile = DefaultMaxImportFile
	}
	if cfg.Passwords == (auth.Params{}) {
		cfg.Passwords = auth.DefaultParams()
	}
	if cfg.PasswordPool == (auth.Pool{}) {
		cfg.PasswordPool = auth.DefaultPool(cfg.Passwords)
	}
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	srv := &Server{cfg: cfg, pages: p, hasher: auth.NewHasher(cfg.Passwords, cfg.PasswordPool), jobs: newJobs()}
	if f == nil {
		// Until serve has a framework without errors, levels are shown by id and none can
		// be chosen.
		f = &ladder.Framework{Title: "rungs"}
	}
	srv.framework.Store(f)
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

// Hasher is the pool passwords are hashed and checked in.
func (srv *Server) Hasher() *auth.Hasher { return srv.hasher }

// HashPassword hashes a new password with the app's settings, in the pool.
func (srv *Server) HashPassword(r *http.Request, password string) (string, error) {
	return srv.hasher.Hash(r.Context(), password)
}

// VerifyPassword checks a password against its hash, in the pool.
func (srv *Server) VerifyPassword(r *http.Request, password, hash string) (bool, error) {
	return srv.hasher.Verify(r.Context(), password, hash)
}

// DummyHash is a hash of no one's password, to check against when an account is unknown,
// so that a sign-in takes as long whether or not the account exists.
func (srv *Server) DummyHash() string { return srv.hasher.Dummy() }

// ClientAddress is the address throttling and the audit log record.
func (srv *Server) ClientAddress(r *http.Request) string {
	if a := srv.cfg.TrustedProxies.Client(r); a.IsValid() {
		return a.String()
	}
	return r.RemoteAddr
}

// Secure reports whether the browser reached us over TLS, so cookies must be Secure.
func (srv *Server) Secure(r *http.Request) bool { return srv.cfg.TrustedProxies.Secure(r) }

// Origin is the scheme and host the browser reached the app at, for links shown to be
// sent on (sign-in links). Behind a trusted proxy that is what the proxy says it was.
func (srv *Server) Origin(r *http.Request) string {
	scheme := "http"
	if srv.Secure(r) {
		scheme = "https"
	}
	return scheme + "://" + srv.cfg.TrustedProxies.Host(r)
}

// Logf records an unexpected error for the operator.
func (srv *Server) Logf(format string, args ...any) {
	fmt.Fprintf(srv.cfg.Log, "rungs: "+format+"\n", args...)
}

// Audit records what a viewer did, through s: the transaction of the change itself, so a
// change the log does not know of cannot happen, or the app's store for a read or a login.
// Outside a transaction the entry is written while the request goes on, and its answer goes
// out once the entry is on disk (see AuditsFirst).
func (srv *Server) Audit(s *store.Store, r *http.Request, v *policy.Viewer, action string, subject int64, detail string) error {
	var actor int64
	if v != nil {
		actor = v.Person.ID
	}
	e := store.AuditEntry{Actor: actor, Action: action, Subject: subject, Detail: detail, Address: srv.ClientAddress(r)}
	if !s.InTx() {
		return startAudit(s, r, v, e)
	}
	// Written by the transaction, which waits for nothing here: the request, holding the
	// transaction, keeps its turn.
	_, err := s.AddAudit(r.Context(), e)
	if err == nil {
		obs.Audited(r.Context(), action)
	}
	return err
}

// Settings are the framework's and the operator's settings that package policy decides with.
func (srv *Server) Settings() policy.Settings {
	return policy.Settings{AdminsReadAssessments: srv.Framework().AdminsRead(), AdminsNeedSecondFactor: srv.cfg.AdminsNeedSecondFactor,
		PasswordsOff: srv.cfg.OIDC.Issuer != "" && srv.cfg.OIDC.Only}
}
