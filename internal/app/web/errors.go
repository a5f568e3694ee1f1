package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/obs"
	"github.com/rungs/rungs/internal/store"
)

// Error is an error with the status and the message a person is shown.
type Error struct {
	Status int
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

// Errorf returns an error that answers with status and shows msg.
func Errorf(status int, msg string) error { return &Error{Status: status, Msg: msg} }

// ErrNotFound answers a page that does not exist or is not the viewer's to see, alike.
var ErrNotFound = Errorf(http.StatusNotFound, "There is no such page, or it is not yours to see.")

// ErrInvalid rolls a transaction back because the form had errors to show.
var ErrInvalid = errors.New("the form has errors")

// Fail answers with err's status and message; an unexpected error is logged and shown as a
// plain "something went wrong", never with its details.
func (srv *Server) Fail(w http.ResponseWriter, r *http.Request, v *policy.Viewer, err error) {
	var he *Error
	if errors.Is(err, auth.ErrBusy) {
		// The password pool is full: a moment later it is not. Not logged: it says nothing
		// the operator can act on one by one, and a flood of sign-ins would flood the log.
		w.Header().Set("Retry-After", strconv.Itoa(BusyRetrySeconds))
		he = &Error{Status: http.StatusServiceUnavailable, Msg: "Too many people are signing in at this moment. Try again in a few seconds."}
	} else if errors.Is(err, store.ErrBusy) {
		// Another process (a command-line import, say) held SQLite's write lock for longer
		// than the busy timeout. The transaction was rolled back; the operator hears of it,
		// but it is no fault of the server's, and the person can simply send again.
		if log := obs.Logger(r.Context()); log != nil {
			log.Warn("database busy", "method", r.Method, "route", r.Pattern)
		} else {
			srv.Logf("%s %s: %v", r.Method, r.Pattern, err)
		}
		w.Header().Set("Retry-After", strconv.Itoa(BusyRetrySeconds))
		he = &Error{Status: http.StatusServiceUnavailable, Msg: "The database is busy with other work (an import run by the people team, say). Nothing was saved: try again in a few seconds."}
	} else if !errors.As(err, &he) {
		// The route's pattern, not the path: a path can hold a one-time link's token.
		if log := obs.Logger(r.Context()); log != nil {
			log.Error("request failed", "method", r.Method, "route", r.Pattern, "err", err)
		} else {
			srv.Logf("%s %s: %v", r.Method, r.Pattern, err)
		}
		he = &Error{Status: http.StatusInternalServerError, Msg: "Something went wrong on our side. The error is in the server's log."}
	}
	srv.Render(w, r, v, he.Status, "error", "Problem", errorPage{Msg: he.Msg, RequestID: obs.RequestID(r.Context())})
}

// errorPage is what the error page shows: the message, and the request's id for whoever
// reports the problem, which finds the request in the server's log.
type errorPage struct {
	Msg, RequestID string
}

// BusyRetrySeconds is the Retry-After of an answer while the password pool is full (a few
// hashes' time) or the database is busy with another process.
const BusyRetrySeconds = 5

// PathID is the {id} of the route, a person; routes check it before their handler runs.
func PathID(r *http.Request) (int64, error) { return strconv.ParseInt(r.PathValue("id"), 10, 64) }

// Itoa writes an id.
func Itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Thousands writes n with a comma between each group of three digits: 97,100.
func Thousands(n int) string {
	if n < 0 {
		return "-" + Thousands(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Truncate cuts s to at most n bytes.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// Capitalise upper-cases the first letter of an error message, to show it as a sentence.
func Capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
