package fsutil

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// deadPID is above any process id Linux hands out (its pid_max is at most 2^22), so the
// process is never running.
const deadPID = 99_999_999

// tree lists every file under dir with its content, and every empty folder, by slash path.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if entries, _ := os.ReadDir(p); len(entries) == 0 && rel != "." {
				out[rel+"/"] = ""
			}
			return nil
		}
		b, err := os.ReadFile(p)
		out[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if strings.HasSuffix(p, "/") {
			if err := os.MkdirAll(full, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func writeSite(tmp string) error {
	return os.WriteFile(filepath.Join(tmp, "index.html"), []byte("new"), 0o644)
}

func TestReplaceDir(t *testing.T) {
	t.Parallel()
	stamped := map[string]string{StampFile: string(stamp), "index.html": "old", "assets/app.js": "old"}
	tests := []struct {
		name    string
		before  map[string]string // nil: the folder does not exist
		refused string            // part of the refusal; "" when the folder is replaced
	}{
		{name: "missing"},
		{name: "empty", before: map[string]string{}},
		{name: "an earlier build", before: stamped},
		{name: "someone's files", before: map[string]string{"notes.md": "mine"}, refused: "was not written by rungs build"},
		{name: "a framework.json alone is no stamp", before: map[string]string{"framework.json": "{}", "rungs.yaml": "title: x"}, refused: "was not written by rungs build"},
		{name: "an empty stamp file", before: map[string]string{StampFile: "", "a.txt": "mine"}, refused: "was not written by rungs build"},
		{name: "a git repository, even stamped", before: map[string]string{StampFile: string(stamp), ".git/HEAD": "ref"}, refused: "holds a git repository"},
		{name: "a site from before stamps", before: map[string]string{"framework.json": "{}", "sitemap.xml": "<x/>", "index.html": "old"}, refused: "built by an older rungs"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			dir := filepath.Join(root, "public")
			if tc.before != nil {
				if err := os.Mkdir(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				writeTree(t, dir, tc.before)
			}
			err := ReplaceDir(context.Background(), dir, writeSite)
			if tc.refused != "" {
				var re *RefusedError
				if !errors.As(err, &re) || !strings.Contains(err.Error(), tc.refused) {
					t.Fatalf("ReplaceDir: %v; want a refusal saying %q", err, tc.refused)
				}
				if got := tree(t, dir); len(got) != len(tc.before) {
					t.Errorf("a refused folder changed: %v, was %v", keys(got), keys(tc.before))
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				got := tree(t, dir)
				if want := []string{StampFile, "index.html"}; strings.Join(keys(got), " ") != strings.Join(want, " ") || got["index.html"] != "new" {
					t.Errorf("the new folder holds %v, want %v", got, want)
				}
				if !Stamped(dir) {
					t.Error("the new folder is not stamped")
				}
			}
			if left := keys(tree(t, root)); len(left) > 0 && strings.Contains(strings.Join(left, " "), ".public.") {
				t.Errorf("temporary folders left: %v", left)
			}
		})
	}
}

func TestReplaceDirFailureLeavesTheOldVersion(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	tests := []struct {
		name  string
		write func(tmp string) error
	}{
		{"write fails", func(tmp string) error {
			writeSite(tmp)
			return errors.New("disk full")
		}},
		{"cancelled while writing", func(tmp string) error {
			writeSite(tmp)
			cancel() // as Ctrl-C does, half-way
			return nil
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "public")
			before := map[string]string{StampFile: string(stamp), "index.html": "old"}
			writeTree(t, dir, before)
			if err := ReplaceDir(ctx, dir, tc.write); err == nil {
				t.Fatal("ReplaceDir succeeded")
			}
			if got := tree(t, root); len(got) != 2 || got["public/index.html"] != "old" {
				t.Errorf("after a failure the folder holds %v; want the old version and nothing beside it", got)
			}
		})
	}
}

func TestReplaceDirRemovesWhatAKilledBuildLeft(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	dead := strconv.Itoa(deadPID)
	live := strconv.Itoa(os.Getpid())
	writeTree(t, root, map[string]string{
		".public.new-" + dead + "-123/index.html":         "half",
		".public.old-" + dead + "-456/index.html":         "an earlier build, set aside",
		".public.old-.public.new-789/index.html":          "left by a rungs that did not record its process",
		".public.new-1234/index.html":                     "the same",
		".public.new-" + live + "-999/index.html":         "a build still running",
		".public.notes/keep.txt":                          "not ours",
		".other.new-" + dead + "-1/index.html":            "another output's",
		"public/" + StampFile:                             string(stamp),
		"public/index.html":                               "old",
		"public/.public.new-" + dead + "-5/not-a-sibling": "inside, not beside",
	})
	if err := ReplaceDir(context.Background(), filepath.Join(root, "public"), writeSite); err != nil {
		t.Fatal(err)
	}
	got := keys(tree(t, root))
	want := []string{
		".other.new-" + dead + "-1/index.html",
		".public.new-" + live + "-999/index.html",
		".public.notes/keep.txt",
		"public/" + StampFile,
		"public/index.html",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("after the build:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCheckReplaceableRefusesTheWorkingFolder(t *testing.T) {
	// t.Chdir: not parallel.
	root := t.TempDir()
	inner := filepath.Join(root, "a", "b")
	writeTree(t, root, map[string]string{"a/b/" + StampFile: string(stamp)})
	t.Chdir(inner)
	for _, dir := range []string{".", inner, filepath.Join(root, "a"), root} {
		var re *RefusedError
		if err := CheckReplaceable(dir); !errors.As(err, &re) || !strings.Contains(err.Error(), "current folder") {
			t.Errorf("CheckReplaceable(%s) = %v; want it refused as the current folder or a parent", dir, err)
		}
	}
}

func TestWriteFiles(t *testing.T) {
	t.Parallel()
	files := map[string][]byte{"rungs.yaml": []byte("new"), "ladders/eng/one.md": []byte("new")}
	tests := []struct {
		name    string
		before  map[string]string // nil: the folder does not exist
		after   map[string]string
		refused string
	}{
		{name: "new folder", after: map[string]string{"rungs.yaml": "new", "ladders/eng/one.md": "new"}},
		{name: "into a folder", before: map[string]string{".git/HEAD": "ref", "rungs.yaml": "old", "README.md": "mine"},
			after: map[string]string{".git/HEAD": "ref", "rungs.yaml": "new", "README.md": "mine", "ladders/eng/one.md": "new"}},
		{name: "a folder in the way", before: map[string]string{"rungs.yaml/x": "mine"}, refused: "is a folder where a file is to be written"},
		{name: "a file in the way", before: map[string]string{"ladders": "mine"}, refused: "is a file where a folder is to be written"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			dir := filepath.Join(root, "fw")
			if tc.before != nil {
				writeTree(t, dir, tc.before)
			}
			err := WriteFiles(context.Background(), dir, files)
			if tc.refused != "" {
				if err == nil || !strings.Contains(err.Error(), tc.refused) {
					t.Fatalf("WriteFiles: %v; want %q", err, tc.refused)
				}
				tc.after = tc.before
			} else if err != nil {
				t.Fatal(err)
			}
			got := tree(t, dir)
			if strings.Join(keys(got), " ") != strings.Join(keys(tc.after), " ") {
				t.Fatalf("fw holds %v, want %v", keys(got), keys(tc.after))
			}
			for p, want := range tc.after {
				if got[p] != want {
					t.Errorf("%s holds %q, want %q", p, got[p], want)
				}
			}
			if entries, _ := os.ReadDir(root); len(entries) != 1 {
				t.Errorf("something beside fw: %v", entries)
			}
		})
	}
}

func TestWriteFilesCancelledWritesNothing(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	root := t.TempDir()
	writeTree(t, root, map[string]string{"fw/rungs.yaml": "old"})
	for _, dir := range []string{"fw", "new"} {
		err := WriteFiles(ctx, filepath.Join(root, dir), map[string][]byte{"rungs.yaml": []byte("new")})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v, want context.Canceled", dir, err)
		}
	}
	if got := tree(t, root); len(got) != 1 || got["fw/rungs.yaml"] != "old" {
		t.Errorf("a cancelled write changed something: %v", got)
	}
}
