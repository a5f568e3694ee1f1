package fsutil

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

func TestWriteFileAtomic(t *testing.T) {
	tests := []struct {
		name    string
		symlink bool
	}{
		{name: "new file"},
		{name: "through a symbolic link", symlink: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			real := filepath.Join(dir, "real.md")
			path := real
			if tc.symlink {
				if err := os.WriteFile(real, []byte("old\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				path = filepath.Join(dir, "link.md")
				if err := os.Symlink("real.md", path); err != nil {
					t.Skip("no symbolic links here:", err)
				}
			}
			if err := WriteFileAtomic(path, []byte("new\n")); err != nil {
				t.Fatal(err)
			}
			if b, err := os.ReadFile(real); err != nil || string(b) != "new\n" {
				t.Fatalf("%s holds %q, %v; want %q", real, b, err, "new\n")
			}
			if tc.symlink {
				if st, err := os.Lstat(path); err != nil || st.Mode()&os.ModeSymlink == 0 {
					t.Errorf("%s is no longer a symbolic link", path)
				}
				if st, _ := os.Stat(real); st.Mode().Perm() != 0o600 {
					t.Errorf("mode %v, want 0600 kept", st.Mode().Perm())
				}
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() != "real.md" && e.Name() != "link.md" {
					t.Errorf("left behind %s", e.Name())
				}
			}
		})
	}
}

// A write that fails half-way leaves the old file as it was and nothing beside it; a new file
// gets the permissions asked for.
func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "people.csv")
	if err := WriteAtomic(path, 0o600, func(w io.Writer) error {
		_, err := io.WriteString(w, "name,email\n")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("new file: %v, %v; want mode 0600", st, err)
	}
	broken := errors.New("the database went away")
	err := WriteAtomic(path, 0o600, func(w io.Writer) error {
		io.WriteString(w, "half of it")
		return broken
	})
	if !errors.Is(err, broken) {
		t.Fatalf("a failed write returned %v, want %v", err, broken)
	}
	if b, _ := os.ReadFile(path); string(b) != "name,email\n" {
		t.Errorf("after a failed write the file holds %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("a failed write left %d files behind", len(entries)-1)
	}
}

func TestCreateFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "new.html")
	if err := CreateFile(p, []byte("<p>hi</p>")); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(p); err != nil || string(b) != "<p>hi</p>" {
		t.Fatalf("read %q, %v", b, err)
	}
	if err := CreateFile(p, []byte("again")); !errors.Is(err, os.ErrExist) {
		t.Errorf("CreateFile over a file = %v, want it refused", err)
	}
	if err := CreateFile(filepath.Join(dir, "missing", "x"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("CreateFile in a missing folder = %v", err)
	}
}

func TestDirFS(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "ladders"), 0o755); err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("level "), 10000)
	if err := os.WriteFile(filepath.Join(dir, "ladders", "a.md"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "empty.md"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	fsys := DirFS(dir)
	if b, err := fs.ReadFile(fsys, "ladders/a.md"); err != nil || !bytes.Equal(b, big) {
		t.Errorf("read %d bytes, %v; want %d", len(b), err, len(big))
	}
	if b, err := fs.ReadFile(fsys, "empty.md"); err != nil || len(b) != 0 {
		t.Errorf("empty file: %q, %v", b, err)
	}
	_, err := fs.ReadFile(fsys, "ladders/missing.md")
	var pe *fs.PathError
	if !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) || pe.Path != "ladders/missing.md" {
		t.Errorf("missing file: %v, want not-exist naming ladders/missing.md", err)
	}
	for _, bad := range []string{"../x", "/etc/passwd", "ladders"} {
		if _, err := fs.ReadFile(fsys, bad); err == nil {
			t.Errorf("ReadFile(%q) succeeded", bad)
		}
	}
	if err := fstest.TestFS(fsys, "ladders/a.md", "empty.md"); err != nil {
		t.Error(err)
	}
}
