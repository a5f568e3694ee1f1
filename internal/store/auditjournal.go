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
	"sync"
	"time"

	"github.com/rungs/rungs/internal/fsutil"
)

// auditPatience is how long an audit entry waits for SQLite's write lock before it goes to
// the journal instead.
const auditPatience = Patience

// auditRetry is how often entries waiting in the journal are tried again.
const auditRetry = time.Second

// auditJournal keeps audit entries safe on disk while another process holds SQLite's write
// lock (a command-line import of 100,000 people holds it for several seconds), so that the
// page views and API reads audited meanwhile are answered at once instead of waiting for the
// lock and failing after the busy timeout. An entry is acknowledged only once it is in the
// database or synced to the journal; the journal's entries go into the database, in order,
// as soon as the lock is free — before any newer entry, so the log keeps its order.
//
// Each process writes a journal file of its own beside the database (<db>-audit-<id>),
// locked for as long as the process lives. A process that opens the database takes over the
// files no live process holds (one that crashed), and moves their entries in. The table
// audit_journal records, in the transaction that moves a file's entries, the last one moved:
// a file moved again after a crash between that commit and its removal adds none twice.
//
// Entries in the journal are counted by CountAudit (login throttling reads it) but are not
// listed by AuditLog until they are moved, a second or so after the lock is free.
type auditJournal struct {
	base string // the database file's path: journals are base-audit-<id>

	mu    sync.Mutex
	own   *journalFile   // this process's journal; nil while it has nothing waiting
	taken []*journalFile // the journals of processes that ended, waiting to be moved in
	// pending counts the entries waiting in own and taken, for a quick check.
	pending int

	stop chan struct{}
	done chan struct{}
}

// journalFile is one journal: a file of JSON lines, entries numbered from 1, and the
// entries it holds in memory.
type journalFile struct {
	id      string
	f       *os.File
	entries []journalEntry
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
// SQLite file at base, and starts moving waiting entries in every auditRetry.
func openAuditJournal(s *Store, base string) *auditJournal {
	j := &auditJournal{base: base, stop: make(chan struct{}), done: make(chan struct{})}
	j.mu.Lock()
	if j.takeLocked() {
		_ = j.moveLocked(WaitAtMost(context.Background(), auditPatience), s)
	}
	j.mu.Unlock()
	go j.retry(s)
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
		j.pending += len(jf.entries)
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
	}
	return jf, nil
}

// close stops the retries and moves what waits in, if the lock allows; what does not move
// stays in its file for the next process that opens the database.
func (j *auditJournal) close(s *Store) {
	close(j.stop)
	<-j.done
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.pending > 0 {
		_ = j.moveLocked(WaitAtMost(context.Background(), auditPatience), s)
	}
	for _, jf := range append(j.taken, j.own) {
		if jf != nil {
			jf.f.Close()
		}
	}
}

func (j *auditJournal) retry(s *Store) {
	defer close(j.done)
	t := time.NewTicker(auditRetry)
	defer t.Stop()
	for {
		select {
		case <-j.stop:
			return
		case <-t.C:
			j.mu.Lock()
			// A process that ended while the lock was held elsewhere left its journal.
			if j.takeLocked() || j.pending > 0 {
				_ = j.moveLocked(WaitAtMost(context.Background(), auditPatience), s)
			}
			j.mu.Unlock()
		}
	}
}

// commit writes a group of entries added outside a transaction: into the database, after
// any entries waiting in the journal, or into the journal when the write lock is not had
// within auditPatience.
func (j *auditJournal) commit(ctx context.Context, s *Store, group []*auditWait) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	ctx = WaitAtMost(ctx, auditPatience)
	if j.pending == 0 || j.moveLocked(ctx, s) == nil {
		err := s.writeAuditGroup(ctx, group)
		if !errors.Is(err, ErrBusy) {
			return err
		}
		// ErrBusy: the lock was not had, so nothing was written.
	}
	return j.appendLocked(group)
}

// appendLocked adds the group to this process's journal and syncs it: then the entries are
// safe, and acknowledged (without an id: they have none until they are moved in).
func (j *auditJournal) appendLocked(group []*auditWait) error {
	if j.own == nil {
		jf, err := newJournal(j.base)
		if err != nil {
			return fmt.Errorf("add audit entry: the database is busy, and the journal cannot be written: %w", err)
		}
		j.own = jf
	}
	jf := j.own
	var buf bytes.Buffer
	added := make([]journalEntry, 0, len(group))
	for i, w := range group {
		e := journalEntry{Seq: int64(len(jf.entries) + i + 1), At: w.e.At, Actor: w.e.Actor, Action: w.e.Action,
			Subject: w.e.Subject, Detail: w.e.Detail, Address: w.e.Address}
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteByte('\n')
		added = append(added, e)
	}
	if _, err := jf.f.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("add audit entry: the database is busy, and the journal cannot be written: %w", err)
	}
	if err := jf.f.Sync(); err != nil {
		return fmt.Errorf("add audit entry: the database is busy, and the journal cannot be synced: %w", err)
	}
	jf.entries = append(jf.entries, added...)
	j.pending += len(added)
	for _, w := range group {
		w.added = w.e
	}
	return nil
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

// moveLocked moves every waiting entry into the database in one transaction, oldest journal
// first, and removes the journals. On error nothing moved and the journals stay.
func (j *auditJournal) moveLocked(ctx context.Context, s *Store) error {
	files := j.taken
	if j.own != nil {
		files = append(files[:len(files):len(files)], j.own)
	}
	err := s.WithTx(ctx, func(tx *Store) error {
		for _, jf := range files {
			var moved int64
			err := tx.queryRow(ctx, `SELECT seq FROM audit_journal WHERE id = ?`, jf.id).Scan(&moved)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return tx.fail(err, "read the audit journal's progress")
			}
			var ws []*auditWait
			for _, e := range jf.entries {
				if e.Seq > moved {
					ws = append(ws, &auditWait{e: e.audit()})
				}
			}
			if err := tx.writeAuditGroup(ctx, ws); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `INSERT INTO audit_journal (id, seq) VALUES (?, ?)
				ON CONFLICT (id) DO UPDATE SET seq = excluded.seq`, jf.id, int64(len(jf.entries))); err != nil {
				return tx.fail(err, "record the audit journal's progress")
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, jf := range files {
		os.Remove(jf.f.Name())
		jf.f.Close()
	}
	j.own, j.taken, j.pending = nil, nil, 0
	return nil
}

// countPending counts the entries waiting in the journal that f chooses.
func (j *auditJournal) countPending(f AuditFilter) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := 0
	for _, jf := range append(j.taken[:len(j.taken):len(j.taken)], j.own) {
		if jf == nil {
			continue
		}
		for _, e := range jf.entries {
			if f.matches(e.audit()) {
				n++
			}
		}
	}
	return n
}
