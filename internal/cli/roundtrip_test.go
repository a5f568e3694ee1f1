package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/rungs/rungs/frameworks"
)

// rungs runs the command line in this process and returns its exit code and output.
func rungs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// mustRun runs the command line and fails unless it exits 0.
func mustRun(t *testing.T, args ...string) {
	t.Helper()
	if code, out, errs := rungs(t, args...); code != 0 {
		t.Fatalf("rungs %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
}

// roundTripSources writes every bundled template to a folder, and imports every fixture shaped
// like a real ladder (a Hugo site, a Markdown folder, a Markdown file, a spreadsheet) into one,
// as rungs import does: the frameworks the round trips start from, by name.
func roundTripSources(t *testing.T) map[string]string {
	t.Helper()
	top := t.TempDir()
	dirs := map[string]string{}
	for _, tmpl := range frameworks.Templates {
		fsys, ok := frameworks.FS(tmpl.Name)
		if !ok {
			t.Fatalf("no template %s", tmpl.Name)
		}
		dir := filepath.Join(top, tmpl.Name)
		if err := os.CopyFS(dir, fsys); err != nil {
			t.Fatal(err)
		}
		dirs[tmpl.Name] = dir
	}
	for _, fx := range []string{
		"../hugo/testdata/ladder-site.txtar", "../hugo/testdata/indicators-site.txtar",
		"../hugo/testdata/plain-ladder.txtar", "../hugo/testdata/support-ladder.md",
		"../sheet/testdata/design-ladder.csv",
	} {
		name := strings.TrimSuffix(filepath.Base(fx), filepath.Ext(fx))
		src := fx
		if strings.HasSuffix(fx, ".txtar") {
			a, err := txtar.ParseFile(fx)
			if err != nil {
				t.Fatal(err)
			}
			src = filepath.Join(top, "sources", name)
			for _, f := range a.Files {
				p := filepath.Join(src, filepath.FromSlash(f.Name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		dir := filepath.Join(top, name)
		mustRun(t, "import", src, "-o", dir)
		dirs[name] = dir
	}
	return dirs
}

// TestRoundTrips takes every bundled template and every imported fixture through each format
// rungs reads back: exported as a Hugo site, CSV and xlsx and imported again, and its own
// folder imported as Markdown. rungs diff --exit-code must find no change at all.
func TestRoundTrips(t *testing.T) {
	sources := roundTripSources(t)
	for name, dir := range sources {
		for _, format := range []string{"hugo", "csv", "xlsx", "markdown"} {
			t.Run(name+"/"+format, func(t *testing.T) {
				t.Parallel()
				tmp := t.TempDir()
				src := dir
				switch format {
				case "hugo":
					src = filepath.Join(tmp, "site")
					mustRun(t, "export", dir, "--format", "hugo", "-o", src)
				case "csv", "xlsx":
					src = filepath.Join(tmp, "ladder."+format)
					mustRun(t, "export", dir, "--format", format, "-o", src)
				}
				back := filepath.Join(tmp, "back")
				code, out, errs := rungs(t, "import", "--from", format, src, "-o", back)
				if code != 0 {
					t.Fatalf("import: exit %d\n%s%s", code, out, errs)
				}
				if format != "csv" && format != "xlsx" && strings.Contains(errs, "warning:") {
					t.Errorf("importing what rungs wrote gives warnings:\n%s", errs)
				}
				code, out, errs = rungs(t, "diff", dir, back, "--exit-code")
				if code != 0 || out != "No changes.\n" {
					t.Errorf("rungs diff after a round trip through %s: exit %d\n%s%s", format, code, out, errs)
				}
			})
		}
	}
}
