package site

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/fsutil"
	"github.com/rungs/rungs/internal/ladder"
)

// TestLiveReloadOnlyInThePreview: the script that reloads pages after a rebuild is for rungs
// serve; a static build neither ships it nor links it.
func TestLiveReloadOnlyInThePreview(t *testing.T) {
	t.Parallel()
	fsys, _ := frameworks.FS("minimal")
	f, _, err := ladder.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, live := range []bool{false, true} {
		s, err := Render(f, fsys, Options{LiveReload: live})
		if err != nil {
			t.Fatal(err)
		}
		shipped := false
		for p := range s.Files {
			shipped = shipped || strings.HasPrefix(p, "assets/live.")
		}
		linked := strings.Contains(string(s.Files["index.html"].Body), "/assets/live.")
		if shipped != live || linked != live {
			t.Errorf("LiveReload %v: live.js shipped %v, linked from the home page %v", live, shipped, linked)
		}
	}
}

// TestWriteDirReplacesOnlyItsOwnBuilds: a build is stamped, replaces the build before it, and
// a cancelled one leaves that build as it was.
func TestWriteDirReplacesOnlyItsOwnBuilds(t *testing.T) {
	t.Parallel()
	_, s := bundled(t, "minimal")
	root := t.TempDir()
	out := filepath.Join(root, "public")
	if err := s.WriteDir(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	if !fsutil.Stamped(out) {
		t.Fatal("the build is not stamped")
	}
	if err := os.WriteFile(filepath.Join(out, "stale.html"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.WriteDir(ctx, out); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled build: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "stale.html")); err != nil {
		t.Error("a cancelled build changed the earlier one")
	}
	if err := s.WriteDir(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "stale.html")); err == nil {
		t.Error("the new build kept a file of the earlier one")
	}
	if entries, _ := os.ReadDir(root); len(entries) != 1 {
		t.Errorf("left beside the build: %v", entries)
	}
	mine := filepath.Join(root, "mine")
	if err := os.MkdirAll(mine, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mine, "framework.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	var refused *fsutil.RefusedError
	if err := s.WriteDir(context.Background(), mine); !errors.As(err, &refused) {
		t.Errorf("a folder holding only a framework.json was not refused: %v", err)
	}
}
