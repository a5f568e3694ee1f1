package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
)

// Many goroutines writing at once, through two Stores on one file as two processes would,
// must neither fail with SQLITE_BUSY nor lose a write: within a Store the single writer
// connection queues them, between Stores the busy timeout does.
func TestSQLiteConcurrentWrites(t *testing.T) {
	t.Parallel()
	cfg := store.Config{SQLitePath: filepath.Join(t.TempDir(), "rungs.db")}
	stores := []*store.Store{open(t, cfg), open(t, cfg)}
	ctx := context.Background()
	const writers, each = 16, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*each*2)
	for w := range writers {
		wg.Go(func() {
			s := stores[w%len(stores)]
			for i := range each {
				p, err := s.CreatePerson(ctx, store.Person{Name: "P", Email: fmt.Sprintf("p%d.%d@example.com", w, i), StartDate: day("2024-01-01")})
				if err != nil {
					errs <- err
					continue
				}
				if _, err := s.AddLevelChange(ctx, store.LevelChange{PersonID: p.ID, Ladder: "eng", Track: "ic", ToLevel: "L1",
					Date: day("2024-01-01"), Reason: store.Hire}); err != nil {
					errs <- err
				}
				// Readers run alongside the writers.
				if _, err := s.ListPeople(ctx, store.PeopleFilter{Limit: 10}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	total := 0
	for after := int64(0); ; {
		page, err := stores[0].ListPeople(ctx, store.PeopleFilter{Limit: store.MaxLimit, After: after})
		if err != nil {
			t.Fatal(err)
		}
		total += len(page)
		if len(page) < store.MaxLimit {
			break
		}
		after = page[len(page)-1].ID
	}
	if total != writers*each {
		t.Errorf("%d people, want %d", total, writers*each)
	}
}

// The DSN's pragmas reach every connection: WAL, enforced foreign keys, a busy timeout, a
// large page cache and no memory map, a writer that syncs every commit, and readers that
// cannot write.
func TestSQLitePragmas(t *testing.T) {
	t.Parallel()
	s := open(t, store.Config{SQLitePath: filepath.Join(t.TempDir(), "rungs.db")})
	tests := []struct {
		name   string
		reader bool
		pragma string
		want   string
	}{
		{"writer journal", false, "journal_mode", "wal"},
		{"writer foreign keys", false, "foreign_keys", "1"},
		{"writer busy timeout", false, "busy_timeout", "10000"},
		{"writer synchronous full", false, "synchronous", "2"},
		{"writer can write", false, "query_only", "0"},
		{"reader journal", true, "journal_mode", "wal"},
		{"reader foreign keys", true, "foreign_keys", "1"},
		{"reader busy timeout", true, "busy_timeout", "10000"},
		{"reader query only", true, "query_only", "1"},
		{"reader page cache", true, "cache_size", "-32000"},
		{"reader not memory-mapped", true, "mmap_size", "0"},
	}
	for _, tt := range tests {
		db := s.DB()
		if tt.reader {
			db = s.ReadDB()
		}
		var got string
		if err := db.QueryRowContext(context.Background(), "PRAGMA "+tt.pragma).Scan(&got); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		} else if got != tt.want {
			t.Errorf("%s: %s = %s, want %s", tt.name, tt.pragma, got, tt.want)
		}
	}
	if n := s.DB().Stats().MaxOpenConnections; n != 1 {
		t.Errorf("writer pool allows %d connections, want 1", n)
	}
}

// A database file that cannot be made is named in the error, as the driver does not.
func TestSQLiteOpenErrorNamesFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "no such folder", "rungs.db")
	s, err := store.Open(context.Background(), store.Config{SQLitePath: path})
	if err == nil {
		s.Close()
		t.Fatal("opened a database in a folder that does not exist")
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name %s", err, path)
	}
}

// A write that waits out the busy timeout behind another process's transaction is ErrBusy,
// which callers can explain, and writes nothing.
func TestSQLiteBusyIsErrBusy(t *testing.T) {
	t.Parallel()
	cfg := store.Config{SQLitePath: filepath.Join(t.TempDir(), "rungs.db"), BusyTimeout: 200 * time.Millisecond}
	holder, waiter := open(t, cfg), open(t, cfg)
	ctx := context.Background()
	var err error
	// The holder's transaction keeps the write lock, as another rungs importing would, until
	// the waiter has given up.
	if herr := holder.WithTx(ctx, func(tx *store.Store) error {
		if _, err := tx.CreatePerson(ctx, store.Person{Name: "Holder", Email: "holder@example.com", StartDate: day("2024-01-01")}); err != nil {
			return err
		}
		_, err = waiter.ImportPeople(ctx, []store.ImportRow{{Person: store.Person{Name: "Ada", Email: "ada@example.com", StartDate: day("2024-01-01")}}}, 0)
		return nil
	}); herr != nil {
		t.Fatal(herr)
	}
	if !errors.Is(err, store.ErrBusy) {
		t.Errorf("an import behind another process's write: %v, want ErrBusy", err)
	}
	if _, err := waiter.PersonByEmail(ctx, "ada@example.com"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the refused import wrote: %v", err)
	}
}

// TestBusyWritesWaitWithinTimeout: writes queued behind another process's write lock each
// give up within the busy timeout of their own start, not one timeout after the write ahead
// of them; each wait is reported, and once the lock is gone writes go through again.
func TestBusyWritesWaitWithinTimeout(t *testing.T) {
	t.Parallel()
	const timeout = 300 * time.Millisecond
	const margin = 150 * time.Millisecond // well under a second timeout, which the old queue added
	path := filepath.Join(t.TempDir(), "rungs.db")
	s := open(t, store.Config{SQLitePath: path, BusyTimeout: timeout})
	var mu sync.Mutex
	var waits []time.Duration
	var gaveUp int
	s.ReportWrites(func(waited time.Duration, gave bool) {
		mu.Lock()
		defer mu.Unlock()
		waits = append(waits, waited)
		if gave {
			gaveUp++
		}
	})
	ctx := context.Background()
	// The other process: a connection of its own that holds the write lock.
	other, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	writes := []struct {
		name  string
		write func() error
	}{
		{"a transaction", func() error {
			_, err := s.CreatePerson(ctx, store.Person{Name: "Ada", Email: "ada@example.com", StartDate: day("2024-01-01")})
			return err
		}},
		{"a statement", func() error {
			if _, err := s.Exec(ctx, "UPDATE people SET title = 'x' WHERE id = 0"); err != nil {
				return s.Fail(err, "update") // as the store's methods map their errors
			}
			return nil
		}},
		{"a statement returning a row", func() error {
			var id int64
			if err := s.WriteRow(ctx, "UPDATE people SET title = 'x' WHERE id = 0 RETURNING id").Scan(&id); err != nil {
				return s.Fail(err, "update")
			}
			return nil
		}},
		{"another transaction", func() error {
			return s.WithTx(ctx, func(tx *store.Store) error {
				_, err := tx.Exec(ctx, "UPDATE people SET title = 'y' WHERE id = 0")
				return err
			})
		}},
	}
	took := make([]time.Duration, len(writes))
	errs := make([]error, len(writes))
	var wg sync.WaitGroup
	for i, w := range writes {
		wg.Go(func() {
			start := time.Now()
			errs[i] = w.write()
			took[i] = time.Since(start)
		})
	}
	wg.Wait()
	for i, w := range writes {
		if !errors.Is(errs[i], store.ErrBusy) {
			t.Errorf("%s behind another process's lock: %v, want ErrBusy", w.name, errs[i])
		}
		if took[i] > timeout+margin {
			t.Errorf("%s gave up after %s, want at most the busy timeout %s (+%s)", w.name, took[i], timeout, margin)
		}
	}
	mu.Lock()
	if len(waits) != len(writes) || gaveUp != len(writes) {
		t.Errorf("reported %d waits (%v), %d given up; want %d, all given up", len(waits), waits, gaveUp, len(writes))
	}
	waits, gaveUp = nil, 0
	mu.Unlock()
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	for _, w := range writes {
		if err := w.write(); err != nil && !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s once the lock is gone: %v", w.name, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(waits) == 0 || gaveUp != 0 {
		t.Errorf("after the lock: reported %d waits, %d given up; want some, none given up", len(waits), gaveUp)
	}
}

// TestWritesWaitForAnImport: while an import runs (from another process: another Store on the
// same file), a write waits for it past the busy timeout and goes through once it commits,
// instead of giving up; without an import, the busy timeout still bounds the wait.
func TestWritesWaitForAnImport(t *testing.T) {
	t.Parallel()
	const timeout = 300 * time.Millisecond
	cfg := store.Config{SQLitePath: filepath.Join(t.TempDir(), "rungs.db"), BusyTimeout: timeout}
	s, outside := open(t, cfg), open(t, cfg)
	ctx := context.Background()
	started, hold := make(chan struct{}), 4*timeout
	done := make(chan error, 1)
	go func() {
		done <- outside.WithImport(ctx, func(tx *store.Store) error {
			if _, err := tx.CreatePerson(ctx, store.Person{Name: "Imported", Email: "imported@example.com", StartDate: day("2024-01-01")}); err != nil {
				return err
			}
			close(started)
			time.Sleep(hold)
			return nil
		})
	}()
	<-started
	start := time.Now()
	if _, err := s.CreatePerson(ctx, store.Person{Name: "Saved", Email: "saved@example.com", StartDate: day("2024-01-01")}); err != nil {
		t.Fatalf("a save during an import: %v", err)
	}
	if took := time.Since(start); took < hold/2 {
		t.Errorf("the save took %s: it did not wait for the import", took)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// A write that arrived before an import began waits for it too.
	release := holdLock(t, cfg.SQLitePath)
	late := make(chan error, 1)
	start = time.Now()
	go func() {
		_, err := s.CreatePerson(ctx, store.Person{Name: "Early", Email: "early@example.com", StartDate: day("2024-01-01")})
		late <- err
	}()
	time.Sleep(timeout / 3)
	announced := make(chan struct{})
	go func() {
		_ = outside.WithImport(ctx, func(*store.Store) error { // waits for the lock held above
			close(announced)
			return nil
		})
	}()
	time.Sleep(2 * timeout) // the write's busy timeout passes while the import is announced
	release()
	if err := <-late; err != nil {
		t.Errorf("a write that arrived just before an import: %v after %s", err, time.Since(start))
	}
	<-announced

	// The import over, the busy timeout bounds a write again.
	release = holdLock(t, cfg.SQLitePath)
	defer release()
	start = time.Now()
	_, err := s.CreatePerson(ctx, store.Person{Name: "Late", Email: "late@example.com", StartDate: day("2024-01-01")})
	// Waiting for an import would be ImportWait (90 s): a bound far below it and far above the
	// busy timeout tells the two apart on a busy machine.
	if !errors.Is(err, store.ErrBusy) || time.Since(start) > 10*time.Second {
		t.Errorf("behind a lock with no import: %v after %s", err, time.Since(start))
	}
}
