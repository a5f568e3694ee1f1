package store

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// TestReservedPageMemory: a process that reserves page memory before it opens its first
// SQLite database keeps that database's pages in the block (SQLite counts the block's pages
// in use); a process that opened a database first is told that it is too late, and none of
// its pages are in a block. The first is a child process: SQLite takes the block only
// before its first database, and this test process has opened many.
func TestReservedPageMemory(t *testing.T) {
	if path := os.Getenv("RUNGS_PAGE_MEMORY_CHILD"); path != "" {
		pageMemoryChild(t, path)
		return
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestReservedPageMemory$")
	cmd.Env = append(os.Environ(), "RUNGS_PAGE_MEMORY_CHILD="+filepath.Join(t.TempDir(), "rungs.db"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the child failed: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`pages in the block: (\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("the child did not say how many pages are in the block:\n%s", out)
	}
	if n, _ := strconv.Atoi(string(m[1])); n == 0 {
		t.Errorf("the child reserved page memory and opened a database, and none of its pages are in the block")
	}

	s, err := Open(context.Background(), Config{SQLitePath: filepath.Join(t.TempDir(), "late.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := reservePageMemory(16); err == nil {
		t.Error("page memory was reserved after a SQLite database was opened")
	}
	if n := pagesInBlock(t); n != 0 {
		t.Errorf("a process that reserved no page memory has %d pages in a block", n)
	}
}

// pageMemoryChild reserves page memory, opens a database at path, writes and reads it, and
// says how many pages are in the block.
func pageMemoryChild(t *testing.T, path string) {
	if err := ReservePageMemory(); err != nil {
		t.Fatal(err)
	}
	if err := ReservePageMemory(); err != nil {
		t.Fatalf("asked again: %v", err)
	}
	ctx := context.Background()
	s, err := Open(ctx, Config{SQLitePath: path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&n); err != nil || n == 0 {
		t.Fatalf("the schema has %d entries, %v", n, err)
	}
	fmt.Printf("pages in the block: %d\n", pagesInBlock(t))
}

// pagesInBlock is how many pages of this process's databases SQLite keeps in a reserved
// block of page memory.
func pagesInBlock(t *testing.T) int {
	tls := libc.NewTLS()
	defer tls.Close()
	status := libc.Xcalloc(tls, 2, 8) // the number now and the most there were
	if status == 0 {
		t.Fatal("out of memory")
	}
	defer libc.Xfree(tls, status)
	if rc := sqlite3.Xsqlite3_status(tls, sqlite3.SQLITE_STATUS_PAGECACHE_USED, status, status+8, 0); rc != sqlite3.SQLITE_OK {
		t.Fatalf("sqlite3_status: code %d", rc)
	}
	return int(libc.AtomicLoadPInt32(status))
}
