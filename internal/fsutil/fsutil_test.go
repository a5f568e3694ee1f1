package fsutil

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
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
