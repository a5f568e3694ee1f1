package app

import (
	"context"
	"net/http"
	"runtime"
	"strings"
)

// turns lets a few page and API reads be worked on at once, and has the rest wait their turn
// in the order they came (a channel's waiting senders are served first come, first served).
//
// Without it, every request under load took database connections from the pool query by
// query, and database/sql hands a connection that comes free to a waiting query chosen at
// random: a request of several queries could lose that draw again and again, and the slowest
// answers in a hundred took three to four times the median. Worked on a few at a time, each
// request has its connections when it needs them, and waits, if it waits, in line.
type turns chan struct{}

// defaultTurns is how many reads are worked on at once: enough to keep every core busy while
// some wait for the database or the disk.
func defaultTurns() int { return 4 * runtime.GOMAXPROCS(0) }

// inTurn is h, made to wait for a turn when requests of method to path take one (takesTurn).
func (a *App) inTurn(method, path string, h http.Handler) http.Handler {
	if !takesTurn(method, path) {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.reads.take(r.Context()) {
			return // the client went away while waiting
		}
		defer a.reads.done()
		h.ServeHTTP(w, r)
	})
}

// take waits for a turn; false when the client went away meanwhile.
func (t turns) take(ctx context.Context) bool {
	select {
	case t <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// done ends a turn.
func (t turns) done() { <-t }

// takesTurn reports whether requests of method to a route's path wait for a turn: reads,
// which make most of the load. A form or upload is read from a client that may be slow, and
// an export is written to one, for as long as it takes: they would hold a turn while others
// waited, so they do not take one. Nor do the app's stylesheet and scripts.
func takesTurn(method, path string) bool {
	if method != http.MethodGet && method != http.MethodHead {
		return false
	}
	return !strings.HasPrefix(path, "/app-assets/") && !strings.HasPrefix(path, "/export/") && !strings.HasSuffix(path, ".csv")
}
