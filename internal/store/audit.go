package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// AuditEntry is one line of the audit log: who did what to whom, when, and from where.
// The log is append-only; the store has no method to change or remove an entry.
type AuditEntry struct {
	ID      int64
	At      time.Time // zero means now when adding
	Actor   int64     // the person who acted; 0 for nobody signed in (a failed login) or rungs itself
	Action  string    // what was done, such as "login.failed" or "person.update"
	Subject int64     // the person acted on; 0 for none
	Detail  string    // at most MaxAuditDetail characters; more is cut off
	Address string    // the client's IP address
}

// MaxAuditDetail is how many characters of an entry's detail are kept: enough for any summary
// of a change, and short enough for the detail to be indexed (login throttling looks entries up
// by it) within PostgreSQL's limit on the size of an index entry.
const MaxAuditDetail = 500

// AddAudit appends e to the audit log and returns it as stored once it is on disk: it is
// StartAudit, waited for. Inside WithTx it is written by the transaction, and committed with
// it. Outside, entries added at the same time share one commit (see auditGroup): a page view
// that is audited waits for one, not for every other view's before it, and never returns
// before its entry is on disk. On PostgreSQL, and inside WithTx, the entry comes back with its
// id; SQLite's entries outside WithTx go to the audit journal first (see auditJournal), and
// have no id until they are moved into the log, a moment later.
func (s *Store) AddAudit(ctx context.Context, e AuditEntry) (AuditEntry, error) {
	return s.StartAudit(ctx, e).Wait()
}

// StartAudit appends e to the audit log as AddAudit does, but returns as soon as the entry is
// on its way: its Wait says when it is on disk. A page can so be made while its entry is
// written, and be sent once it is (see web.Server.Audit). Inside WithTx the entry is written
// by the transaction before StartAudit returns.
func (s *Store) StartAudit(ctx context.Context, e AuditEntry) *AuditPending {
	e.Action = strings.TrimSpace(e.Action)
	if e.Action == "" {
		return doneAudit(AuditEntry{}, fmt.Errorf("add audit entry: action is empty"))
	}
	e.Detail, e.Address = cleanDetail(e.Detail), cleanDetail(e.Address)
	if utf8.RuneCountInString(e.Detail) > MaxAuditDetail {
		e.Detail = string([]rune(e.Detail)[:MaxAuditDetail])
	}
	if e.At.IsZero() {
		e.At = s.now()
	}
	// PostgreSQL keeps microseconds; dropping the rest here makes both databases hold the same.
	e.At = e.At.UTC().Truncate(time.Microsecond)
	if !s.inTx {
		return &AuditPending{w: s.audits.start(ctx, s, e)}
	}
	return doneAudit(s.insertAudit(ctx, e))
}

// AuditPending is an audit entry on its way to disk (see StartAudit).
type AuditPending struct{ w *auditWait }

// Wait waits until the entry is on disk, and returns it as stored or the error that failed it.
func (p *AuditPending) Wait() (AuditEntry, error) {
	<-p.w.done
	return p.w.added, p.w.err
}

// Done is closed once the entry is on disk or has failed.
func (p *AuditPending) Done() <-chan struct{} { return p.w.done }

// doneAudit is an entry whose writing is over: added as stored, or failed with err.
func doneAudit(added AuditEntry, err error) *AuditPending {
	w := &auditWait{added: added, err: err, done: make(chan struct{})}
	close(w.done)
	return &AuditPending{w: w}
}

// insertAudit writes e through the store's writer: the transaction it is in.
func (s *Store) insertAudit(ctx context.Context, e AuditEntry) (AuditEntry, error) {
	w := &auditWait{e: e}
	if err := s.insertAudits(ctx, []*auditWait{w}); err != nil {
		return AuditEntry{}, err
	}
	return w.added, nil
}

// auditChunks are the numbers of entries one statement writes on SQLite, largest first: the
// entries moved in from the journal are written in statements of these sizes, so that each
// size's statement is prepared once.
var auditChunks = []int{256, 64, 16, 4, 1}

// insertAudits writes the entries of ws with one statement, and gives each its stored row.
// One statement is atomic: outside a transaction it is a transaction of its own.
func (s *Store) insertAudits(ctx context.Context, ws []*auditWait) error {
	query, args := s.d.auditInsert(ws, true)
	rows, err := s.writeQuery(ctx, query, args...)
	if err != nil {
		return s.fail(err, "add audit entry %s", ws[0].e.Action)
	}
	defer rows.Close()
	// Neither database promises the order of RETURNING's rows: each row goes to an entry
	// it was written from (entries alike are alike but for the id they get).
	done := make([]bool, len(ws))
	n := 0
	for rows.Next() {
		added, err := scanAudit(rows)
		if err != nil {
			return s.fail(err, "add audit entry %s", ws[0].e.Action)
		}
		for i, w := range ws {
			if !done[i] && sameAudit(w.e, added) {
				w.added, done[i] = added, true
				n++
				break
			}
		}
	}
	if err := rows.Err(); err != nil {
		return s.fail(err, "add audit entry %s", ws[0].e.Action)
	}
	if n != len(ws) {
		return fmt.Errorf("add audit entry %s: %d of %d entries came back as written", ws[0].e.Action, n, len(ws))
	}
	return nil
}

// sameAudit reports whether stored is e as written, but for its id.
func sameAudit(e, stored AuditEntry) bool {
	return e.At.Equal(stored.At) && e.Actor == stored.Actor && e.Action == stored.Action &&
		e.Subject == stored.Subject && e.Detail == stored.Detail && e.Address == stored.Address
}

// auditGroup writes the entries added outside a transaction in groups, one commit each
// (group commit): a transaction on PostgreSQL, an append and sync of SQLite's journal. An
// entry added when no group is being written is written at once, alone, by a writer of its
// own (a goroutine); entries that arrive meanwhile wait, and when the writer has committed
// (and, on SQLite, let them gather for journalGap), it writes them all as the next group, and
// so on until none wait. Under load one commit so serves many entries, and the disk's flush
// is shared instead of queued for. An entry's Wait returns only after the commit of its own
// group (its entry is on disk: PostgreSQL flushes at each commit, and the journal is synced)
// or with the error that failed it, so nothing acknowledged can be lost.
//
// The writer is not a caller: an entry is started before its page is made and waited for
// once the page is ready (see StartAudit), and a caller that wrote the others' groups would
// keep its own page waiting.
type auditGroup struct {
	mu      sync.Mutex
	waiting []*auditWait
	writing bool // a writer is writing groups; the entries in waiting go into its next
	groups  int  // how many groups were written, for the tests
	// writers is every writer not yet done: Close waits for them before it closes the journal.
	writers sync.WaitGroup
	// onWait, when set (by tests), is told how many entries wait behind a group being written.
	onWait func(waiting int)
	// report, when set (ReportLogWrites), is told how long each group took to write.
	report atomic.Pointer[func(took time.Duration, entries int)]
}

// auditWait is one entry on its way to its group's commit.
type auditWait struct {
	e     AuditEntry
	done  chan struct{} // closed when the entry is committed or failed
	added AuditEntry
	err   error
}

// journalGap is how long SQLite's writer lets entries gather after a group before it writes
// the next. Each group is a write and an fsync of the journal, some 80-100 µs of this
// process's CPU; written back to back, under load, the groups held 1.5-1.7 entries each
// (against 3.3-5.4 when the requests wrote them, and left a gap as they went on with their
// own page). With the gap, on the admin's pages of 100,000 people, half the groups, and in
// both of two pairs of runs less CPU an answer and a lower p99 (search 62.4, 52.1 ms against
// 78.5, 70.5). PostgreSQL's commits wait for none: there, the groups written back to back
// measured better than before.
const journalGap = time.Millisecond

// maxAuditGroup bounds a group, so that one commit stays short.
const maxAuditGroup = 500

// start has e written: at once by a writer of its own when none is writing, or in the writer's
// next group.
func (g *auditGroup) start(ctx context.Context, s *Store, e AuditEntry) *auditWait {
	w := &auditWait{e: e, done: make(chan struct{})}
	g.mu.Lock()
	if g.writing {
		g.waiting = append(g.waiting, w)
		if g.onWait != nil {
			g.onWait(len(g.waiting))
		}
		g.mu.Unlock()
		return w
	}
	g.writing = true
	g.groups++
	g.writers.Add(1)
	g.mu.Unlock()
	// The group is others' too: its commit does not end with this caller's request.
	go g.write(context.WithoutCancel(ctx), s, []*auditWait{w})
	return w
}

// write commits group, then the entries that came in meanwhile, a group at a time, until
// none wait.
func (g *auditGroup) write(ctx context.Context, s *Store, group []*auditWait) {
	defer g.writers.Done()
	for {
		var err error
		start := time.Now()
		if s.journal != nil {
			err = s.journal.add(group)
		} else {
			err = s.insertAudits(ctx, group)
		}
		if fn := g.report.Load(); fn != nil && err == nil {
			(*fn)(time.Since(start), len(group))
		}
		for _, w := range group {
			w.err = err
			close(w.done)
		}
		if s.journal != nil {
			time.Sleep(journalGap)
		}
		g.mu.Lock()
		if len(g.waiting) == 0 {
			g.writing = false
			g.mu.Unlock()
			return
		}
		g.groups++
		n := min(len(g.waiting), maxAuditGroup)
		group = g.waiting[:n:n]
		g.waiting = g.waiting[n:]
		g.mu.Unlock()
	}
}

// prepareAuditCopies prepares copyAudits' statements, before the transaction it runs in: a
// transaction only runs statements prepared already (see cached.stmt), and parsing a
// statement of 256 rows of values each time took a tenth of a move.
func (s *Store) prepareAuditCopies(ctx context.Context) {
	for _, size := range auditChunks {
		s.writeStmts.stmt(ctx, auditValues(size, false), true)
	}
}

// copyAudits writes entries moved in from SQLite's audit journal, in statements of
// auditChunks' sizes, in the transaction s is in. Unlike insertAudits it reads nothing back:
// an entry moved in was acknowledged long ago, and nobody waits for its id. A move runs
// beside the pages being read and takes its CPU from them; reading every row back, in
// statements of 64 parsed afresh at each move, it cost 20-30 µs an entry, and 13-18 µs like
// this (BenchmarkAuditMove).
func (s *Store) copyAudits(ctx context.Context, ws []*auditWait) error {
	for rest := ws; len(rest) > 0; {
		size := auditChunks[len(auditChunks)-1]
		for _, c := range auditChunks {
			if c <= len(rest) {
				size = c
				break
			}
		}
		query, args := s.d.auditInsert(rest[:size], false)
		if _, err := s.exec(ctx, query, args...); err != nil {
			return s.fail(err, "move audit entries in")
		}
		rest = rest[size:]
	}
	return nil
}

// auditValues is SQLite's statement that writes n entries. It is written tight, so that one
// of 256 rows stays short enough to be kept prepared (maxCachedSQL).
func auditValues(n int, returning bool) string {
	return auditInsertInto + `VALUES ` + strings.Repeat("(?,?,?,?,?,?),", n-1) + "(?,?,?,?,?,?)" + auditReturning(returning)
}

const auditInsertInto = `INSERT INTO audit_log (at, actor_id, action, subject_id, detail, address) `

func auditReturning(returning bool) string {
	if returning {
		return ` RETURNING ` + auditColumns
	}
	return ""
}

// auditInsert is the statement that writes the entries of ws and, when returning, returns
// their rows. On SQLite it has a row of values per entry (one of auditChunks' sizes, so that
// each size is prepared once); on PostgreSQL an array per column, so that one prepared
// statement writes a group of any size in one round trip: under load, groups of every size
// from one to dozens come in turn, and a group written in chunks was a transaction of
// several statements, a round trip each.
func (d dialect) auditInsert(ws []*auditWait, returning bool) (string, []any) {
	if d.postgres {
		at := make([]time.Time, len(ws))
		actor, subject := make([]*int64, len(ws)), make([]*int64, len(ws))
		action, detail, address := make([]string, len(ws)), make([]string, len(ws)), make([]string, len(ws))
		for i, w := range ws {
			e := &w.e
			at[i], action[i], detail[i], address[i] = e.At, e.Action, e.Detail, e.Address
			if e.Actor != 0 {
				actor[i] = &e.Actor
			}
			if e.Subject != 0 {
				subject[i] = &e.Subject
			}
		}
		return auditInsertInto + `SELECT * FROM unnest(CAST(? AS TIMESTAMP[]), CAST(? AS BIGINT[]), CAST(? AS TEXT[]),
			CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]))` + auditReturning(returning),
			[]any{at, actor, action, subject, detail, address}
	}
	args := make([]any, 0, 6*len(ws))
	for _, w := range ws {
		args = append(args, w.e.At, nullID(w.e.Actor), w.e.Action, nullID(w.e.Subject), w.e.Detail, w.e.Address)
	}
	return auditValues(len(ws), returning), args
}

// AuditFilter chooses and pages the entries AuditLog returns; zero fields do not filter, and
// each field set narrows the choice.
type AuditFilter struct {
	Actor   int64
	Subject int64
	Action  string
	Actions []string // any of these actions
	Detail  string   // exactly this detail
	Address string
	Since   time.Time // entries at or after
	Until   time.Time // entries before
	Limit   int       // 0 means DefaultLimit; at most MaxLimit
	Offset  int
}

// where returns the SQL condition for f's filters on audit_log (no paging), "" for none.
func (f AuditFilter) where() (string, []any) {
	var where []string
	var args []any
	if f.Actor != 0 {
		where, args = append(where, "actor_id = ?"), append(args, f.Actor)
	}
	if f.Subject != 0 {
		where, args = append(where, "subject_id = ?"), append(args, f.Subject)
	}
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if len(f.Actions) > 0 {
		where = append(where, "action IN (?"+strings.Repeat(", ?", len(f.Actions)-1)+")")
		for _, a := range f.Actions {
			args = append(args, a)
		}
	}
	if f.Detail != "" {
		where, args = append(where, "detail = ?"), append(args, f.Detail)
	}
	if f.Address != "" {
		where, args = append(where, "address = ?"), append(args, f.Address)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "at >= ?"), append(args, f.Since.UTC())
	}
	if !f.Until.IsZero() {
		where, args = append(where, "at < ?"), append(args, f.Until.UTC())
	}
	if len(where) == 0 {
		return "", nil
	}
	return ` WHERE ` + strings.Join(where, ` AND `), args
}

// matches reports whether f chooses e, as where does in SQL.
func (f AuditFilter) matches(e AuditEntry) bool {
	return (f.Actor == 0 || e.Actor == f.Actor) && (f.Subject == 0 || e.Subject == f.Subject) &&
		(f.Action == "" || e.Action == f.Action) && (len(f.Actions) == 0 || slices.Contains(f.Actions, e.Action)) &&
		(f.Detail == "" || e.Detail == f.Detail) && (f.Address == "" || e.Address == f.Address) &&
		(f.Since.IsZero() || !e.At.Before(f.Since)) && (f.Until.IsZero() || e.At.Before(f.Until))
}

// AuditLog returns the entries f chooses, newest first (ties by id, newest first), one page
// at a time. On SQLite, the entries still waiting in the journal (see auditJournal: another
// process held the write lock too long for them to be moved in first) are among them, without
// an id: an acknowledged entry is in the log whether or not it was moved in, for the audit
// page as for login throttling's newest failure.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	limit, err := page(f.Limit, f.Offset)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	pending, done := s.auditWaiting(ctx, f)
	defer done()
	// With entries waiting, the page is made from the first Offset+limit of the log and them.
	from, most := f.Offset, limit
	if len(pending) > 0 {
		from, most = 0, f.Offset+limit
	}
	where, args := f.where()
	rows, err := s.query(ctx, `SELECT `+auditColumns+` FROM audit_log`+where+` ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`,
		append(args, most, from)...)
	if err != nil {
		return nil, s.fail(err, "audit log")
	}
	defer rows.Close()
	entries := []AuditEntry{}
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, s.fail(err, "audit log")
		}
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "audit log")
	}
	if len(pending) > 0 {
		entries = newestFirst(entries, pending)
		entries = entries[min(f.Offset, len(entries)):min(f.Offset+limit, len(entries))]
	}
	return entries, nil
}

// auditWaiting moves the entries waiting in SQLite's audit journal into the log before it is
// read, if the write lock allows (see auditJournal), and returns those f chooses that still
// wait, newest first; none move until done is first called, so that the log as a statement
// begun meanwhile reads it and they hold every entry once. Inside a transaction, which holds
// the lock, they wait.
func (s *Store) auditWaiting(ctx context.Context, f AuditFilter) (waiting []AuditEntry, done func()) {
	if s.journal == nil {
		return nil, func() {}
	}
	if s.inTx {
		return s.journal.pendingOf(f), func() {}
	}
	s.flushAudit(ctx)
	s.journal.moving.Lock()
	var once sync.Once
	return s.journal.pendingOf(f), func() { once.Do(s.journal.moving.Unlock) }
}

// flushAudit moves the entries waiting in SQLite's audit journal into the log, if the write
// lock allows (see auditJournal). Inside a transaction, which holds the lock, they wait.
func (s *Store) flushAudit(ctx context.Context) {
	if s.journal != nil && !s.inTx {
		s.journal.flush(ctx, s)
	}
}

// newestFirst merges the entries read from the log and those waiting in the journal, each
// newest first: those waiting go first among entries of the same time, as the ids they are
// given when moved in come after all the others'.
func newestFirst(moved, waiting []AuditEntry) []AuditEntry {
	out := make([]AuditEntry, 0, len(moved)+len(waiting))
	for len(moved) > 0 || len(waiting) > 0 {
		if len(waiting) > 0 && (len(moved) == 0 || !waiting[0].At.Before(moved[0].At)) {
			out, waiting = append(out, waiting[0]), waiting[1:]
		} else {
			out, moved = append(out, moved[0]), moved[1:]
		}
	}
	return out
}

// CountAudit counts the entries f chooses (Limit/Offset ignored), those still waiting in the
// journal included (see auditJournal). Login throttling counts recent "login.failed" entries by
// address and by subject, so throttling holds across several rungs processes.
func (s *Store) CountAudit(ctx context.Context, f AuditFilter) (int, error) {
	where, args := f.where()
	if s.journal != nil && !s.inTx {
		// No entry moves between the two counts.
		s.journal.moving.Lock()
		defer s.journal.moving.Unlock()
	}
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM audit_log`+where, args...).Scan(&n); err != nil {
		return 0, s.fail(err, "count audit entries")
	}
	if s.journal != nil {
		n += len(s.journal.pendingOf(f)) // throttling counts what waits in the journal too
	}
	return n, nil
}

// EachAudit calls fn for every entry f chooses, oldest first, without paging (for CSV export).
// An error from fn stops it and is returned as it is. Inside WithTx, fn must not use the
// store: the transaction's connection is busy with the entries.
func (s *Store) EachAudit(ctx context.Context, f AuditFilter, fn func(AuditEntry) error) error {
	waiting, done := s.auditWaiting(ctx, f)
	defer done()
	slices.Reverse(waiting) // oldest first, as the log is read here
	where, args := f.where()
	err := each(ctx, s, "audit log", scanAudit, func(e AuditEntry) error {
		// The statement reads the log as it was at its first row: moves may go on meanwhile,
		// which an export written to a slow client would otherwise hold up.
		done()
		for len(waiting) > 0 && waiting[0].At.Before(e.At) {
			if err := fn(waiting[0]); err != nil {
				return err
			}
			waiting = waiting[1:]
		}
		return fn(e)
	}, `SELECT `+auditColumns+` FROM audit_log`+where+` ORDER BY at, id`, args...)
	if err != nil {
		return err
	}
	for _, e := range waiting {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

const auditColumns = `id, at, actor_id, action, subject_id, detail, address`

func scanAudit(row scanner) (AuditEntry, error) {
	var e AuditEntry
	var actor, subject sql.NullInt64
	if err := row.Scan(&e.ID, &e.At, &actor, &e.Action, &subject, &e.Detail, &e.Address); err != nil {
		return AuditEntry{}, err
	}
	e.At, e.Actor, e.Subject = e.At.UTC(), actor.Int64, subject.Int64
	return e, nil
}

// ReportLogWrites has fn told of every group of audit entries added outside a transaction
// once it is on disk: how long writing it took (on SQLite, appending it to the journal and
// syncing that; on PostgreSQL, inserting and committing it) and how many entries it held.
// Each audited page waits for its group, so these times are what the disk adds to every
// audited answer, and their slowest, its slowest.
func (s *Store) ReportLogWrites(fn func(took time.Duration, entries int)) {
	s.audits.report.Store(&fn)
}
