package storetest

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/rungs/rungs/internal/store"
)

// snapshot is a SQLite database migrated once per test binary, copied for each test.
var snapshot struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// SQLite returns the path of a new SQLite database in t's temporary folder, already migrated
// to the current schema: a copy of a snapshot migrated once per test binary.
func SQLite(t testing.TB) string {
	t.Helper()
	snapshot.once.Do(func() { snapshot.err = makeSnapshot() })
	if snapshot.err != nil {
		t.Fatalf("SQLite snapshot: %v", snapshot.err)
	}
	path := filepath.Join(t.TempDir(), "rungs.db")
	if err := copyFile(snapshot.path, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// EmptySQLite returns the path of a SQLite database that does not exist yet, for tests of
// the migrations themselves.
func EmptySQLite(t testing.TB) string {
	return filepath.Join(t.TempDir(), "rungs.db")
}

func makeSnapshot() error {
	dir, err := os.MkdirTemp("", "rungs-sqlite-")
	if err != nil {
		return err
	}
	snapshot.dir = dir
	snapshot.path = filepath.Join(dir, "rungs.db")
	s, err := store.Open(context.Background(), store.Config{SQLitePath: snapshot.path})
	if err != nil {
		return err
	}
	// Closing the last connection checkpoints the write-ahead log into the file and removes
	// it, so the file alone is the whole database.
	return s.Close()
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

func removeSnapshot() {
	if snapshot.dir != "" {
		_ = os.RemoveAll(snapshot.dir)
	}
}
