package obs

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// RequestIDHeader carries a request's id back to the client, so that a proxy's log and a
// person's report can be matched with rungs' log.
const RequestIDHeader = "X-Request-Id"

// request is what the middleware keeps in a request's context.
type request struct {
	id      string
	log     *slog.Logger
	metrics *Metrics
}

type ctxKey struct{}

func from(ctx context.Context) *request {
	r, _ := ctx.Value(ctxKey{}).(*request)
	return r
}

// RequestID is the id of the request ctx belongs to, "" outside the middleware.
func RequestID(ctx context.Context) string {
	if r := from(ctx); r != nil {
		return r.id
	}
	return ""
}

// Logger is the logger of the request ctx belongs to, with its id on every line; nil outside
// the middleware.
func Logger(ctx context.Context) *slog.Logger {
	if r := from(ctx); r != nil {
		return r.log
	}
	return nil
}

// Audited counts an audit log entry written while serving the request (sign-ins failed and
// throttled among them), by its action.
func Audited(ctx context.Context, action string) {
	if r := from(ctx); r != nil && r.metrics != nil {
		r.metrics.audit.WithLabelValues(action).Inc()
	}
}

// Imported records how long a step of a people import took ("preview" or "apply") and how
// it ended ("ok", "invalid" for a file with errors, "error").
func Imported(ctx context.Context, step, outcome string, d time.Duration) {
	if r := from(ctx); r != nil && r.metrics != nil {
		r.metrics.imports.WithLabelValues(step, outcome).Observe(d.Seconds())
	}
}

// newID returns a random request id: 16 hex digits, unique enough to find one request in a
// log, and saying nothing about it.
func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Handler wraps next: every request gets an id (in its context, and in the X-Request-Id
// response header), and when it is done, one log line and its metrics. The line says the
// method, the route pattern the app's mux matched (never the path or the query, which can
// hold a one-time token or a search for someone's name), the status, the bytes written, the
// time taken and the id; no address, cookie or header.
//
// The route pattern is read from the request after next has served it: Go's ServeMux sets
// it on the request it is given, which must be the one passed on here (a handler in between
// that copies the request must copy the pattern back).
func Handler(next http.Handler, log *slog.Logger, m *Metrics) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		req := &request{id: newID(), metrics: m}
		req.log = log.With("request_id", req.id)
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, req))
		w.Header().Set(RequestIDHeader, req.id)
		rec := &recorder{ResponseWriter: w}
		if m != nil {
			m.inFlight.Inc()
			defer m.inFlight.Dec()
		}
		defer func() {
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			took := time.Since(start)
			if m != nil {
				m.observe(r.Method, route, status, took)
			}
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelError
			}
			req.log.LogAttrs(r.Context(), level, "request", slog.String("method", method(r.Method)), slog.String("route", route),
				slog.Int("status", status), slog.Int64("bytes", rec.bytes), slog.Float64("duration_ms", float64(took.Microseconds())/1000))
		}()
		next.ServeHTTP(rec, r)
	})
}

// method is r.Method, or "other" for one that is not HTTP's: clients choose it, and a label
// or a log field must not take any text a client sends.
func method(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// recorder notes the status and size of a response. It passes Flush on and unwraps for
// http.ResponseController, so streams and deadlines set by the app still work.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rec *recorder) WriteHeader(code int) {
	if rec.status == 0 && code >= 200 {
		rec.status = code
	}
	rec.ResponseWriter.WriteHeader(code)
}

func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	n, err := rec.ResponseWriter.Write(b)
	rec.bytes += int64(n)
	return n, err
}

func (rec *recorder) Flush() {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	_ = http.NewResponseController(rec.ResponseWriter).Flush()
}

func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

// Hijack passes a connection takeover on, where the server allows one.
func (rec *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := rec.ResponseWriter.(http.Hijacker); ok {
		rec.status = http.StatusSwitchingProtocols
		return h.Hijack()
	}
	return nil, nil, errors.New("obs: the response cannot be hijacked")
}
