//go:build unix

package fsutil_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rungs/rungs/internal/fsutil"
)

// Lock waits for the lock another open file of the same path holds, and then holds it.
func TestLockWaits(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "lock")
	open := func() *os.File {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	first, second, third := open(), open(), open()
	if err := fsutil.Lock(first); err != nil {
		t.Fatal(err)
	}
	if err := fsutil.TryLock(second); err == nil {
		t.Fatal("a second lock was had while the first was held")
	}
	locked := make(chan error)
	go func() { locked <- fsutil.Lock(second) }()
	select {
	case err := <-locked:
		t.Fatalf("Lock returned (%v) while another file held the lock", err)
	default:
	}
	first.Close()
	if err := <-locked; err != nil {
		t.Fatal(err)
	}
	if err := fsutil.TryLock(third); err == nil {
		t.Fatal("the lock Lock took was not held")
	}
}
