package hugo

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/yuin/goldmark"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/ladder"
)

// markdownRoundTrip writes f as a framework folder, imports the folder as Markdown, and loads
// the result as rungs import writes it.
func markdownRoundTrip(t *testing.T, f *ladder.Framework) *ladder.Framework {
	t.Helper()
	files, err := ladder.Files(f)
	if err != nil {
		t.Fatal(err)
	}
	m := fstest.MapFS{}
	for p, b := range files {
		m[p] = &fstest.MapFile{Data: b}
	}
	res, err := ImportMarkdown(MarkdownSource{FS: m, Name: "fw"})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range res.Warnings {
		t.Errorf("warning importing a framework folder: %s", w)
	}
	return load(t, written(t, res.Framework))
}

// TestMarkdownImportsFrameworkFolders reads every bundled framework's own folder as Markdown
// level pages (with the YAML beside them): the very same framework comes back.
func TestMarkdownImportsFrameworkFolders(t *testing.T) {
	for _, tmpl := range frameworks.Templates {
		t.Run(tmpl.Name, func(t *testing.T) {
			t.Parallel()
			f := template(t, tmpl.Name)
			sameFramework(t, f, markdownRoundTrip(t, f))
		})
	}
}

// imported imports a fixture: a Hugo site or a Markdown folder kept as a txtar archive, or a
// Markdown file holding a ladder.
func imported(t *testing.T, fixture string) *Result {
	t.Helper()
	var res *Result
	var err error
	switch {
	case strings.HasSuffix(fixture, "-site.txtar"):
		res, err = Import(site(t, "testdata/"+fixture))
	case strings.HasSuffix(fixture, ".txtar"):
		res, err = ImportMarkdown(MarkdownSource{FS: site(t, "testdata/"+fixture), Name: strings.TrimSuffix(fixture, ".txtar")})
	default:
		res, err = ImportMarkdown(MarkdownSource{FS: os.DirFS("testdata"), File: fixture, Name: fixture})
	}
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// fixtures are ladders shaped like real ones, written for these tests.
var fixtures = []string{"ladder-site.txtar", "indicators-site.txtar", "plain-ladder.txtar", "support-ladder.md"}

// TestFixturesRoundTrip imports each fixture, then exports the framework as a Hugo site and
// reads its folder as Markdown: both give back the very same framework.
func TestFixturesRoundTrip(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx, func(t *testing.T) {
			t.Parallel()
			f := load(t, written(t, imported(t, fx).Framework))
			sameFramework(t, f, hugoRoundTrip(t, f))
			sameFramework(t, f, markdownRoundTrip(t, f))
		})
	}
}

// TestImportIndicatorsSite reads a site whose Broad Indicators are a table with notes around
// the values and whose FAQ breaks lines with trailing spaces: the line breaks, the notes (in
// place and in order, labels and caveat included) and the "~" all survive.
func TestImportIndicatorsSite(t *testing.T) {
	res := imported(t, "indicators-site.txtar")
	f := load(t, written(t, res.Framework))
	eng := f.Ladder("engineering")
	if eng == nil || len(eng.Levels) != 3 {
		t.Fatalf("want the engineering ladder with 3 levels: %+v", f.Ladders)
	}
	lv := eng.Level("engineer")
	if lv.Code != "" {
		t.Errorf("a level whose link title is its title has no code; got %q", lv.Code)
	}
	if got := lv.Tenure.String(); got != "~2-3" {
		t.Errorf("tenure %s", got)
	}
	var split []string
	for _, s := range lv.TimeSplit {
		split = append(split, s.Area+"="+s.Range.String())
	}
	if got := strings.Join(split, " "); got != "core=~65-75 management=~5-10 delighting-people=~5-10 organization-building=~5-10 social-capital=~0-5" {
		t.Errorf("time split %s", got)
	}
	wantNotes := "As a rough guide, this is how the work of the role is usually divided.\n\n" +
		"How the role's time is divided\n\n" +
		"**Enabling Traits**: Shown in all of the work, at every level.\n\n" +
		"Typical time in this role\\\n*(a rough guide only: some people move on in half the time, some take twice as long)*"
	if lv.IndicatorNotes != wantNotes {
		t.Errorf("indicator notes:\n got %q\nwant %q", lv.IndicatorNotes, wantNotes)
	}
	if lv.Intro != "" {
		t.Errorf("nothing of the indicators belongs in the introduction: %q", lv.Intro)
	}
	org := lv.Area("organization-building")
	if org == nil || len(org.Expectations) != 1 {
		t.Fatalf("organization building: %+v", org)
	}
	assoc := eng.Level("associate-engineer").Area("organization-building").Expectations[0]
	if len(assoc.Examples) != 2 {
		t.Errorf("nested bullets under an indented bullet are its examples: %+v", assoc)
	}

	// The FAQ keeps its hard line breaks: rendered, it has a <br> wherever the site had one.
	var faq *ladder.Page
	for _, p := range f.Pages {
		if p.ID == "faq" {
			faq = p
		}
	}
	if faq == nil {
		t.Fatal("no FAQ page")
	}
	src := string(site(t, "testdata/indicators-site.txtar")["content/docs/engineering/faq.md"].Data)
	if got, want := countBreaks(t, faq.Body), countBreaks(t, dropComments(src)); got != want || want != 4 {
		t.Errorf("the FAQ renders %d line breaks, the site's %d (want 4):\n%s", got, want, faq.Body)
	}
	if w := warningText(res); strings.Contains(w, "indicator") || strings.Contains(w, "not a bullet") {
		t.Errorf("no indicator should need a warning:\n%s", w)
	}
}

func countBreaks(t *testing.T, md string) int {
	t.Helper()
	var b bytes.Buffer
	if err := goldmark.Convert([]byte(md), &b); err != nil {
		t.Fatal(err)
	}
	return strings.Count(b.String(), "<br")
}

// TestImportPlainLadder reads a folder of Markdown level pages with no front matter and
// headings of its own: the README orders the levels, the headings are areas in one group, an
// area that starts at the third level starts there, and named bullets are traits.
func TestImportPlainLadder(t *testing.T) {
	res := imported(t, "plain-ladder.txtar")
	m := written(t, res.Framework)
	f := load(t, m)
	if len(f.Ladders) != 1 {
		t.Fatalf("one ladder: %+v", f.Ladders)
	}
	ld := f.Ladders[0]
	if ld.Title != "Data Engineering Ladder" {
		t.Errorf("title from the README: %q", ld.Title)
	}
	var levels []string
	for _, lv := range ld.Levels {
		levels = append(levels, lv.ID+"="+lv.Title)
	}
	if got := strings.Join(levels, " "); got != "foundation=Foundation practitioner=Practitioner expert=Expert leader=Leader" {
		t.Errorf("levels in the README's order, titled by their # heading: %s", got)
	}
	var areas []string
	for _, a := range ld.Areas() {
		areas = append(areas, a.Group+"/"+a.ID+":"+a.Kind+":"+a.From)
	}
	if got := strings.Join(areas, " "); got != "competencies/technology:expectations: competencies/delivery:expectations: competencies/collaboration:expectations: competencies/leadership:expectations:expert competencies/habits:traits:" {
		t.Errorf("areas: %s", got)
	}
	if ld.Level("practitioner").Summary != "Delivers pipelines on their own." {
		t.Errorf("front matter, where a page has it, is read")
	}
	if ld.Level("foundation").Intro != "People at this level learn the team's pipelines and deliver well-scoped changes to them." {
		t.Errorf("intro: %q", ld.Level("foundation").Intro)
	}
	if !strings.Contains(string(m["ladders/plain-ladder/expert.md"].Data), "Sees [the FAQ](../../pages/faq.md) kept up to date.") {
		t.Errorf("a link to another file points at its place in the framework:\n%s", m["ladders/plain-ladder/expert.md"].Data)
	}
	if len(f.Pages) != 1 || f.Pages[0].ID != "faq" || !strings.Contains(f.Pages[0].Body, "As long as it takes.\\\nThere is no fixed time.") {
		t.Errorf("the FAQ is a page, with its line break: %+v", f.Pages)
	}
	_, diags, _ := ladder.Load(m)
	for _, d := range diags {
		t.Errorf("the import checks clean, but: %s", d)
	}
	if got := warningText(res); got != "a Markdown ladder has no rating scale; gave the framework the scale Not yet, Sometimes, Consistently (edit it in rungs.yaml)" {
		t.Errorf("warnings:\n%s", got)
	}
}

// TestImportOneFileLadder reads a file that holds a whole ladder: a heading per level with
// named bullets straight below it, and a table of links to the levels.
func TestImportOneFileLadder(t *testing.T) {
	res := imported(t, "support-ladder.md")
	m := written(t, res.Framework)
	f := load(t, m)
	ld := f.Ladders[0]
	if ld.ID != "support-ladder" || ld.Title != "Support Engineering" || len(ld.Levels) != 3 {
		t.Fatalf("ladder %s %q with %d levels", ld.ID, ld.Title, len(ld.Levels))
	}
	if lv := ld.Levels[1]; lv.ID != "s2-support-engineer-2" || lv.Title != "S2 - Support Engineer 2" {
		t.Errorf("level: %s %q", lv.ID, lv.Title)
	}
	a := ld.Area("expectations")
	if a == nil || a.Kind != ladder.KindTraits {
		t.Fatalf("named bullets straight under a level are traits of one area: %+v", ld.Areas())
	}
	if e := ld.Levels[2].Area("expectations").Expectations[2]; e.Name != "Coaches" || !strings.Contains(e.Text, "[S1 level](s1-support-engineer-1.md)") {
		t.Errorf("a link to another level of the file points at its level file: %+v", e)
	}
	if !strings.Contains(ld.Description, "| 2 | [S2 - Support Engineer 2](s2-support-engineer-2.md) |") {
		t.Errorf("description:\n%s", ld.Description)
	}
	if w := warningText(res); !strings.Contains(w, `support-ladder.md: link "handbook.md" points outside the imported pages`) {
		t.Errorf("warnings:\n%s", w)
	}
}

// TestLevelOrder orders level pages by the first of the ways a folder can give an order that
// gives every page its own place.
func TestLevelOrder(t *testing.T) {
	pg := func(file, front string) *page {
		p, err := parsePage(file, []byte(front))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name  string
		pages []*page
		index string
		want  string
	}{
		{"weights", []*page{pg("b.md", "---\nweight: 2\n---\n"), pg("a.md", "---\nweight: 3\n---\n"), pg("c.md", "---\nweight: 1\n---\n")}, "", "c b a"},
		{"the README's links", []*page{pg("lead.md", ""), pg("new.md", ""), pg("mid.md", "")}, "- [New](new.md)\n- [Mid](./mid.md#top)\n- [Lead](lead.md)\n", "new mid lead"},
		{"numbers in file names", []*page{pg("l10-x.md", ""), pg("l2-y.md", ""), pg("l9-z.md", "")}, "", "l2-y l9-z l10-x"},
		{"roman numerals in titles", []*page{pg("a.md", "# Engineer III\n"), pg("b.md", "# Engineer I\n"), pg("c.md", "# Engineer II\n")}, "", "b c a"},
		{"seniority words", []*page{pg("p.md", "# Principal Engineer\n"), pg("s.md", "# Senior Engineer\n"), pg("e.md", "# Engineer\n"), pg("st.md", "# Staff Engineer\n"), pg("j.md", "# Junior Engineer\n")}, "", "j e s st p"},
		{"managers", []*page{pg("d.md", "# Director\n"), pg("sm.md", "# Senior Manager\n"), pg("m.md", "# Manager\n")}, "", "m sm d"},
		{"nothing to go by", []*page{pg("gamma.md", "# Gamma\n"), pg("alpha.md", "# Alpha\n")}, "", "alpha gamma"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			im := newImporter(fstest.MapFS{})
			var index *page
			if tc.index != "" {
				index = pg("README.md", tc.index)
			}
			var got []string
			for _, p := range im.orderLevels(tc.pages, index, nil) {
				got = append(got, p.id())
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("got %v, want %s", got, tc.want)
			}
			guessed := len(im.warn.result()) > 0
			if guessed != (tc.name == "nothing to go by") {
				t.Errorf("a warning only when the order is a guess: %v", im.warn.result())
			}
		})
	}
}

// TestWarningsOnceWithTheFiles gives one warning for a thing that happens in many files.
func TestWarningsOnceWithTheFiles(t *testing.T) {
	var ws warnings
	for _, f := range []string{"a.md", "b.md", "c.md", "d.md", "b.md"} {
		ws.add(f, "section %q is unusual", "Notes")
	}
	ws.add("a.md", "something else")
	got := ws.result()
	if len(got) != 2 {
		t.Fatalf("%+v", got)
	}
	if s := got[0].Format(func(f string) string { return "site/" + f }); s != `section "Notes" is unusual (4 files: site/a.md, site/b.md, site/c.md and 1 more)` {
		t.Errorf("%s", s)
	}
	if s := got[1].String(); s != "a.md: something else" {
		t.Errorf("%s", s)
	}
}
