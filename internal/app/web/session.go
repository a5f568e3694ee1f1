package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

// Cookie names. Over TLS the __Host- prefix makes the browser refuse a cookie set by another
// subdomain or without Secure, so no one else can plant a session or CSRF cookie.
const (
	SessionCookie = "rungs_session"
	browserCookie = "rungs_browser" // a random value for the CSRF token of signed-out forms
)

// CookieName is the name a cookie has on this request: prefixed over TLS.
func (srv *Server) CookieName(r *http.Request, name string) string {
	if srv.Secure(r) {
		return "__Host-" + name
	}
	return name
}

// touchEvery limits how often a session's last use is written: once a minute is precise
// enough for "last seen" and keeps reads from turning into writes.
const touchEvery = time.Minute

// LoadViewer returns who is signed in, from the session cookie, or nil. A cookie that opens
// no session is removed, so that the browser stops sending it. About is the person the
// request is about, or 0: whether the viewer is above them is read with the session, and the
// policy knows it from there.
func (srv *Server) LoadViewer(w http.ResponseWriter, r *http.Request, about int64) (*policy.Viewer, error) {
	v, _, err := srv.LoadViewerWith(w, r, about, nil)
	return v, err
}

// EarlyReads adds to reads what a page reads before its viewer is known, and returns where
// those reads put their answers: see LoadViewerWith. What the request's path alone decides
// is read whoever views the page; what turns on the viewer is read for seen, who the session
// opened at its last request (the zero Seen when it was not seen: then only what the path
// decides). LoadViewerWith drops what was read for a seen viewer when the session opens
// another now, so that a page finds only reads made for its viewer or for no one.
type EarlyReads func(r *http.Request, reads *store.Reads, seen Seen) any

// LoadViewerWith is LoadViewer for a page with early reads (nil: none): they are sent with
// the session's read, in one round trip to the database rather than two, and what they read
// is returned for the page (see WithEarly). They run before anyone knows whether the viewer
// may see the page, so the page may use what they read only once the route's rule has let
// the viewer in, as it would have read it then; a refused request only drops it. A cookie
// that opens no session makes them cost a page's reads for nothing, as a request for a page
// that is not there does.
func (srv *Server) LoadViewerWith(w http.ResponseWriter, r *http.Request, about int64, early EarlyReads) (*policy.Viewer, any, error) {
	c, err := r.Cookie(srv.CookieName(r, SessionCookie))
	if err != nil || c.Value == "" {
		return nil, nil, nil
	}
	ctx := r.Context()
	s := srv.cfg.Store
	reads := s.Reads()
	var in access.SignedIn
	var found bool
	access.ReadSignedInBy(reads, c.Value, about, &in, &found)
	key := seenKey(c.Value)
	seen := srv.seen.of(key)
	var read any
	if early != nil {
		read = early(r, reads, seen)
	}
	if err := reads.Run(ctx); err != nil {
		return nil, nil, err
	}
	if !found {
		srv.ClearCookie(w, r, SessionCookie)
		return nil, nil, nil
	}
	v, err := srv.viewerOf(w, r, c.Value, in, about)
	if v == nil || err != nil {
		return v, nil, err
	}
	if now := SeenOf(v); now != seen {
		srv.seen.keep(key, now)
		if seen != (Seen{}) {
			read = nil // made for the viewer the session opened before, who is not this one
		}
	}
	return v, read, nil
}

// viewerOf is the viewer a session's read found, once its use is recorded; nil when the
// account has left or the session has come to its end.
func (srv *Server) viewerOf(w http.ResponseWriter, r *http.Request, token string, in access.SignedIn, about int64) (*policy.Viewer, error) {
	ctx := r.Context()
	s := srv.cfg.Store
	sess, acct, p := in.Session, in.Account, in.Person
	if acct.Status != store.Active {
		// Someone who has left keeps no access, whatever sessions they had.
		_, err := access.DeleteSessionsOf(ctx, s, acct.ID)
		srv.ClearCookie(w, r, SessionCookie)
		return nil, err
	}
	now := srv.cfg.Now()
	if now.Sub(sess.LastSeen) >= touchEvery {
		// Use keeps a session open, but never past SessionMaxAge from the sign-in.
		until := srv.sessionEnd(sess.CreatedAt, now)
		var err error
		if until.After(now) {
			// Skipped while another process holds SQLite's write lock: the next request
			// touches it, and a page view should not wait for bookkeeping.
			err = access.TouchSession(store.WaitAtMost(ctx, store.Patience), s, token, until)
			if errors.Is(err, store.ErrBusy) {
				err = nil
			}
		} else {
			err = access.DeleteSession(ctx, s, token)
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if !until.After(now) {
			srv.ClearCookie(w, r, SessionCookie)
			return nil, nil
		}
	}
	v := &policy.Viewer{Account: acct, Person: p, Manager: in.HasReports, Session: token, SignedInWith: sess.Method}
	if about != 0 {
		policy.KnowAbove(v, about, in.Above)
	}
	policy.KnowReviewer(v, in.OnPanel)
	return v, nil
}

// NewSession opens a new session for acct through tx, signed in by method, and returns its
// token, for the caller to set as the cookie once tx is committed. It ends the session the
// browser had: a session id is never carried across a login, so one planted before it is
// worthless after.
func (srv *Server) NewSession(tx *store.Store, r *http.Request, acct access.Account, method access.SignInMethod) (string, error) {
	if c, err := r.Cookie(srv.CookieName(r, SessionCookie)); err == nil && c.Value != "" {
		if err := access.DeleteSession(r.Context(), tx, c.Value); err != nil {
			return "", err
		}
	}
	now := srv.cfg.Now()
	token, _, err := access.CreateSession(r.Context(), tx, access.Session{
		AccountID: acct.ID,
		ExpiresAt: srv.sessionEnd(now, now),
		UserAgent: Truncate(r.UserAgent(), 200),
		Address:   srv.ClientAddress(r),
		Method:    method,
	})

	return token, err
}

// sessionEnd is when a session opened at created and used at now expires: after the idle
// time from now, but never past the longest a session lasts.
func (srv *Server) sessionEnd(created, now time.Time) time.Time {
	until := now.Add(srv.cfg.SessionIdle)
	if last := created.Add(srv.cfg.SessionMaxAge); last.Before(until) {
		until = last
	}
	return until
}

// SetCookie sets a cookie scripts cannot read, sent only to this site (Lax: also when
// following a link here) and, over TLS, only over TLS. It lasts until the browser closes;
// the session's expiry is kept on the server.
func (srv *Server) SetCookie(w http.ResponseWriter, r *http.Request, name, value string) {
	http.SetCookie(w, &http.Cookie{
		Name: srv.CookieName(r, name), Value: value, Path: "/",
		HttpOnly: true, Secure: srv.Secure(r), SameSite: http.SameSiteLaxMode,
	})
}

// ClearCookie removes a cookie from the browser.
func (srv *Server) ClearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{
		Name: srv.CookieName(r, name), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: srv.Secure(r), SameSite: http.SameSiteLaxMode,
	})
}

// earlyKey keys what a page's early reads read in its request's context.
type earlyKey struct{}

// WithEarly is ctx carrying what a page's early reads read (see LoadViewerWith).
func WithEarly(ctx context.Context, read any) context.Context {
	return context.WithValue(ctx, earlyKey{}, read)
}

// Early is what the request's early reads read, or nil when it had none.
func Early(r *http.Request) any { return r.Context().Value(earlyKey{}) }
