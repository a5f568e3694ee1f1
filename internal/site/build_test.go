package site

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/fsutil"
	"github.com/rungs/rungs/internal/ladder"
)

// tree reads every file under dir but the stamp fsutil.ReplaceDir adds: slash path -> content.
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == filepath.Join(dir, fsutil.StampFile) {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameTree fails the test unless two trees hold the same files with the same bytes.
func sameTree(t *testing.T, what string, got, want map[string][]byte) {
	t.Helper()
	for p, b := range want {
		if g, ok := got[p]; !ok {
			t.Errorf("%s: %s is missing", what, p)
		} else if !bytes.Equal(g, b) {
			t.Errorf("%s: %s differs", what, p)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: %s should not be there", what, p)
		}
	}
}

func loadBundled(t *testing.T) (*ladder.Framework, fs.FS) {
	t.Helper()
	fsys, _ := frameworks.FS("engineering")
	f, diags, err := ladder.Load(fsys)
	if err != nil || diags.HasErrors() {
		t.Fatalf("load: %v %s", err, diags.Error())
	}
	return f, fsys
}

// buildDir builds the site of f into out as rungs build does: into a new folder that takes out's
// place once complete. fail, when set, can make a write fail.
func buildDir(ctx context.Context, f *ladder.Framework, fsys fs.FS, opts Options, out string, fail func(string) error) (int, error) {
	var n int
	err := fsutil.ReplaceDir(ctx, out, func(dir string) error {
		var err error
		n, err = render(ctx, f, fsys, opts, &dirSink{root: dir, fail: fail})
		return err
	})
	return n, err
}

// TestBuildStreamsTheSameSite: the pages BuildFiles writes as it renders them are byte for byte the
// site Render keeps in memory, and the same on every build.
func TestBuildStreamsTheSameSite(t *testing.T) {
	t.Parallel()
	f, fsys := loadBundled(t)
	opts := Options{BaseURL: "https://careers.example.org/"}
	dir := t.TempDir()
	var trees []map[string][]byte
	for _, name := range []string{"one", "two"} {
		out := filepath.Join(dir, name)
		n, err := buildDir(context.Background(), f, fsys, opts, out, nil)
		if err != nil {
			t.Fatal(err)
		}
		tr := tree(t, out)
		if n != len(tr) {
			t.Errorf("BuildFiles says %d files and wrote %d", n, len(tr))
		}
		trees = append(trees, tr)
	}
	sameTree(t, "second build", trees[1], trees[0])
	s, err := Render(f, fsys, opts)
	if err != nil {
		t.Fatal(err)
	}
	inMemory := map[string][]byte{}
	for p, file := range s.Files {
		inMemory[p] = file.Body
	}
	sameTree(t, "build against render", trees[0], inMemory)
	written := filepath.Join(dir, "written")
	if err := s.WriteDir(context.Background(), written); err != nil {
		t.Fatal(err)
	}
	sameTree(t, "Site.WriteDir against BuildFiles", tree(t, written), trees[0])
}

// TestFailedBuildLeavesTheOldSite: whether a write fails half-way, a page cannot be rendered or
// the build is cancelled, the earlier build stays as it was and nothing is left beside it.
func TestFailedBuildLeavesTheOldSite(t *testing.T) {
	t.Parallel()
	f, fsys := loadBundled(t)
	withLogo := *f
	withLogo.Logo = "logo.svg" // not in the framework's files: the build cannot render it
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		f    *ladder.Framework
		fail func(string) error
		want string
	}{
		{name: "the disk fails half-way", f: f, fail: failAfter(20), want: "disk full"},
		{name: "the last file fails", f: f, fail: func(p string) error {
			if p == "sitemap.xml" {
				return errors.New("disk full")
			}
			return nil
		}, want: "disk full"},
		{name: "a file cannot be rendered", f: &withLogo, want: "logo"},
		{name: "the build is cancelled", ctx: cancelled, f: f, want: "context canceled"},
	}
	for _, tc := range tests {
		if tc.ctx == nil {
			tc.ctx = context.Background()
		}
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			out := filepath.Join(dir, "public")
			if _, err := buildDir(context.Background(), f, fsys, Options{}, out, nil); err != nil {
				t.Fatal(err)
			}
			before := tree(t, out)
			_, err := buildDir(tc.ctx, tc.f, fsys, Options{BaseURL: "/elsewhere/"}, out, tc.fail)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("build: %v, want an error about %q", err, tc.want)
			}
			sameTree(t, "after the failed build", tree(t, out), before)
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("left beside the site: %v", names)
			}
		})
	}
}

// failAfter fails every write after the first n.
func failAfter(n int64) func(string) error {
	var written atomic.Int64
	return func(string) error {
		if written.Add(1) > n {
			return errors.New("disk full")
		}
		return nil
	}
}
