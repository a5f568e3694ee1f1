package ladder

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rungs/rungs/frameworks"
)

// TestFormatLevelGolden formats each testdata/fmt/*.md and compares with its .golden file.
func TestFormatLevelGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/fmt/*.md")
	if len(files) == 0 {
		t.Fatal("no cases under testdata/fmt")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			out, diags := FormatLevel("level.md", src)
			if diags.HasErrors() {
				t.Fatalf("unexpected errors:\n%s", diags.Error())
			}
			golden(t, strings.TrimSuffix(file, ".md")+".golden", out)
			again, _ := FormatLevel("level.md", out)
			if string(again) != string(out) {
				t.Errorf("formatting twice changed the file:\n%s", again)
			}
		})
	}
}

// copyFS copies a framework into a map so tests can change it.
func copyFS(t *testing.T, fsys fs.FS) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// apply writes formatted files back into the map.
func apply(m fstest.MapFS, files []FormattedFile) {
	for _, f := range files {
		m[f.Path] = &fstest.MapFile{Data: f.New}
	}
}

func TestBundledFrameworksAreFormattedAndClean(t *testing.T) {
	for _, tmpl := range frameworks.Templates {
		t.Run(tmpl.Name, func(t *testing.T) {
			fsys, _ := frameworks.FS(tmpl.Name)
			changed, diags, err := Format(fsys)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range changed {
				t.Errorf("%s is not formatted (run rungs fmt frameworks/%s)", f.Path, tmpl.Name)
			}
			_, diags2, err := Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			if all := append(diags, diags2...); len(all) > 0 {
				t.Errorf("want no diagnostics, got:\n%s", all.Error())
			}
		})
	}
}

func TestFormatTwiceChangesNothing(t *testing.T) {
	m := copyFS(t, os.DirFS("testdata/load/tracks"))
	// Strip every id: the first run must assign them, the second must do nothing.
	m["pages/intro.md"].Data = []byte("---\ntitle: Introduction\n---\n\nNo links to ids here.\n")
	for p, f := range m {
		if strings.HasSuffix(p, ".md") {
			f.Data = []byte(idSuffixAnywhere.ReplaceAllString(string(f.Data), ""))
		}
	}
	first, diags, err := Format(m)
	if err != nil || diags.HasErrors() {
		t.Fatalf("format: %v %s", err, diags.Error())
	}
	if len(first) == 0 {
		t.Fatal("first run changed nothing; ids should have been assigned")
	}
	apply(m, first)
	second, _, _ := Format(m)
	for _, f := range second {
		t.Errorf("second run changed %s:\n%s", f.Path, f.New)
	}
	_, ldiags, _ := Load(m)
	if len(ldiags) > 0 {
		t.Errorf("formatted framework has diagnostics:\n%s", ldiags.Error())
	}
}

func TestIDsSurviveEdits(t *testing.T) {
	src := "---\ntitle: One\ncode: E1\n---\n\n## Core\n\n- Ships small changes.\n- Writes tests.\n"
	first, diags := FormatLevel("one.md", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	want := "- Ships small changes. {#ships-small-changes}\n- Writes tests. {#writes-tests}\n"
	if !strings.Contains(string(first), want) {
		t.Fatalf("ids not assigned as expected:\n%s", first)
	}
	edited := strings.Replace(string(first), "Ships small changes.", "Delivers small, safe changes every week.", 1)
	edited = strings.Replace(edited, "- Writes tests.", "- Adds a new bullet first.\n- Writes tests.", 1)
	second, _ := FormatLevel("one.md", []byte(edited))
	for _, want := range []string{
		"- Delivers small, safe changes every week. {#ships-small-changes}\n",
		"- Adds new bullet first. {#adds-new-bullet-first}\n",
		"- Writes tests. {#writes-tests}\n",
	} {
		if !strings.Contains(string(second), strings.Replace(want, "Adds new", "Adds a new", 1)) {
			t.Errorf("want %q in:\n%s", want, second)
		}
	}
}

func TestFormatLeavesBrokenFilesAlone(t *testing.T) {
	m := copyFS(t, os.DirFS("testdata/load/tracks"))
	broken := "---\ntitle: Two\ncode: E2\n---\n\n## Core\n\nStray prose that fmt must not drop.\n- A bullet without id\n"
	m["ladders/eng/two.md"] = &fstest.MapFile{Data: []byte(broken)}
	m["rungs.yaml"].Data = append([]byte("# a comment that must survive\n"), m["rungs.yaml"].Data...)
	changed, diags, err := Format(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range changed {
		if f.Path == "ladders/eng/two.md" {
			t.Errorf("broken file was formatted:\n%s", f.New)
		}
		if f.Path == "rungs.yaml" && !strings.Contains(string(f.New), "# a comment that must survive") {
			t.Errorf("comment lost:\n%s", f.New)
		}
	}
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "ladders/eng/two.md:8:1: error:") {
		t.Errorf("want an error at ladders/eng/two.md:8:1, got:\n%s", diags.Error())
	}
}
