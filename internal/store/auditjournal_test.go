package store_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
)

// holdLock holds SQLite's write lock on the file at path from a connection of its own, as
// another process's import does, until the returned function is called.
func holdLock(t *testing.T, path string) (release func()) {
	t.Helper()
	ctx := context.Background()
	other, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	released := false
	release = func() {
		if !released {
			released = true
			conn.ExecContext(ctx, "ROLLBACK")
			conn.Close()
			other.Close()
		}
	}
	t.Cleanup(release)
	return release
}

// waitForEntries polls until the audit log lists n entries of action, or fails after 10 s.
func waitForEntries(t *testing.T, s *store.Store, action string, n int) []store.AuditEntry {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := s.AuditLog(context.Background(), store.AuditFilter{Action: action, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d entries of %s in the audit log, want %d", len(got), action, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func journals(t *testing.T, path string) []string {
	t.Helper()
	names, err := filepath.Glob(path + "-audit-*")
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TestAuditJournal: while another process holds the write lock far past the busy timeout's
// patience, an audited read is acknowledged at once from the journal, counted by CountAudit
// (login throttling) at once, and in the audit log, in order, once the lock is free.
func TestAuditJournal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rungs.db")
	s := open(t, store.Config{SQLitePath: path}) // the default busy timeout: 10 s
	release := holdLock(t, path)

	start := time.Now()
	e, err := s.AddAudit(ctx, store.AuditEntry{Action: "person.view", Subject: 7, Detail: "first", Address: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	// Waiting for the lock would be the busy timeout, 10 s; half of it tells the two apart on a
	// busy machine, as a tighter bound might not.
	if took := time.Since(start); took >= store.DefaultBusyTimeout/2 {
		t.Errorf("an audited read waited %v behind another process's lock", took)
	}
	if e.ID != 0 || e.Detail != "first" {
		t.Errorf("a journaled entry: %+v", e)
	}
	if _, err := s.AddAudit(ctx, store.AuditEntry{Action: "person.view", Subject: 7, Detail: "second", Address: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.CountAudit(ctx, store.AuditFilter{Action: "person.view", Address: "192.0.2.1"}); err != nil || n != 2 {
		t.Errorf("CountAudit while journaled: %d, %v; want 2", n, err)
	}
	if n, _ := s.CountAudit(ctx, store.AuditFilter{Action: "person.view", Address: "198.51.100.1"}); n != 0 {
		t.Errorf("CountAudit by another address: %d", n)
	}
	if len(journals(t, path)) != 1 {
		t.Fatalf("journals: %v", journals(t, path))
	}

	release()
	// The next entry goes to the journal too, after them; all move in once the lock is free.
	if _, err := s.AddAudit(ctx, store.AuditEntry{Action: "person.view", Subject: 7, Detail: "third"}); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	got := waitForEntries(t, s, "person.view", 3)
	// Newest first: the journaled entries went in before the one added after them.
	if got[0].Detail != "third" || got[1].Detail != "second" || got[2].Detail != "first" || !(got[2].ID < got[1].ID && got[1].ID < got[0].ID) {
		t.Errorf("order: %+v", got)
	}
	if got[2].At != e.At {
		t.Errorf("a journaled entry's time: %v, want %v", got[2].At, e.At)
	}
	if n, _ := s.CountAudit(ctx, store.AuditFilter{Action: "person.view"}); n != 3 {
		t.Errorf("CountAudit after the move: %d, want 3 (none counted twice)", n)
	}
	// The process's journal stays, emptied, for its next entries.
	for _, name := range journals(t, path) {
		if fi, err := os.Stat(name); err != nil || fi.Size() != 0 {
			t.Errorf("journal %s left with something in it: %v", name, err)
		}
	}
}

// While another process holds the write lock, the audit log lists the entries waiting in the
// journal with those moved in, newest first, page by page, and the export has them in time
// order: an acknowledged entry is in the log whether or not it could be moved in yet. Once the
// lock is free, they are moved in, each listed once.
func TestAuditLogWhileJournaled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rungs.db")
	s := open(t, store.Config{SQLitePath: path})
	if _, err := s.AddAudit(ctx, store.AuditEntry{Action: "person.view", Subject: 7, Detail: "moved"}); err != nil {
		t.Fatal(err)
	}
	// Read, the log has it moved in first.
	if got := waitForEntries(t, s, "person.view", 1); got[0].ID == 0 {
		t.Fatalf("read with the lock free: %+v; want it moved in", got)
	}
	release := holdLock(t, path)
	for _, d := range []string{"first", "second"} {
		if _, err := s.AddAudit(ctx, store.AuditEntry{Action: "person.view", Subject: 7, Detail: d}); err != nil {
			t.Fatal(err)
		}
	}
	details := func(f store.AuditFilter) []string {
		t.Helper()
		got, err := s.AuditLog(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, e := range got {
			out = append(out, e.Detail)
		}
		return out
	}
	for _, tt := range []struct {
		f    store.AuditFilter
		want []string
	}{
		{store.AuditFilter{Action: "person.view", Limit: 10}, []string{"second", "first", "moved"}},
		{store.AuditFilter{Action: "person.view", Limit: 2}, []string{"second", "first"}},
		{store.AuditFilter{Action: "person.view", Limit: 2, Offset: 1}, []string{"first", "moved"}},
		{store.AuditFilter{Action: "person.view", Limit: 2, Offset: 2}, []string{"moved"}},
		{store.AuditFilter{Action: "person.view", Limit: 2, Offset: 3}, []string{}},
		{store.AuditFilter{Action: "login.failed", Limit: 10}, []string{}},
	} {
		if got := details(tt.f); !slices.Equal(got, tt.want) {
			t.Errorf("AuditLog(%+v) while journaled: %v, want %v", tt.f, got, tt.want)
		}
	}
	var exported []string
	if err := s.EachAudit(ctx, store.AuditFilter{Action: "person.view"}, func(e store.AuditEntry) error {
		exported = append(exported, e.Detail)
		return nil
	}); err != nil || !slices.Equal(exported, []string{"moved", "first", "second"}) {
		t.Errorf("EachAudit while journaled: %v, %v; want moved, first, second", exported, err)
	}

	release()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		got, err := s.AuditLog(ctx, store.AuditFilter{Action: "person.view", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 3 && got[0].ID != 0 && got[1].ID != 0 {
			if got[0].Detail != "second" || got[1].Detail != "first" || got[2].Detail != "moved" {
				t.Errorf("once moved in: %+v, want second, first, moved, each once", got)
			}
			break
		}
		if len(got) != 3 || time.Now().After(deadline) {
			t.Fatalf("after the lock was let go: %+v; want the three, moved in within 10 s", got)
		}
	}
}

// An export paused by a slow client holds up neither the journal's moves nor a read of the
// log: its statement reads the log as it was at its first row.
func TestAuditExportLetsMovesGoOn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := open(t, store.Config{SQLitePath: filepath.Join(t.TempDir(), "rungs.db")})
	for _, d := range []string{"a", "b"} {
		if _, err := s.AddAudit(ctx, store.AuditEntry{Action: "person.view", Detail: d}); err != nil {
			t.Fatal(err)
		}
	}
	var exported []string
	err := s.EachAudit(ctx, store.AuditFilter{Action: "person.view"}, func(e store.AuditEntry) error {
		exported = append(exported, e.Detail)
		if e.Detail != "a" {
			return nil
		}
		if _, err := s.AddAudit(ctx, store.AuditEntry{Action: "person.view", Detail: "c"}); err != nil {
			return err
		}
		read := make(chan []store.AuditEntry, 1)
		go func() {
			list, _ := s.AuditLog(ctx, store.AuditFilter{Action: "person.view", Limit: 10})
			read <- list
		}()
		select {
		case list := <-read:
			if len(list) != 3 || list[0].Detail != "c" || list[0].ID == 0 {
				t.Errorf("the log read during the export: %+v; want c moved in, then b and a", list)
			}
		case <-time.After(10 * time.Second):
			t.Error("a read of the log waited for the export")
		}
		return nil
	})
	if err != nil || !slices.Equal(exported, []string{"a", "b"}) {
		t.Errorf("exported %v, %v; want a, b (the log as it was)", exported, err)
	}
}

// TestAuditJournalAfterCrash: a process killed with entries in its journal loses none of
// them: the next process to open the database moves them in, once; a journal found again
// after it was moved (a crash between the move's commit and the file's removal) adds none
// twice.
func TestAuditJournalAfterCrash(t *testing.T) {
	if path := os.Getenv("RUNGS_JOURNAL_CHILD"); path != "" {
		journalChild(path)
		return
	}
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rungs.db")
	s := open(t, store.Config{SQLitePath: path})
	s.Close()
	release := holdLock(t, path)

	cmd := exec.Command(os.Args[0], "-test.run=^TestAuditJournalAfterCrash$")
	cmd.Env = append(os.Environ(), "RUNGS_JOURNAL_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "journaled\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the child said %q, %v", line, err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	names := journals(t, path)
	if len(names) != 1 {
		t.Fatalf("journals after the crash: %v", names)
	}
	saved, err := os.ReadFile(names[0])
	if err != nil {
		t.Fatal(err)
	}
	release()

	s = open(t, store.Config{SQLitePath: path})
	got := waitForEntries(t, s, "person.view", 2)
	if got[0].Detail != "acknowledged 2" || got[1].Detail != "acknowledged 1" {
		t.Errorf("the crashed process's entries: %+v", got)
	}
	s.Close()

	// The same journal again, as if its removal had not happened.
	if err := os.WriteFile(names[0], saved, 0o600); err != nil {
		t.Fatal(err)
	}
	s = open(t, store.Config{SQLitePath: path})
	if len(journals(t, path)) != 0 {
		t.Errorf("a journal moved before was not removed: %v", journals(t, path))
	}
	if n, err := s.CountAudit(ctx, store.AuditFilter{Action: "person.view"}); err != nil || n != 2 {
		t.Errorf("after reading the journal again: %d entries, %v; want 2", n, err)
	}
}

// TestAuditJournalEmptiedThenCrash: a process whose journal was moved in and emptied, then
// took more entries and was killed, loses none and adds none twice: the entries after the
// emptying go on being numbered after the ones moved.
func TestAuditJournalEmptiedThenCrash(t *testing.T) {
	if path := os.Getenv("RUNGS_JOURNAL_EMPTIED_CHILD"); path != "" {
		emptiedChild(path)
		return
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rungs.db")
	s := open(t, store.Config{SQLitePath: path})
	s.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestAuditJournalEmptiedThenCrash$")
	cmd.Env = append(os.Environ(), "RUNGS_JOURNAL_EMPTIED_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	said := bufio.NewReader(out)
	if line, err := said.ReadString('\n'); err != nil || line != "moved\n" {
		t.Fatalf("the child said %q, %v", line, err)
	}
	// The child's next entries stay in its journal: the lock is held until it is killed.
	release := holdLock(t, path)
	if _, err := in.Write([]byte("go on\n")); err != nil {
		t.Fatal(err)
	}
	if line, err := said.ReadString('\n'); err != nil || line != "journaled\n" {
		t.Fatalf("the child said %q, %v", line, err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	release()

	s = open(t, store.Config{SQLitePath: path})
	got := waitForEntries(t, s, "person.view", 4)
	var details []string
	for _, e := range got {
		details = append(details, e.Detail)
	}
	if want := []string{"after 2", "after 1", "before 2", "before 1"}; !slices.Equal(details, want) {
		t.Errorf("entries %q, want %q", details, want)
	}
}

// emptiedChild adds two entries and moves them in (emptying its journal), says so, waits for
// the go-ahead, adds two more, says so, and waits to be killed.
func emptiedChild(path string) {
	ctx := context.Background()
	s, err := store.Open(ctx, store.Config{SQLitePath: path})
	if err != nil {
		panic(err)
	}
	add := func(d string) {
		if _, err := s.AddAudit(ctx, store.AuditEntry{Action: "person.view", Detail: d}); err != nil {
			panic(err)
		}
	}
	add("before 1")
	add("before 2")
	if got, err := s.AuditLog(ctx, store.AuditFilter{Action: "person.view"}); err != nil || len(got) != 2 {
		panic(fmt.Sprintf("before the crash: %d entries, %v", len(got), err))
	}
	os.Stdout.WriteString("moved\n")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		panic(err)
	}
	add("after 1")
	add("after 2")
	os.Stdout.WriteString("journaled\n")
	time.Sleep(time.Minute)
	os.Exit(1)
}

// journalChild is the process that crashes: it journals two entries behind the parent's lock,
// says so, and waits to be killed.
func journalChild(path string) {
	s, err := store.Open(context.Background(), store.Config{SQLitePath: path})
	if err != nil {
		panic(err)
	}
	for _, d := range []string{"acknowledged 1", "acknowledged 2"} {
		if _, err := s.AddAudit(context.Background(), store.AuditEntry{Action: "person.view", Detail: d}); err != nil {
			panic(err)
		}
	}
	os.Stdout.WriteString("journaled\n")
	time.Sleep(time.Minute)
	os.Exit(1)
}

// TestAuditJournalMovesFew: entries wait in the journal for a while rather than each second
// being a commit, after which every SQLite reader reads its pages afresh. Three seconds after
// an entry came it is still in the journal (the mover looks each second and moves at ten), and
// the audit log lists it all the same, moving it in first.
func TestAuditJournalMovesFew(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rungs.db")
	s := open(t, store.Config{SQLitePath: path})
	if _, err := s.AddAudit(ctx, store.AuditEntry{Action: "person.view", Subject: 7, Address: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second)
	waiting := 0
	for _, name := range journals(t, path) {
		if fi, err := os.Stat(name); err == nil && fi.Size() > 0 {
			waiting++
		}
	}
	if waiting != 1 {
		t.Errorf("%d journals hold entries three seconds after one came, want 1: moved in too soon", waiting)
	}
	waitForEntries(t, s, "person.view", 1)
	for _, name := range journals(t, path) {
		if fi, err := os.Stat(name); err != nil || fi.Size() != 0 {
			t.Errorf("journal %s after the log was read: %v, %v", name, fi, err)
		}
	}
}
