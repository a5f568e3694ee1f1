package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/store"
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
// no session is removed, so that the browser stops sending it.
func (srv *Server) LoadViewer(w http.ResponseWriter, r *http.Request) (*policy.Viewer, error) {
	c, err := r.Cookie(srv.CookieName(r, SessionCookie))
	if err != nil || c.Value == "" {
		return nil, nil
	}
	ctx := r.Context()
	s := srv.cfg.Store
	sess, err := s.SessionByToken(ctx, c.Value)
	if errors.Is(err, store.ErrNotFound) {
		srv.ClearCookie(w, r, SessionCookie)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	acct, err := s.Account(ctx, sess.AccountID)
	if err != nil {
		return nil, err
	}
	if acct.Status != store.Active {
		// Someone who has left keeps no access, whatever sessions they had.
		_, err := s.DeleteSessionsOf(ctx, acct.ID)
		srv.ClearCookie(w, r, SessionCookie)
		return nil, err
	}
	p, err := s.Person(ctx, acct.PersonID)
	if err != nil {
		return nil, err
	}
	manager, err := s.HasReports(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	now := srv.cfg.Now()
	if now.Sub(sess.LastSeen) >= touchEvery {
		// Use keeps a session open, but never past SessionMaxAge from the sign-in.
		until := now.Add(srv.cfg.SessionIdle)
		if last := sess.CreatedAt.Add(SessionMaxAge); last.Before(until) {
			until = last
		}
		if until.After(now) {
			err = s.TouchSession(ctx, c.Value, until)
		} else {
			err = s.DeleteSession(ctx, c.Value)
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if !until.After(now) {
			srv.ClearCookie(w, r, SessionCookie)
			return nil, nil
		}
	}
	return &policy.Viewer{Account: acct, Person: p, Manager: manager, Session: c.Value}, nil
}

// NewSession opens a new session for acct through tx and returns its token, for the caller
// to set as the cookie once tx is committed. It ends the session the browser had: a session
// id is never carried across a login, so one planted before it is worthless after.
func (srv *Server) NewSession(tx *store.Store, r *http.Request, acct store.Account) (string, error) {
	if c, err := r.Cookie(srv.CookieName(r, SessionCookie)); err == nil && c.Value != "" {
		if err := tx.DeleteSession(r.Context(), c.Value); err != nil {
			return "", err
		}
	}
	token, _, err := tx.CreateSession(r.Context(), store.Session{
		AccountID: acct.ID,
		ExpiresAt: srv.cfg.Now().Add(srv.cfg.SessionIdle),
		UserAgent: Truncate(r.UserAgent(), 200),
		Address:   srv.ClientAddress(r),
	})
	return token, err
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

// CSRFToken is the token forms carry. It is derived from a cookie scripts cannot read: the
// session's when signed in, else the browser cookie (set here when missing). Another site can
// make the browser send the cookie but never learn it, so cannot write the token.
func (srv *Server) CSRFToken(w http.ResponseWriter, r *http.Request, v *policy.Viewer) string {
	if v != nil {
		return deriveCSRF(v.Session)
	}
	if c, err := r.Cookie(srv.CookieName(r, browserCookie)); err == nil && len(c.Value) >= 32 {
		return deriveCSRF(c.Value)
	}
	value := RandomToken()
	srv.SetCookie(w, r, browserCookie, value)
	// Later cookies in this response's page are the ones the next request will carry.
	r.AddCookie(&http.Cookie{Name: srv.CookieName(r, browserCookie), Value: value})
	return deriveCSRF(value)
}

// ErrForged answers a state-changing request without a valid CSRF token.
var ErrForged = Errorf(http.StatusForbidden, "This form has expired or did not come from this site. Go back, reload the page and try again.")

// CheckCSRF checks the token of a state-changing request against the cookie it derives from.
// It reads the form, capping its size first.
func (srv *Server) CheckCSRF(w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody(r))
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(8 << 20) // larger uploads go to a temporary file
	} else {
		err = r.ParseForm()
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return Errorf(http.StatusRequestEntityTooLarge, fmt.Sprintf("That is more than this form takes (%d MB at most).", tooLarge.Limit>>20))
	}
	var base string
	if v != nil {
		base = v.Session
	} else if c, err := r.Cookie(srv.CookieName(r, browserCookie)); err == nil && len(c.Value) >= 32 {
		base = c.Value
	} else {
		return ErrForged
	}
	got := r.FormValue("csrf")
	if subtle.ConstantTimeCompare([]byte(got), []byte(deriveCSRF(base))) != 1 {
		return ErrForged
	}
	return nil
}

// maxBody is the most a request body may hold: a CSV upload, or an ordinary form.
func maxBody(r *http.Request) int64 {
	if r.URL.Path == "/import" || r.URL.Path == "/import/apply" {
		return 64 << 20
	}
	return 1 << 20
}

func deriveCSRF(base string) string {
	sum := sha256.Sum256([]byte("rungs csrf\x00" + base))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// RandomToken is 32 random bytes, base64url: a session, link or cookie value.
func RandomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on the systems Go supports
	return base64.RawURLEncoding.EncodeToString(b)
}
