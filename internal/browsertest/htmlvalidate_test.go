package browsertest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rungs/rungs/internal/site"
)

// validator returns the command that runs html-validate (installed by `npm ci` from
// package.json) with the project's .htmlvalidate.json over the given files.
func validator(t *testing.T, files ...string) *exec.Cmd {
	t.Helper()
	if testing.Short() {
		t.Skip("the HTML check (Node.js) does not run with -short")
	}
	mod := moduleRoot(t)
	if _, err := os.Stat(filepath.Join(mod, "node_modules", ".bin", "html-validate")); err != nil {
		missing(t, "the HTML check needs html-validate: run `npm ci` in %s", mod)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing(t, "the HTML check needs Node.js (apt-get install -y nodejs)")
	}
	script, err := filepath.Abs(filepath.Join("testdata", "htmlvalidate.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{script, filepath.Join(mod, ".htmlvalidate.json")}, files...)
	cmd := exec.Command(node, args...)
	cmd.Dir = mod
	return cmd
}

// TestHTMLValid checks every page of the bundled frameworks and of the fixture, built at the
// root of a host and in a sub-folder with the live-reload script, against html-validate's
// recommended rules.
func TestHTMLValid(t *testing.T) {
	t.Parallel()
	builds := []struct {
		dir, framework string
		opts           site.Options
	}{
		{"engineering", "engineering", site.Options{}},
		{"engineering-subpath-live", "engineering", site.Options{BaseURL: "https://example.org/careers/", LiveReload: true}},
		{"minimal", "minimal", site.Options{}},
		{"product", "product", site.Options{}},
		{"fixture", fixture, site.Options{}},
	}
	var files []string
	out := t.TempDir()
	for _, b := range builds {
		dir := filepath.Join(out, b.dir)
		if err := render(t, b.framework, b.opts).WriteDir(context.Background(), dir); err != nil {
			t.Fatal(err)
		}
		files = append(files, htmlFiles(t, dir)...)
	}
	if len(files) < 30 {
		t.Fatalf("only %d HTML files were built", len(files))
	}
	cmd := validator(t, files...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		report := strings.ReplaceAll(stdout.String(), out+string(filepath.Separator), "")
		t.Fatalf("html-validate: %v\n%s%s", err, report, stderr.String())
	}
	t.Logf("%d pages are valid HTML", len(files))
}

// TestHTMLValidatorFails makes sure the check above can fail: a page with the mistakes it
// exists to catch must be reported.
func TestHTMLValidatorFails(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad.html")
	page := `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Bad</title></head>
<body>
<main id="x"><p id="x">Two elements share an id.</p><form action=""><button>Go</button></form></main>
</body>
</html>
`
	if err := os.WriteFile(bad, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := validator(t, bad).CombinedOutput()
	if err == nil {
		t.Fatalf("html-validate accepted a page with a duplicate id:\n%s", out)
	}
	for _, rule := range []string{"no-dup-id", "attribute-allowed-values", "no-implicit-button-type"} {
		if !strings.Contains(string(out), rule) {
			t.Errorf("html-validate did not report %s:\n%s", rule, out)
		}
	}
}
