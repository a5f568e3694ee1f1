package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/rungs/rungs/internal/fsutil"
)

// auditPatience is how long moving the journal's entries in waits for SQLite's write lock
// when the log is about to be read, or the process opens or closes the database.
const auditPatience = Patience

// auditMoverPatience is how long the mover's own moves wait for it: while another process
// holds the lock, it holds the app's one writer connection as long as it waits, and the
// writes of requests (a session's last use) wait behind it. Without the other process, the
// lock is had at once; what could not move moves at the next try.
const auditMoverPatience = 20 * time.Millisecond

// auditMoveEvery is how long entries wait in the journal at most before they are moved into
// the database, and auditMoveAt how many waiting entries move them at once: an audited page
// view is answered once its entry is synced to the journal, and the database sees one
// transaction for many. Every commit makes each of SQLite's reader connections throw its page
// cache away, and the answers just after it, all reading their pages afresh at once, are
// slow: so the fewer the better. With 100,000 people, the search page (which reads the text
// index and people all over the file) cost twice as much with a move every second as with one
// every ten (BenchmarkPages: 1.34 → 0.67 ms a page), and under `scripts/load pages` (1,200
// searches a second) its p99 was 210 ms with a move at every 4,096 entries (3.5 s), 72 ms
// with one every ten seconds. The audit log's page, its export and login throttling see the
// entries that wait (pendingOf), and a backup moves them in first (flush), so nothing reads a
// log ten seconds behind but another process, which cannot move this one's journal, and a
// backup taken while another process holds the write lock.
//
// The mover looks every auditLookEvery: at once when a move could not have the write lock
// (another process holds it), so that entries move in soon after that lock is free.
const (
	auditMoveEvery = 10 * time.Second
	auditLookEvery = time.Second
	auditMoveAt    = 32768
)

// auditJournalMost is the size at which this process starts a new journal file rather than
// go on appending to one whose first entries have been moved (which happens only when
// entries keep coming during every move): some 40,000 entries, and a row of audit_journal.
const auditJournalMost = 8 << 20

// auditJournal is where an SQLite store's audit entries added outside a transaction go
// first: a file beside the database, synced before the entry is acknowledged, from which
// they are moved into audit_log within a second, many in one transaction. Writing
// each audited page view's entry in a transaction of its own cost a third of the page's time
// (a commit, and every reader's page cache thrown away after it); the journal's append and
// sync cost a small part of that. It also keeps the entries safe while another process holds
// SQLite's write lock (a command-line import of 100,000 people holds it for several
// seconds): page views are answered meanwhile, and their entries move in once the lock is
// free — in order, each file's oldest first, and the oldest file first.
//
// Each process writes a journal file of its own beside the database (<db>-audit-<id>),
// locked for as long as the process lives. A process that opens the database takes over the
// files no live process holds (one that crashed), and moves their entries in. Entries are
// numbered in their file from 1, and the table audit_journal records, in the transaction
// that moves a file's entries, the number of the last one moved: a file moved again after a
// crash between that commit and its emptying or removal adds none twice.
//
// Reads of the log move what waits first (AuditLog, EachAudit, Backup), so that they list
// every acknowledged entry; CountAudit (login throttling) also counts what could not move.
type auditJournal struct {
	base string // the database file's path: journals are base-audit-<id>

	mu    sync.Mutex
	own   *journalFile   // this process's journal; nil until its first entry
	taken []*journalFile // older journals, oldest first: of processes that ended, or this one's
	// pending counts the entries waiting in own and taken, for a quick check, and since is
	// when the oldest of them came (no later than that: see moveMoving).
	pending int
	since   time.Time

	// moving is held while entries move, so that a count of the log and the journal does
	// not see an entry in both or in neither.
	moving sync.Mutex

	kick chan struct{}
	stop chan struct{}
	done chan struct{}
}

// journalFile is one journal: a file of JSON lines and the entries of it not yet moved in.
type journalFile struct {
	id      string
	f       *os.File
	entries []journalEntry
	last    int64 // the number of the file's last entry
	size    int64 // the file's size, when it is this process's own
}

type journalEntry struct {
	Seq     int64     `json:"seq"`
	At      time.Time `json:"at"`
	Actor   int64     `json:"actor,omitempty"`
	Action  string    `json:"action"`
	Subject int64     `json:"subject,omitempty"`
	Detail  string    `json:"detail,omitempty"`
	Address string    `json:"address,omitempty"`
}

func (e journalEntry) audit() AuditEntry {
	return AuditEntry{At: e.At, Actor: e.Actor, Action: e.Action, Subject: e.Subject, Detail: e.Detail, Address: e.Address}
}

// openAuditJournal takes over the journals that processes which have ended left beside the
// SQLite file at base, moves their entries in, and starts moving entries as they come.
func openAuditJournal(s *Store, base string) *auditJournal {
	j := &auditJournal{base: base, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	j.mu.Lock()
	took := j.takeLocked()
	j.mu.Unlock()
	if took {
		_ = j.move(context.Background(), s, auditPatience)
	}
	go j.mover(s)
	return j
}

// takeLocked takes over the journals beside the database that no live process holds, and
// reports whether it took any.
func (j *auditJournal) takeLocked() bool {
	names, _ := filepath.Glob(j.base + "-audit-*")
	took := false
	for _, name := range names {
		if j.holds(filepath.Base(name)) {
			continue
		}
		jf, err := takeJournal(name)
		if err != nil {
			continue // a live process's, or unreadable: left as it is
		}
		j.taken = append(j.taken, jf)
		j.wait(len(jf.entries))
		took = true
	}
	return took
}

// holds reports whether the journal named id is this process's own or one it took.
func (j *auditJournal) holds(id string) bool {
	if j.own != nil && j.own.id == id {
		return true
	}
	for _, jf := range j.taken {
		if jf.id == id {
			return true
		}
	}
	return false
}

// takeJournal locks and reads a journal another process left. A last line cut short (a
// crash during its write, before it was acknowledged) is ignored.
func takeJournal(name string) (*journalFile, error) {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	if err := fsutil.TryLock(f); err != nil {
		f.Close()
		return nil, err
	}
	jf := &journalFile{id: filepath.Base(name), f: f}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e journalEntry
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			break
		}
		jf.entries = append(jf.entries, e)
		jf.last = e.Seq
	}
	return jf, nil
}

// close stops the mover and moves what waits in, if the lock allows; what does not move
// stays in its file for the next process that opens the database.
func (j *auditJournal) close(s *Store) {
	close(j.stop)
	<-j.done
	moved := j.move(context.Background(), s, auditPatience) == nil
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.own != nil && moved && len(j.own.entries) == 0 {
		os.Remove(j.own.f.Name())
	}
	for _, jf := range append(j.taken, j.own) {
		if jf != nil {
			jf.f.Close()
		}
	}
}

// mover moves the waiting entries in once the oldest has waited auditMoveEvery, at once when
// auditMoveAt are waiting, and again at its next look when a move failed. A journal left by a
// process that ended is taken over on the way, and moved in at once.
func (j *auditJournal) mover(s *Store) {
	defer close(j.done)
	t := time.NewTicker(auditLookEvery)
	defer t.Stop()
	failed := false
	for {
		select {
		case <-j.stop:
			return
		case <-t.C:
		case <-j.kick:
		}
		j.mu.Lock()
		took := j.takeLocked()
		due := j.pending > 0 && (failed || j.pending >= auditMoveAt || time.Since(j.since) >= auditMoveEvery)
		j.mu.Unlock()
		if took || due {
			failed = j.move(context.Background(), s, auditMoverPatience) != nil
		}
	}
}

// add appends a group of entries added outside a transaction to this process's journal
// and syncs it: then the entries are safe, and acknowledged (without an id: they have none
// until they are moved in).
func (j *auditJournal) add(group []*auditWait) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.own == nil {
		jf, err := newJournal(j.base)
		if err != nil {
			return fmt.Errorf("add audit entry: the audit journal cannot be written: %w", err)
		}
		j.own = jf
	}
	jf := j.own
	var buf bytes.Buffer
	added := make([]journalEntry, 0, len(group))
	for i, w := range group {
		e := journalEntry{Seq: jf.last + int64(i) + 1, At: w.e.At, Actor: w.e.Actor, Action: w.e.Action,
			Subject: w.e.Subject, Detail: w.e.Detail, Address: w.e.Address}
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteByte('\n')
		added = append(added, e)
	}
	n, err := jf.f.Write(buf.Bytes())
	jf.size += int64(n)
	if err == nil {
		err = jf.f.Sync()
	}
	if err != nil {
		// What this group left in the file may be half a line, which would hide the entries
		// after it from a process taking the file over: the next entries go to a new file,
		// and this one's are moved in like a file taken over.
		j.taken = append(j.taken, jf)
		j.own = nil
		return fmt.Errorf("add audit entry: the audit journal cannot be written: %w", err)
	}
	jf.entries = append(jf.entries, added...)
	jf.last += int64(len(added))
	j.wait(len(added))
	for _, w := range group {
		w.added = w.e
	}
	if j.pending >= auditMoveAt {
		select {
		case j.kick <- struct{}{}:
		default:
		}
	}
	return nil
}

// wait counts n more entries waiting, with j.mu held.
func (j *auditJournal) wait(n int) {
	if j.pending == 0 && n > 0 {
		j.since = time.Now()
	}
	j.pending += n
}

// newJournal creates and locks a journal of this process's own beside the database base. A
// new name is tried when another process locked the file in the instant between its creation
// and its lock (taking it for one left by a process that ended).
func newJournal(base string) (*journalFile, error) {
	var err error
	for range 3 {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		name := base + "-audit-" + hex.EncodeToString(b)
		var f *os.File
		if f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o600); err != nil {
			return nil, err
		}
		if err = fsutil.TryLock(f); err != nil && !errors.Is(err, errors.ErrUnsupported) {
			f.Close()
			continue // the other process removes it once it has found it empty
		}
		// The new name must survive a crash too.
		if d, err := os.Open(filepath.Dir(name)); err == nil {
			_ = d.Sync()
			d.Close()
		}
		return &journalFile{id: filepath.Base(name), f: f}, nil
	}
	return nil, fmt.Errorf("lock a journal: %w", err)
}

// move moves every entry waiting now into the database in one transaction, oldest journal
// first, waiting at most patience for the write lock. Entries added meanwhile wait for the
// next move. On error nothing moved, and the entries wait on.
func (j *auditJournal) move(ctx context.Context, s *Store, patience time.Duration) error {
	j.moving.Lock()
	defer j.moving.Unlock()
	return j.moveMoving(ctx, s, patience)
}

// moveMoving is move, with j.moving held.
func (j *auditJournal) moveMoving(ctx context.Context, s *Store, patience time.Duration) error {
	type part struct {
		jf      *journalFile
		entries []journalEntry
	}
	ctx = WaitAtMost(ctx, patience)
	j.mu.Lock()
	// Whatever waits after this move came after this moment.
	taken := time.Now()
	var parts []part
	for _, jf := range append(j.taken[:len(j.taken):len(j.taken)], j.own) {
		if jf != nil && len(jf.entries) > 0 {
			parts = append(parts, part{jf, jf.entries})
		}
	}
	j.mu.Unlock()
	if len(parts) == 0 {
		return nil
	}
	s.prepareAuditCopies(ctx)
	err := s.WithTx(ctx, func(tx *Store) error {
		for _, p := range parts {
			var moved int64
			err := tx.queryRow(ctx, `SELECT seq FROM audit_journal WHERE id = ?`, p.jf.id).Scan(&moved)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return tx.fail(err, "read the audit journal's progress")
			}
			var ws []*auditWait
			for _, e := range p.entries {
				if e.Seq > moved {
					ws = append(ws, &auditWait{e: e.audit()})
				}
			}
			if err := tx.copyAudits(ctx, ws); err != nil {
				return err
			}
			last := p.entries[len(p.entries)-1].Seq
			if _, err := tx.exec(ctx, `INSERT INTO audit_journal (id, seq) VALUES (?, ?)
				ON CONFLICT (id) DO UPDATE SET seq = excluded.seq`, p.jf.id, last); err != nil {
				return tx.fail(err, "record the audit journal's progress")
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, p := range parts {
		p.jf.entries = p.jf.entries[len(p.entries):]
		j.pending -= len(p.entries)
		switch {
		case p.jf != j.own:
			// Taken over, or this process's own before it grew too long: once all its
			// entries are in, it is removed. (Its row in audit_journal stays: a file removed
			// may come back after a crash.)
			if len(p.jf.entries) == 0 {
				j.taken = slices.DeleteFunc(j.taken, func(t *journalFile) bool { return t == p.jf })
				os.Remove(p.jf.f.Name())
				p.jf.f.Close()
			}
		case len(p.jf.entries) == 0:
			// Everything in it moved: emptied, it goes on. Its entries go on being numbered
			// after those moved, which audit_journal records.
			if p.jf.f.Truncate(0) == nil {
				p.jf.size = 0
			}
		case p.jf.size >= auditJournalMost:
			// Entries came in during the move: a file that is never empty at the end of one
			// would grow for ever, so a long one is finished, and moved in like one taken over.
			j.taken = append(j.taken, p.jf)
			j.own = nil
		}
	}
	if j.pending > 0 {
		j.since = taken
	}
	return nil
}

// flush moves what waits in before a read of the log. If the write lock is not had within
// auditPatience, the entries wait on, and the read finds them in the journal (pendingOf).
func (j *auditJournal) flush(ctx context.Context, s *Store) {
	j.mu.Lock()
	waiting := j.pending > 0
	j.mu.Unlock()
	if waiting {
		_ = j.move(ctx, s, auditPatience)
	}
}

// pendingOf returns the entries waiting in the journal that f chooses, newest first (by time,
// then the latest added first: the order they will have in the log once moved in).
func (j *auditJournal) pendingOf(f AuditFilter) []AuditEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []AuditEntry
	for _, jf := range append(j.taken[:len(j.taken):len(j.taken)], j.own) {
		if jf == nil {
			continue
		}
		for _, e := range jf.entries {
			if a := e.audit(); f.matches(a) {
				out = append(out, a)
			}
		}
	}
	slices.Reverse(out)
	slices.SortStableFunc(out, func(a, b AuditEntry) int { return b.At.Compare(a.At) })
	return out
}
