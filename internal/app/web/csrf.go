package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
)

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

// CSRFHeader is the header a script may send the token in instead of the form's csrf field.
const CSRFHeader = "X-CSRF-Token"

// CheckCSRF checks the token of a state-changing request against the cookie it derives from.
// The token is read from the body's csrf field or the X-CSRF-Token header, never from the
// address: an address ends up in logs, the history and Referer headers. The form must have
// been read (ReadForm).
func (srv *Server) CheckCSRF(r *http.Request, v *policy.Viewer) error {
	var base string
	if v != nil {
		base = v.Session
	} else if c, err := r.Cookie(srv.CookieName(r, browserCookie)); err == nil && len(c.Value) >= 32 {
		base = c.Value
	} else {
		return ErrForged
	}
	got := r.PostForm.Get("csrf")
	if got == "" {
		got = r.Header.Get(CSRFHeader)
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(deriveCSRF(base))) != 1 {
		return ErrForged
	}
	return nil
}

// Body limits. An import's upload (its preview) receives the file itself, so it allows the
// largest file an import takes (Config.MaxImportFile) and the rest of the form (importBody),
// and refuses a larger file with a message saying so. Every other form is small, the
// import's apply too: it names the file the server kept.
const (
	// DefaultMaxImportFile is the largest CSV file an import takes: some 200,000 people, the
	// most one file may hold, or an HR system's export of 100,000 with the dozens of columns
	// rungs does not read. Checking one that large holds some 600-700 MiB of heap for the
	// length of the request (BenchmarkWebImport).
	DefaultMaxImportFile = 64 << 20
	maxFormBody          = 1 << 20
	// importReadTime is how long an import's upload may take: the server's read timeout is
	// far shorter, and a large file over a slow line takes minutes.
	importReadTime = 10 * time.Minute
)

// importBody is the most an import's upload may hold: the file, and the rest of the form.
func importBody(maxFile int64) int64 { return maxFile + 1<<20 }

// isImport reports whether the request is an import's upload.
func isImport(r *http.Request) bool { return r.URL.Path == "/import" }

// ReadForm reads the body of a form posted to the app, capping its size first; a body it
// cannot read is answered for what it is (too large, or malformed), never as an expired form.
// Routes call it after the route's rule has allowed the request, so that only those allowed
// an import's larger body can send one.
func (srv *Server) ReadForm(w http.ResponseWriter, r *http.Request) error {
	limit := int64(maxFormBody)
	if isImport(r) {
		limit = importBody(srv.cfg.MaxImportFile)
		// A per-request deadline: the server's read timeout stays short for everyone else.
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(importReadTime))
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		// Files above this are kept in a temporary file, not in memory (fields that are not
		// files are kept in memory up to it plus 10 MiB, past the body's own limit).
		err = r.ParseMultipartForm(limit)
	} else {
		err = r.ParseForm()
	}
	var tooLarge *http.MaxBytesError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooLarge), errors.Is(err, multipart.ErrMessageTooLarge):
		if isImport(r) {
			return Errorf(http.StatusRequestEntityTooLarge, fmt.Sprintf("The file is larger than an import takes (%d MB at most). Split it, or leave out columns rungs does not read.", srv.cfg.MaxImportFile>>20))
		}
		return Errorf(http.StatusRequestEntityTooLarge, fmt.Sprintf("That is more than this form takes (%d MB at most).", limit>>20))
	default:
		return Errorf(http.StatusBadRequest, "The form could not be read ("+err.Error()+"). Go back, reload the page and send it again.")
	}
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
