package hugo

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v3"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/ladder"
)

func template(t *testing.T, name string) *ladder.Framework {
	t.Helper()
	fsys, _ := frameworks.FS(name)
	f, diags, err := ladder.Load(fsys)
	if err != nil || diags.HasErrors() {
		t.Fatalf("%v %s", err, diags.Error())
	}
	return f
}

func TestExportShape(t *testing.T) {
	f := template(t, "engineering")
	files := Export(f)
	for _, p := range []string{"hugo.yaml", "go.mod", "content/_index.md", "content/docs/_index.md", "content/docs/introduction.md",
		"content/docs/faq.md", "content/docs/engineering/_index.md", "content/docs/engineering/senior.md", "content/docs/engineering-management/director.md"} {
		if files[p] == nil {
			t.Errorf("no %s", p)
		}
	}
	if !strings.Contains(string(files["hugo.yaml"]), "path: "+HextraModule) {
		t.Errorf("hugo.yaml does not import Hextra:\n%s", files["hugo.yaml"])
	}
	weights := map[string]int{}
	for p, b := range files {
		if !strings.HasPrefix(p, "content/") {
			continue
		}
		if strings.Contains(string(b), "{{<") || strings.Contains(string(b), "{{%") {
			t.Errorf("%s holds a shortcode", p)
		}
		pg, err := parsePage(p, b)
		if err != nil {
			t.Fatal(err)
		}
		if pg.str("title") == "" {
			t.Errorf("%s has no title", p)
		}
		if w, ok := pg.weight(); ok {
			weights[p] = int(w)
		}
	}
	// The site's order is the framework's: the first page, the ladders, then the other pages.
	order := []string{"content/docs/introduction.md", "content/docs/engineering/_index.md", "content/docs/engineering-management/_index.md", "content/docs/faq.md"}
	for i := 1; i < len(order); i++ {
		if weights[order[i-1]] >= weights[order[i]] {
			t.Errorf("weight of %s (%d) is not below %s (%d)", order[i-1], weights[order[i-1]], order[i], weights[order[i]])
		}
	}
	senior := string(files["content/docs/engineering/senior.md"])
	for _, want := range []string{
		"code: EN3", "weight: 3", "## Professional competencies", "### Core {#core}",
		"#### Site Reliability", "- **Ownership**: Feels responsible",
		"## Broad Indicators", "- Core: 50-65%", "- Tenure: 3+ years",
	} {
		if !strings.Contains(senior, want) {
			t.Errorf("senior.md lacks %q", want)
		}
	}
	if !regexp.MustCompile(`(?m)^- .+ <!-- #[a-z0-9-]+ -->$`).MatchString(senior) {
		t.Errorf("expectations carry their ids in a comment:\n%s", senior)
	}
	for _, p := range []string{"data/rungs/rungs.yaml", "data/rungs/crosswalk.yaml", "data/rungs/ladders/engineering.yaml"} {
		if files[p] == nil {
			t.Errorf("no %s: what the pages do not show is kept there", p)
		}
	}
	if idx := string(files["content/docs/engineering/_index.md"]); !strings.Contains(idx, overviewStart) || !strings.Contains(idx, overviewEnd) {
		t.Errorf("the ladder page's overview is marked as rungs': %s", idx)
	}
	faq := string(files["content/docs/faq.md"])
	if !strings.Contains(faq, "[Senior Engineer](../engineering/senior/)") {
		t.Errorf("links between pages must point at the site's addresses:\n%s", faq)
	}
}

// TestExportImportsBack exports every bundled framework as a Hugo site and imports the site
// again: the very same framework comes back, ids, groups, tracks, scale, crosswalk and all.
func TestExportImportsBack(t *testing.T) {
	for _, tmpl := range frameworks.Templates {
		t.Run(tmpl.Name, func(t *testing.T) {
			t.Parallel()
			f := template(t, tmpl.Name)
			sameFramework(t, f, hugoRoundTrip(t, f))
		})
	}
}

// hugoRoundTrip exports f as a Hugo site, imports it, writes the result as a framework folder
// and loads that, as rungs export and rungs import do.
func hugoRoundTrip(t *testing.T, f *ladder.Framework) *ladder.Framework {
	t.Helper()
	m := fstest.MapFS{}
	for p, b := range Export(f) {
		m[p] = &fstest.MapFile{Data: b}
	}
	res, err := Import(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range res.Warnings {
		t.Errorf("warning importing an export: %s", w)
	}
	return load(t, written(t, res.Framework))
}

// load loads a framework folder, failing on any error.
func load(t *testing.T, m fstest.MapFS) *ladder.Framework {
	t.Helper()
	f, diags, err := ladder.Load(m)
	if err != nil || diags.HasErrors() {
		t.Fatalf("%v %s", err, diags.Error())
	}
	return f
}

// sameFramework fails unless got is want in every value the model holds.
func sameFramework(t *testing.T, want, got *ladder.Framework) {
	t.Helper()
	a, _ := ladder.JSON(want)
	b, _ := ladder.JSON(got)
	if string(a) != string(b) {
		t.Errorf("the framework changed:\n%s", lineDiff(strings.ReplaceAll(string(a), ",", ",\n"), strings.ReplaceAll(string(b), ",", ",\n")))
	}
}

func lineDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d\n- %s\n+ %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(la), len(lb))
}

// hugoBinary finds hugo on PATH or where scripts/bench-hugo installs it.
func hugoBinary() (string, string) {
	if p, err := exec.LookPath("hugo"); err == nil {
		return p, ""
	}
	cache := os.Getenv("RUNGS_BENCH_CACHE")
	if cache == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return "", "no hugo on PATH and no cache folder"
		}
		cache = filepath.Join(dir, "rungs-bench")
	}
	p := filepath.Join(cache, "hugo")
	if _, err := os.Stat(p); err == nil {
		return p, ""
	}
	return "", "no hugo on PATH nor at " + p + " (scripts/bench-hugo installs it there)"
}

// TestHugoBuildsExport builds an exported site with the real Hugo and the docs test theme in
// place of Hextra: Hugo must accept every page's front matter and Markdown.
func TestHugoBuildsExport(t *testing.T) {
	hugo, why := hugoBinary()
	if hugo == "" {
		if os.Getenv("RUNGS_REQUIRE_HUGO") == "1" {
			t.Fatalf("%s (RUNGS_REQUIRE_HUGO=1, set by scripts/test, which installs Debian's hugo as root)", why)
		}
		t.Skip(why)
	}
	theme, err := filepath.Abs("testdata/docs-theme")
	if err != nil {
		t.Fatal(err)
	}
	f := template(t, "engineering")
	src := t.TempDir()
	for p, b := range Export(f) {
		full := filepath.Join(src, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	cmd := exec.Command(hugo, "--source", src, "--destination", out, "--quiet", "--panicOnWarning")
	cmd.Env = append(os.Environ(), "HUGO_MODULE_REPLACEMENTS="+HextraModule+" -> "+theme, "HUGO_CACHEDIR="+t.TempDir())
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hugo failed: %v\n%s", err, b)
	}
	senior, err := os.ReadFile(filepath.Join(out, "docs/engineering/senior/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(senior)
	for _, want := range []string{
		`<h3 id="core">Core</h3>`, "Turns vague problems into concrete plans",
		`<strong>Ownership</strong>: Feels responsible`, `href="/docs/engineering/principal/"`, `href="/docs/faq/"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("built senior page lacks %q", want)
		}
	}
	if strings.Contains(page, "{#") || strings.Contains(page, "<!-- #") {
		t.Error("ids show in the built page; Hugo must not show them")
	}
	n := 0
	for _, ld := range f.Ladders {
		n += len(ld.Levels)
		for _, lv := range ld.Levels {
			if _, err := os.Stat(filepath.Join(out, "docs", ld.ID, lv.ID, "index.html")); err != nil {
				t.Errorf("no page for %s/%s", ld.ID, lv.ID)
			}
		}
	}
	if got := strings.Count(page, "<li"); got < n+len(f.Pages) {
		t.Errorf("the sidebar lists %d pages, want at least %d", got, n+len(f.Pages))
	}
	var cfg map[string]any
	b, _ := os.ReadFile(filepath.Join(src, "hugo.yaml"))
	if err := yaml.Unmarshal(b, &cfg); err != nil || cfg["title"] != f.Title {
		t.Errorf("hugo.yaml: %v %v", err, cfg["title"])
	}
}
