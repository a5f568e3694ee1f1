package obs

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"
)

// Health answers /healthz and /readyz, open to anyone and saying nothing but "ok" or "not
// ready": why it is not ready goes to the log, once when it stops being ready and once
// when it is again, not at every probe.
type Health struct {
	ready func(context.Context) error
	log   *slog.Logger
	down  atomic.Bool
}

// readyTimeout bounds a readiness check: a database that takes longer is as good as down
// to whoever is waiting for an answer.
const readyTimeout = 3 * time.Second

// NewHealth returns the health answers; ready says whether the app can serve (its database
// reachable and at the schema it knows).
func NewHealth(ready func(context.Context) error, log *slog.Logger) *Health {
	return &Health{ready: ready, log: log}
}

// Live answers /healthz: the process is up and serving HTTP.
func (h *Health) Live(w http.ResponseWriter, r *http.Request) {
	answer(w, r, http.StatusOK, "ok\n")
}

// Ready answers /readyz: 200 when the app can serve requests, 503 when not.
func (h *Health) Ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := h.ready(ctx); err != nil {
		if !h.down.Swap(true) {
			h.log.Warn("not ready", "err", err)
		}
		answer(w, r, http.StatusServiceUnavailable, "not ready\n")
		return
	}
	if h.down.Swap(false) {
		h.log.Info("ready again")
	}
	answer(w, r, http.StatusOK, "ok\n")
}

func answer(w http.ResponseWriter, r *http.Request, status int, body string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if r.Method == http.MethodGet {
		_, _ = w.Write([]byte(body))
	}
}

// Paths of the health answers.
const (
	LivePath  = "/healthz"
	ReadyPath = "/readyz"
)

// Mount serves /healthz and /readyz from h and everything else from next. The answers are
// outside next: not signed in, not logged and not counted, so that probes every few seconds
// neither fill the log nor need an account.
func (h *Health) Mount(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case LivePath:
			h.Live(w, r)
		case ReadyPath:
			h.Ready(w, r)
		default:
			next.ServeHTTP(w, r)
		}
	})
}
