package app

import (
	"context"
	"net/http"
	"runtime"
	"strings"

	"github.com/rungs/rungs/internal/app/web"
)

// turns lets a few page and API reads be worked on at once, and has the rest wait their turn
// in the order they came (a channel's waiting senders are served first come, first served).
//
// Without it, every request under load took database connections from the pool query by
// query, and database/sql hands a connection that comes free to a waiting query chosen at
// random: a request of several queries could lose that draw again and again, and the slowest
// answers in a hundred took three to four times the median. Worked on a few at a time, each
// request has its connections when it needs them, and waits, if it waits, in line.
//
// A request that waits for the disk to take its audit entry lends its turn to the next in
// line meanwhile (see turn): that wait is neither the CPU's work nor a database connection's,
// and with every turn's request waiting on a slow sync of the disk, none was worked on.
type turns struct {
	work chan struct{} // the turns: a request holds one while it is worked on
	back chan struct{} // a request back from lending its turn goes on with one of these
}

func newTurns(n int) turns {
	return turns{work: make(chan struct{}, n), back: make(chan struct{}, n)}
}

// defaultTurns is how many reads are worked on at once: enough to keep every core busy while
// some wait for the database or the disk.
func defaultTurns() int { return 4 * runtime.GOMAXPROCS(0) }

// inTurn is h, made to wait for a turn when requests of method to path take one (takesTurn).
func (a *App) inTurn(method, path string, h http.Handler) http.Handler {
	if !takesTurn(method, path) {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, ok := a.reads.take(r.Context())
		if !ok {
			return // the client went away while waiting
		}
		defer t.done()
		h.ServeHTTP(w, r.WithContext(web.WithTurn(r.Context(), t)))
	})
}

// take waits for a turn; false when the client went away meanwhile.
func (t turns) take(ctx context.Context) (*turn, bool) {
	select {
	case t.work <- struct{}{}:
		return &turn{of: t, held: t.work}, true
	case <-ctx.Done():
		return nil, false
	}
}

// turn is one request's turn (a web.Turn).
type turn struct {
	of   turns
	held chan struct{} // what it holds: of.work or of.back, or nil while lent
}

// Lend gives the turn to the next request in line.
func (t *turn) Lend() {
	if t.held != nil {
		<-t.held
		t.held = nil
	}
}

// Back has the request go on, before those in line: they wait for a turn of work, and it for
// one of back, which it waits for only when as many others came back before it and go on.
func (t *turn) Back(ctx context.Context) {
	if t.held != nil {
		return
	}
	select {
	case t.of.back <- struct{}{}:
		t.held = t.of.back
	case <-ctx.Done(): // the client went away: the request ends without a turn
	}
}

// done ends the turn.
func (t *turn) done() { t.Lend() }

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
