//go:build unix

package fsutil

import (
	"io/fs"
	"path/filepath"
	"syscall"
	"testing"
)

// DirFS's Stat and ReadDir open no file: a named pipe (a logo, say) is looked at without
// waiting for someone to write into it. Opening it would block this test for good.
func TestDirFSStatOpensNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "logo.svg"), 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	fsys := DirFS(dir)
	if _, ok := fsys.(fs.StatFS); !ok {
		t.Error("DirFS is not an fs.StatFS")
	}
	if _, ok := fsys.(fs.ReadDirFS); !ok {
		t.Error("DirFS is not an fs.ReadDirFS")
	}
	st, err := fs.Stat(fsys, "logo.svg")
	if err != nil || st.Mode()&fs.ModeNamedPipe == 0 {
		t.Fatalf("Stat: %v, %v; want a named pipe", st, err)
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil || len(entries) != 1 || entries[0].Name() != "logo.svg" {
		t.Fatalf("ReadDir: %v, %v", entries, err)
	}
}
