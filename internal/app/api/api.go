// Package api is the people app's JSON API under /api/v1/: people and their level history,
// and the framework, for other tools (the HR system's sync, reports, chat bots). A request
// carries an API token ("Authorization: Bearer rungs_..."): a personal token acts as its
// account, a service token (made by an admin) as the people team, and the same rules of
// package policy decide what each sees. A read token may only read. Every use is recorded in
// the audit log. Errors are RFC 9457 problem details; lists are paged by cursor; answers carry
// an ETag. openapi.json describes it all, and a test keeps the two in step.
package api

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
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

// Handler serves an API request the route's rule and the token's scope allowed; v is whom
// the token acts as, nil only on routes open to anyone.
type Handler func(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error

// Problem is an RFC 9457 problem: what every error of the API answers with.
type Problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail,omitempty"`
	Errors []FieldError `json:"errors,omitempty"` // for a request body with invalid fields
}

// FieldError names a field of the request and what is wrong with it.
type FieldError struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

func (p *Problem) Error() string { return p.Title + ": " + p.Detail }

// problemTypes are the kinds of problem, each with its type URI (relative to the API, as RFC
// 9457 allows: it names the kind and need not be fetched) and title.
var problemTypes = map[int]string{
	http.StatusBadRequest:          "Invalid request",
	http.StatusUnauthorized:        "Token missing, unknown, expired or revoked",
	http.StatusForbidden:           "Not allowed",
	http.StatusNotFound:            "Not found",
	http.StatusConflict:            "Conflict",
	http.StatusUnprocessableEntity: "Invalid fields",
	http.StatusInternalServerError: "Server error",
	http.StatusServiceUnavailable:  "Busy",
}

// Errorf returns a problem of status with detail.
func Errorf(status int, detail string) *Problem {
	return &Problem{Type: "/api/v1/problems/" + strconv.Itoa(status), Title: problemTypes[status], Status: status, Detail: detail}
}

// ErrNotFound answers what does not exist or is not the token's to see, alike.
var ErrNotFound = Errorf(http.StatusNotFound, "There is no such resource, or it is not this token's to see.")

// Fail answers with err as a problem; an unexpected error is logged and answered 500
// without its details.
func Fail(srv *web.Server, w http.ResponseWriter, r *http.Request, err error) {
	var p *Problem
	if !errors.As(err, &p) {
		var he *web.Error
		if errors.As(err, &he) {
			p = Errorf(he.Status, he.Msg)
		} else if errors.Is(err, store.ErrBusy) {
			// Another process held SQLite's write lock past the busy timeout; nothing was saved.
			srv.Logf("%s %s: %v", r.Method, r.Pattern, err)
			w.Header().Set("Retry-After", strconv.Itoa(web.BusyRetrySeconds))
			p = Errorf(http.StatusServiceUnavailable, "The database is busy with other work (an import, say). Nothing was saved: send the request again in a few seconds.")
		} else {
			srv.Logf("%s %s: %v", r.Method, r.Pattern, err)
			p = Errorf(http.StatusInternalServerError, "Something went wrong on our side. The error is in the server's log.")
		}
	}
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="rungs"`)
	}
	body, _ := json.Marshal(p)
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_, _ = w.Write(body)
}

// Write answers v as JSON with status, and an ETag of the body: a GET whose If-None-Match
// names it is answered 304 with no body.
func Write(w http.ResponseWriter, r *http.Request, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	if r.Method == http.MethodGet && status == http.StatusOK && matches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err = w.Write(body)
	return err
}

// matches reports whether an If-None-Match header names etag (or is *).
func matches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// Authenticate returns whom the request's token acts as, and the token; a request without
// one, or with one that is unknown, expired or revoked, is a 401 problem.
func Authenticate(srv *web.Server, r *http.Request) (*policy.Viewer, access.Token, error) {
	h := r.Header.Get("Authorization")
	scheme, secret, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || !strings.HasPrefix(strings.TrimSpace(secret), access.TokenPrefix) {
		return nil, access.Token{}, Errorf(http.StatusUnauthorized, "Send an API token as 'Authorization: Bearer rungs_...'. Make one on your account's token page.")
	}
	ctx := r.Context()
	s := srv.Store()
	tok, err := access.TokenBySecret(ctx, s, strings.TrimSpace(secret))
	if errors.Is(err, store.ErrNotFound) {
		return nil, access.Token{}, Errorf(http.StatusUnauthorized, "This token is unknown, has expired or was revoked.")
	}
	if err != nil {
		return nil, access.Token{}, err
	}
	if tok.Kind == access.ServiceToken {
		// A service token is the people team's, with no person of its own.
		return &policy.Viewer{Account: access.Account{Role: store.Admin, Status: store.Active}, Person: store.Person{Name: tok.Name}, SignedInWith: access.SignedInWithToken}, tok, nil
	}
	acct, err := access.AccountByID(ctx, s, tok.AccountID)
	if err != nil {
		return nil, access.Token{}, err
	}
	if acct.Status != store.Active {
		// Someone who has left keeps no access, whatever tokens they made.
		return nil, access.Token{}, Errorf(http.StatusUnauthorized, "This token's owner has left.")
	}
	p, err := s.Person(ctx, acct.PersonID)
	if err != nil {
		return nil, access.Token{}, err
	}
	manager, err := s.HasReports(ctx, p.ID)
	if err != nil {
		return nil, access.Token{}, err
	}
	return &policy.Viewer{Account: acct, Person: p, Manager: manager, SignedInWith: access.SignedInWithToken}, tok, nil
}

// touchEvery limits how often a token's last use is written, as for sessions.
const touchEvery = time.Minute

// Used records a use of the token in the audit log (every one: an integration's reads are
// reads of people's records like any other; the store writes those of requests that arrive
// together in one commit), and now and then as its last use.
func Used(srv *web.Server, r *http.Request, v *policy.Viewer, tok access.Token, subject int64) error {
	detail := "token " + strconv.FormatInt(tok.ID, 10) + " (" + tok.Name + "): " + r.Method + " " + r.URL.Path
	if err := srv.Audit(srv.Store(), r, v, "api", subject, web.Truncate(detail, 300)); err != nil {
		return err
	}
	if srv.Now().Sub(tok.LastUsed) >= touchEvery {
		// Skipped while another process holds SQLite's write lock, as a session's is: the
		// audit entry above keeps the use, and a later request writes the time.
		err := access.TouchToken(store.WaitAtMost(r.Context(), store.Patience), srv.Store(), tok.ID)
		if errors.Is(err, store.ErrBusy) {
			return nil
		}
		return err
	}
	return nil
}

// EncodeCursor is the cursor of the page after the person with id; opaque to clients. The
// list reads the person's place in its order from the database, so a cursor stays valid
// when people are added or renamed between pages.
func EncodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
}

func decodeCursor(c string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	id, err := strconv.ParseInt(string(b), 10, 64)
	return id, err == nil && id > 0
}
