package site

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/changes"
	"github.com/rungs/rungs/internal/ladder"
)

var update = flag.Bool("update", false, "rewrite golden files with the current output")

func bundled(t testing.TB, name string) (*ladder.Framework, *Site) {
	t.Helper()
	fsys, ok := frameworks.FS(name)
	if !ok {
		t.Fatalf("no template %s", name)
	}
	f, diags, err := ladder.Load(fsys)
	if err != nil || diags.HasErrors() {
		t.Fatalf("load %s: %v %s", name, err, diags.Error())
	}
	s, err := Render(f, fsys, Options{BaseURL: "https://careers.example.org/"})
	if err != nil {
		t.Fatal(err)
	}
	return f, s
}

// TestGoldenPages compares the rendered HTML of the bundled framework with golden files, one per
// kind of page. After an intended change: go test ./internal/site -update, then read the diff.
func TestGoldenPages(t *testing.T) {
	_, s := bundled(t, "engineering")
	pages := map[string]string{
		"home.html":       "index.html",
		"ladder.html":     "ladders/engineering/index.html",
		"level.html":      "ladders/engineering/senior/index.html",
		"level-mgmt.html": "ladders/engineering-management/manager/index.html",
		"matrix.html":     "matrix/engineering/index.html",
		"compare.html":    "compare/index.html",
		"crosswalk.html":  "crosswalk/index.html",
		"assess.html":     "assess/index.html",
		"search.html":     "search/index.html",
		"faq.html":        "pages/faq/index.html",
		"404.html":        "404.html",
		"sitemap.xml":     "sitemap.xml",
	}
	for golden, path := range pages {
		t.Run(golden, func(t *testing.T) {
			f := s.Files[path]
			if f == nil {
				t.Fatalf("no %s in the site", path)
			}
			file := filepath.Join("testdata", "golden", golden)
			if *update {
				if err := os.WriteFile(file, f.Body, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (go test -update creates it)", err)
			}
			if !bytes.Equal(f.Body, want) {
				t.Errorf("%s differs from %s (go test -update rewrites it)", path, file)
			}
		})
	}
}

// TestRenderIsDeterministic renders twice and wants byte-identical files.
func TestRenderIsDeterministic(t *testing.T) {
	_, a := bundled(t, "engineering")
	_, b := bundled(t, "engineering")
	if len(a.Files) != len(b.Files) {
		t.Fatalf("%d files, then %d", len(a.Files), len(b.Files))
	}
	for p, f := range a.Files {
		if g := b.Files[p]; g == nil || !bytes.Equal(f.Body, g.Body) {
			t.Errorf("%s differs between two renders", p)
		}
	}
}

// TestEveryPageIsThere checks the site has every page a reader needs.
func TestEveryPageIsThere(t *testing.T) {
	f, s := bundled(t, "engineering")
	want := []string{"index.html", "404.html", "sitemap.xml", "framework.json", "search/index.json",
		"compare/index.html", "crosswalk/index.html", "search/index.html"}
	for _, l := range f.Ladders {
		want = append(want, "ladders/"+l.ID+"/index.html", "ladders/"+l.ID+"/levels.json", "matrix/"+l.ID+"/index.html")
		for _, lv := range l.Levels {
			want = append(want, "ladders/"+l.ID+"/"+lv.ID+"/index.html")
		}
	}
	for _, p := range f.Pages {
		want = append(want, "pages/"+p.ID+"/index.html")
	}
	for _, p := range want {
		if s.Files[p] == nil {
			t.Errorf("missing %s", p)
		}
	}
	var css int
	for p := range s.Files {
		if strings.HasPrefix(p, "assets/style.") && strings.HasSuffix(p, ".css") {
			css++
		}
	}
	if css != 1 {
		t.Errorf("want one fingerprinted stylesheet, found %d", css)
	}
}

// TestLevelPageContent checks what a level page promises: every expectation with its anchor,
// track marks, the comparison with the level below, edit links, and the indicators.
func TestLevelPageContent(t *testing.T) {
	fsys, _ := frameworks.FS("engineering")
	f, _, _ := ladder.Load(fsys)
	f.EditURL = "https://git.example.org/careers/edit/main/{path}"
	s, err := Render(f, fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	l := f.Ladder("engineering")
	senior, below := l.Level("senior"), l.Level("engineer")
	page := string(s.Files["ladders/engineering/senior/index.html"].Body)
	prev := map[string]string{}
	for _, la := range below.Areas {
		for _, e := range la.Expectations {
			prev[e.ID] = e.Text
		}
	}
	var news, grown int
	for _, la := range senior.Areas {
		for _, e := range la.Expectations {
			if !strings.Contains(page, `<li id="`+e.ID+`" class="exp"`) {
				t.Errorf("expectation %s has no anchor", e.ID)
			}
			switch old, ok := prev[e.ID]; {
			case !ok:
				news++
				if !strings.Contains(page, `<li id="`+e.ID+`" class="exp" data-diff="new"`) {
					t.Errorf("%s is new at senior but not marked", e.ID)
				}
			case old != e.Text:
				grown++
				if !strings.Contains(page, `<li id="`+e.ID+`" class="exp" data-diff="changed"`) {
					t.Errorf("%s grew at senior but is not marked", e.ID)
				}
			}
		}
	}
	if news == 0 || grown == 0 {
		t.Errorf("bundled framework should have new (%d) and grown (%d) expectations at senior", news, grown)
	}
	for _, want := range []string{
		`data-track="sre"`, "Site Reliability track",
		`href="https://git.example.org/careers/edit/main/ladders/engineering/senior.md"`,
		`class="chart range-chart"`, `<table class="split-table">`, "3&#43; years",
		`rel="prev"`, `rel="next"`, `Highlight what is new since Engineer`,
		`href="/compare/?a=engineering/senior&amp;b=engineering/staff"`,
		"Stands level with",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("senior page lacks %q", want)
		}
	}
}

// TestMarkdownIsSafeAndLinked: raw HTML in a framework never reaches the page, and links
// between framework files become site links.
func TestMarkdownIsSafeAndLinked(t *testing.T) {
	r := &renderer{base: "/careers/", f: &ladder.Framework{}}
	md := r.markdown()
	got := string(r.block(md, "pages/intro.md", "Hi <script>alert(1)</script> [faq](faq.md) [s](../ladders/eng/senior.md#ships) [x](https://x.org/a.md)\n\n<img src=x onerror=alert(1)>"))
	if !strings.Contains(got, "&lt;script&gt;") {
		t.Errorf("raw HTML should show as text: %s", got)
	}
	for _, bad := range []string{"<script>", "<img"} {
		if strings.Contains(got, bad) {
			t.Errorf("raw HTML %q reached the page: %s", bad, got)
		}
	}
	for _, want := range []string{`href="/careers/pages/faq/"`, `href="/careers/ladders/eng/senior/#ships"`, `href="https://x.org/a.md"`} {
		if !strings.Contains(got, want) {
			t.Errorf("want %s in %s", want, got)
		}
	}
	if got := string(r.inline(md, "x.md", `Uses <b>bold</b> & "quotes"`)); strings.Contains(got, "<b>") {
		t.Errorf("inline raw HTML kept: %s", got)
	}
	if got := string(r.inline(md, "x.md", `Plain 'text' "here"`)); got != `Plain &#39;text&#39; &#34;here&#34;` {
		t.Errorf("plain text escaped as %s", got)
	}
	if got := string(r.inline(md, "x.md", `R&D <team>`)); got != `R&amp;D &lt;team&gt;` {
		t.Errorf("text with & and < rendered as %s", got)
	}
}

func TestBasePath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "/"},
		{"https://acme.github.io/careers/", "/careers/"},
		{"https://acme.github.io/careers", "/careers/"},
		{"https://careers.acme.example", "/"},
		{"/sub/path", "/sub/path/"},
	}
	for _, tc := range tests {
		got, err := basePath(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("basePath(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := basePath("careers"); err == nil {
		t.Error("a relative base URL should be refused")
	}
}

// TestWhatChangedPage renders the history page from a change log, and leaves it out without one.
func TestWhatChangedPage(t *testing.T) {
	fsys, _ := frameworks.FS("minimal")
	f, _, _ := ladder.Load(fsys)
	s, err := Render(f, fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Files["changes/index.html"] != nil || strings.Contains(string(s.Files["index.html"].Body), "What changed") {
		t.Error("a framework without history should have no What changed page or link")
	}
	log := changes.Changelog([]byte("# Changes\n\n## 2.0 (2026-10-01)\n\nSplit **Core** into two areas.\n\n## 1.0\n\nFirst version.\n"))
	s, err = Render(f, fsys, Options{History: log, HistorySource: changes.FromChangelog})
	if err != nil {
		t.Fatal(err)
	}
	page := string(s.Files["changes/index.html"].Body)
	for _, want := range []string{"<h2>2.0 (2026-10-01)</h2>", "Split <strong>Core</strong> into two areas.", "<h2>1.0</h2>"} {
		if !strings.Contains(page, want) {
			t.Errorf("What changed page lacks %q", want)
		}
	}
	if strings.Index(page, "2.0 (2026") > strings.Index(page, "<h2>1.0") {
		t.Error("entries are not newest first")
	}
	if !strings.Contains(string(s.Files["index.html"].Body), `href="/changes/"`) {
		t.Error("no link to What changed in the navigation")
	}
}

// TestEditURLScheme checks that an edit_url with a scheme that runs script never becomes a
// "suggest a change" link: it is written outside html/template, which would have refused it.
func TestEditURLScheme(t *testing.T) {
	fsys, _ := frameworks.FS("minimal")
	for _, tc := range []struct {
		name, url string
		link      bool
	}{
		{"https", "https://git.example.org/edit/{path}", true},
		{"relative", "/edit/{path}", true},
		{"javascript", "javascript:alert(1)//{path}", false},
		{"javascript mixed case", " JavaScript:alert(1)//{path}", false},
		{"data", "data:text/html,<script>alert(1)</script>{path}", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _, _ := ladder.Load(fsys)
			f.EditURL = tc.url
			s, err := Render(f, fsys, Options{})
			if err != nil {
				t.Fatal(err)
			}
			l := f.Ladders[0]
			page := string(s.Files[file(levelPath(l, l.Levels[0]))].Body)
			if got := strings.Contains(page, `class="edit"`); got != tc.link {
				t.Errorf("edit link present = %v, want %v", got, tc.link)
			}
			if strings.Contains(strings.ToLower(page), `href="javascript:`) || strings.Contains(page, `href="data:`) {
				t.Error("the page links to a javascript: or data: URL")
			}
		})
	}
}

// TestPeopleAppLink checks that the header links to the people app only when serve runs it.
func TestPeopleAppLink(t *testing.T) {
	fsys, _ := frameworks.FS("minimal")
	f, _, _ := ladder.Load(fsys)
	for _, withApp := range []bool{false, true} {
		s, err := Render(f, fsys, Options{PeopleApp: withApp})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(s.Files["index.html"].Body), `<a href="/people">People</a>`); got != withApp {
			t.Errorf("PeopleApp %v: link present = %v", withApp, got)
		}
	}
}

// TestPlainParagraphFastPath: a line block renders without the parser only where the parser
// would render it the same.
func TestPlainParagraphFastPath(t *testing.T) {
	r := &renderer{base: "/", f: &ladder.Framework{}}
	md := r.markdown()
	slow := func(src string) string {
		var b bytes.Buffer
		if err := md.Convert([]byte(src), &b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	cases := []string{
		`Owns the team's systems end to end, and makes the engineers around them "better".`,
		"Écrit des plans; partage-les (souvent) à 100 % — deux fois.",
		"Plans: what, why, when? Then: who.",
		"1. Not a paragraph", "- a list", "# a heading", "> a quote", "    code", "Two  spaces",
		"Ends with two spaces  ", " leading space", "a*b*", "Tab\there", "Line\nbreak", "",
		"=== under", "Setext\n===", "http://example.org is a link?", "A & B", "Emoji 🙂 fine",
	}
	for _, src := range cases {
		want := slow(src)
		if src == "" {
			want = ""
		}
		if got := string(r.block(md, "x.md", src)); got != want {
			t.Errorf("%q: %q, the parser makes %q (fast path: %v)", src, got, want, plainParagraph(src))
		}
	}
	if !plainParagraph(cases[0]) || !plainParagraph(cases[1]) {
		t.Error("plain lines should take the fast path")
	}
}

// TestLevelsJSON: each ladder's levels.json holds every level's expectations, by area, each
// rendered as its level page renders it.
func TestLevelsJSON(t *testing.T) {
	f, s := bundled(t, "engineering")
	r := &renderer{base: "/", f: f}
	md := r.markdown()
	for _, l := range f.Ladders {
		var ld struct {
			ID     string
			Levels []struct {
				ID    string
				Areas map[string][]struct{ ID, Name, HTML, Track string }
			}
		}
		if err := json.Unmarshal(s.Files["ladders/"+l.ID+"/levels.json"].Body, &ld); err != nil {
			t.Fatal(err)
		}
		if ld.ID != l.ID || len(ld.Levels) != len(l.Levels) {
			t.Fatalf("%s: levels.json of %q with %d levels", l.ID, ld.ID, len(ld.Levels))
		}
		for i, lv := range l.Levels {
			for _, la := range lv.Areas {
				got := ld.Levels[i].Areas[la.Area]
				if len(got) != len(la.Expectations) {
					t.Fatalf("%s/%s %s: %d expectations, want %d", l.ID, lv.ID, la.Area, len(got), len(la.Expectations))
				}
				for j, e := range la.Expectations {
					if want := string(r.inline(md, lv.Path, e.Text)); got[j].ID != e.ID || got[j].HTML != want || got[j].Name != e.Name || got[j].Track != e.Track {
						t.Errorf("%s/%s: %+v, want %s %q", l.ID, lv.ID, got[j], e.ID, want)
					}
				}
			}
		}
	}
}

// TestRenderProgress: a render reports each page and data file once it is written, one call
// at a time, rising by one to the total, which does not change; the total is the files but
// the assets and the sitemap, rendered before and after the pages.
func TestRenderProgress(t *testing.T) {
	t.Parallel()
	fsys, _ := frameworks.FS("engineering")
	f, _, err := ladder.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var steps [][2]int
	inCall := false
	s, err := Render(f, fsys, Options{Progress: func(done, total int) {
		if inCall {
			t.Error("two reports at once")
		}
		inCall = true
		steps = append(steps, [2]int{done, total})
		inCall = false
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) == 0 {
		t.Fatal("no progress reported")
	}
	total := steps[0][1]
	for i, st := range steps {
		if st != [2]int{i + 1, total} {
			t.Fatalf("report %d is %v, want %d of %d", i, st, i+1, total)
		}
	}
	if len(steps) != total || total >= len(s.Files) || total < len(s.Files)/2 {
		t.Errorf("%d reports of %d, for %d files", len(steps), total, len(s.Files))
	}
}
