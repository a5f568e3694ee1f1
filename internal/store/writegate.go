package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/rungs/rungs/internal/fsutil"
)

// DefaultBusyTimeout is how long a write waits at most, from when it was asked for, when
// SQLite's database is locked by another process or by this one's earlier writes.
const DefaultBusyTimeout = 10 * time.Second

// writeGate lets SQLite's writes through one at a time, each with a deadline set when it
// arrived: waiting behind this process's own writes and then for another process's lock both
// count against it. Without it, writes queued for the writer's one connection, and each began
// SQLite's busy wait afresh once it got the connection, so the second write behind an outside
// import waited twice the busy timeout and the third three times.
//
// A write that gets through sets the connection's busy_timeout to what is left of its time
// before its first statement, so that SQLite's own wait for the lock ends by the deadline too.
type writeGate struct {
	turn    chan struct{} // holds a token while a write has the writer connection
	db      *sql.DB
	timeout time.Duration
	// set is the connection's busy_timeout as the last write left it; only the write
	// holding the turn reads or changes it.
	set    time.Duration
	report atomic.Pointer[func(waited time.Duration, gaveUp bool)]
	// busyAt is when a write last gave up waiting (Unix nanoseconds), 0 once one had the
	// lock again: for a while after, a patient write (WaitAtMost) gives up at once, so that a
	// request making several of them does not wait for each in turn; at most one a
	// busyMemory tries again.
	busyAt atomic.Int64
	// importFile is the file an import holds a shared lock on while it runs (see WithImport).
	importFile string
}

// importing reports whether an import is running on the database, in this process or
// another: its shared lock on importFile keeps an exclusive one from being had. Asked afresh
// by every write that may wait (three system calls, beside a write's commit): an answer kept
// even a moment would let a write that came just after an import began give up on it.
func (g *writeGate) importing() bool {
	if g.importFile == "" {
		return false
	}
	f, err := os.Open(g.importFile)
	if err != nil {
		return false // no import has run here yet
	}
	defer f.Close()
	err = fsutil.TryLock(f)
	return err != nil && !errors.Is(err, errors.ErrUnsupported)
}

// busyMemory is how long after a write gave up a patient write gives up without trying.
const busyMemory = time.Second

func newWriteGate(db *sql.DB, timeout time.Duration) *writeGate {
	return &writeGate{turn: make(chan struct{}, 1), db: db, timeout: timeout, set: timeout}
}

// busySlack is how far the connection's busy_timeout may be from a write's time left before
// it is set again: setting it costs a statement, and most writes find the gate free.
const busySlack = 20 * time.Millisecond

// gateWrite is one write's passage through the gate.
type gateWrite struct {
	g       *writeGate
	start   time.Time
	ready   time.Time // when it had its turn and the lock; zero until then
	patient bool      // made with WaitAtMost
}

// again reports whether a write that found the database locked (err, before it began) should
// try once more: an import began after the write arrived, when its time was the busy
// timeout's, and the time an import is waited for is not over. It sets the connection's
// busy_timeout to what is left of that time. Nothing was written by the try that failed.
func (w *gateWrite) again(ctx context.Context, err error) bool {
	if err == nil || w.patient || !w.ready.IsZero() || !errors.Is(dialect{}.mapErr(err), ErrBusy) {
		return false
	}
	left := time.Until(w.start.Add(ImportWait))
	if left <= 0 || !w.g.importing() {
		return false
	}
	conn, cerr := w.g.db.Conn(ctx)
	if cerr != nil {
		return false
	}
	defer conn.Close()
	ms := max(1, left.Milliseconds())
	if _, cerr := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", ms)); cerr != nil {
		return false
	}
	w.g.set = time.Duration(ms) * time.Millisecond
	return true
}

// enter waits for the write's turn, until ctx ends or its time is up (ErrBusy), and sets the
// connection's busy_timeout to the time left. On success the caller must call leave.
func (g *writeGate) enter(ctx context.Context) (*gateWrite, error) {
	w := &gateWrite{g: g, start: time.Now()}
	timeout := g.timeout
	if d, ok := ctx.Value(patienceKey{}).(time.Duration); ok && d < timeout {
		if at := g.busyAt.Load(); at != 0 && w.start.Sub(time.Unix(0, at)) < busyMemory {
			return nil, errWaited
		}
		timeout, w.patient = d, true
	} else if g.importing() {
		timeout = max(timeout, ImportWait)
	}
	deadline := w.start.Add(timeout)
	queued := false
	select {
	case g.turn <- struct{}{}:
	default:
		queued = true
		timer := time.NewTimer(timeout)
		defer timer.Stop()
	wait:
		select {
		case g.turn <- struct{}{}:
		case <-timer.C:
			// An import that began after this write arrived holds the turn: wait for it too.
			if !w.patient && timeout < ImportWait && g.importing() {
				timer.Reset(ImportWait - timeout)
				timeout, deadline = ImportWait, w.start.Add(ImportWait)
				goto wait
			}
			return nil, w.gaveUp(errWaited)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	left := time.Until(deadline)
	if left <= 0 {
		<-g.turn
		return nil, w.gaveUp(errWaited)
	}
	// A write that waited for its turn always sets it: set may be stale if the driver gave the
	// pool a new connection (which starts at the full timeout), and a queued write is in no
	// hurry anyway. One that found the gate free has the full timeout left, as the connection
	// has unless an earlier write shortened it.
	if queued || g.set > left+busySlack || g.set < left-busySlack {
		// The connection is free once the turn is ours, but for a row an earlier write
		// returned and its caller is still scanning: that wait counts too.
		dctx, cancel := context.WithDeadline(ctx, deadline)
		conn, err := g.db.Conn(dctx)
		if err == nil {
			ms := max(1, left.Milliseconds())
			_, err = conn.ExecContext(dctx, fmt.Sprintf("PRAGMA busy_timeout = %d", ms))
			conn.Close()
			if err == nil {
				g.set = time.Duration(ms) * time.Millisecond
			}
		}
		cancel()
		if err != nil {
			<-g.turn
			if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
				return nil, w.gaveUp(errWaited)
			}
			return nil, fmt.Errorf("set busy timeout: %w", err)
		}
	}
	return w, nil
}

type patienceKey struct{}

// Patience is how long a write that can go elsewhere or be skipped (an audit entry, a session's
// or token's last use) waits for SQLite's write lock, with WaitAtMost: long enough for the
// app's own writes, short beside a page view.
const Patience = 250 * time.Millisecond

// WaitAtMost makes the SQLite writes made with the context it returns give up with ErrBusy
// after d (when shorter than the busy timeout) rather than wait the whole busy timeout: for
// writes that have somewhere else to go, or that can be skipped, while another process holds
// the database (an audit entry, a session's last use). ErrBusy then means nothing was written.
func WaitAtMost(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, patienceKey{}, d)
}

// errWaited is a write's own deadline passing before it had its turn.
var errWaited = busy{errors.New("timed out waiting for the database's earlier writes and its lock")}

// began marks the moment the write had the lock (its BEGIN IMMEDIATE returned), so that the
// wait reported does not include the transaction's own work.
func (w *gateWrite) began() {
	w.ready = time.Now()
	w.g.busyAt.Store(0)
}

// leave gives the turn to the next write and reports how long this one waited; err is the
// write's outcome, ErrBusy when SQLite's wait for the lock ran out (before began).
func (w *gateWrite) leave(err error) {
	<-w.g.turn
	if w.ready.IsZero() && errors.Is(dialect{}.mapErr(err), ErrBusy) {
		w.gaveUp(err)
		return
	}
	w.g.busyAt.Store(0) // it had the lock: the next patient write tries at once
	end := w.ready
	if end.IsZero() {
		end = time.Now()
	}
	w.g.reported(end.Sub(w.start), false)
}

// gaveUp reports a write that gave up waiting, and is err.
func (w *gateWrite) gaveUp(err error) error {
	w.g.busyAt.Store(time.Now().UnixNano())
	w.g.reported(time.Since(w.start), true)
	return err
}

func (g *writeGate) reported(waited time.Duration, gaveUp bool) {
	if fn := g.report.Load(); fn != nil {
		(*fn)(waited, gaveUp)
	}
}

// ReportWrites has fn told, on SQLite, how long each write waited for its turn at the
// database (behind this process's other writes and another process's lock), and whether it
// gave up, for metrics and logs. fn must be quick: it runs as the write ends. It does nothing
// on PostgreSQL, whose writes do not take turns.
func (s *Store) ReportWrites(fn func(waited time.Duration, gaveUp bool)) {
	if s.gate != nil {
		s.gate.report.Store(&fn)
	}
}
