package fsutil

import (
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
