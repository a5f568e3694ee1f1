package hugo

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/rungs/rungs/internal/ladder"
)

// site reads a txtar archive of a Hugo site into a file system.
func site(t *testing.T, file string) fstest.MapFS {
	t.Helper()
	a, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m := fstest.MapFS{}
	for _, f := range a.Files {
		m[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	return m
}

// written writes the framework with ladder.Files, as rungs import does, failing unless it loads
// without errors.
func written(t *testing.T, f *ladder.Framework) fstest.MapFS {
	t.Helper()
	files, err := ladder.Files(f)
	if err != nil {
		t.Fatal(err)
	}
	m := fstest.MapFS{}
	for p, b := range files {
		m[p] = &fstest.MapFile{Data: b}
	}
	_, diags, err := ladder.Load(m)
	if err != nil {
		t.Fatal(err)
	}
	if diags.HasErrors() {
		t.Fatalf("imported framework does not check:\n%s", diags.Error())
	}
	return m
}

func TestImportLadderSite(t *testing.T) {
	res, err := Import(site(t, "testdata/ladder-site.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	f := res.Framework
	m := written(t, f)

	if f.Title != "Northwind Engineering Ladder" || f.Description != "How engineers grow at Northwind." {
		t.Errorf("title %q, description %q", f.Title, f.Description)
	}
	var ladders, pages []string
	for _, l := range f.Ladders {
		ladders = append(ladders, l.ID)
	}
	for _, p := range f.Pages {
		pages = append(pages, p.ID)
	}
	if got := strings.Join(ladders, " "); got != "engineering management" {
		t.Errorf("ladders %q", got)
	}
	if got := strings.Join(pages, " "); got != "introduction faq" {
		t.Errorf("pages %q", got)
	}
	eng := f.Ladder("engineering")
	var levels []string
	for _, lv := range eng.Levels {
		levels = append(levels, lv.ID+"="+lv.Code)
	}
	if got := strings.Join(levels, " "); got != "junior=E1 engineer=E2 senior=E3 staff=E4" {
		t.Errorf("levels in weight order: %q", got)
	}
	var areas []string
	for _, a := range eng.Areas() {
		areas = append(areas, a.Group+"/"+a.ID+":"+a.Kind)
	}
	want := "core-competencies/core:expectations functional-competencies/management:expectations " +
		"functional-competencies/delighting-people:expectations functional-competencies/organization-building:expectations " +
		"functional-competencies/social-capital:expectations behavioral-competencies/enabling-traits:traits writing/writing:expectations"
	if got := strings.Join(areas, " "); got != want {
		t.Errorf("areas:\n got %s\nwant %s", got, want)
	}

	junior := eng.Level("junior")
	if got := junior.Tenure.String(); got != "~1-2" {
		t.Errorf("junior tenure %s", got)
	}
	var split []string
	for _, ts := range junior.TimeSplit {
		split = append(split, ts.Area+"="+ts.Range.String())
	}
	if got := strings.Join(split, " "); got != "core=~80-90 management=~0-5 delighting-people=~0-5 organization-building=~0-5 social-capital=~5-10" {
		t.Errorf("junior time split %q", got)
	}
	if got := eng.Level("engineer").TimeSplit[3]; got.Area != "organization-building" || got.Range.String() != "~5" {
		t.Errorf("engineer's single-number share: %+v", got)
	}
	traits := junior.Area("enabling-traits").Expectations
	if len(traits) != 2 || traits[0].Name != "Curiosity" || traits[0].Text != "Asks why things work the way they do." {
		t.Errorf("traits: %+v", traits[0])
	}
	if ex := junior.Area("core").Expectations[1].Examples; len(ex) != 1 || ex[0] != "Example: adds a regression test with each bug fix." {
		t.Errorf("nested bullet: %q", ex)
	}

	senior := eng.Level("senior")
	core := senior.Area("core").Expectations
	if len(core) != 2 || strings.Join(core[0].Examples, "|") != "Writes a design document first.|Gets it reviewed by another team.|Keeps the document up to date." {
		t.Errorf("deeper nesting kept as examples: %+v", core)
	}
	if core[1].Text != "Leads incident response for the team's services, from first page to written follow-up." {
		t.Errorf("continued bullet: %q", core[1].Text)
	}
	if !strings.Contains(senior.Intro, "**Core:** Engineers at this level:") || strings.Contains(senior.Intro, "old note") {
		t.Errorf("senior intro: %q", senior.Intro)
	}

	staff := eng.Level("staff")
	if got := staff.Tenure.String(); got != "4+" {
		t.Errorf("staff tenure %s", got)
	}
	if w := staff.Area("writing"); w == nil || len(w.Expectations) != 2 {
		t.Errorf("unknown heading must become an area with its paragraphs: %+v", w)
	}
	if staff.IndicatorNotes != "Leadership: ~20-30%\n\nTravel: some, for conferences" {
		t.Errorf("unread indicators must be kept as notes, in order: %q", staff.IndicatorNotes)
	}
	mgr := f.Ladder("management").Level("manager")
	if mgr.Code != "M1" || mgr.Tenure.String() != "~2-4" || len(mgr.TimeSplit) != 2 {
		t.Errorf("TOML level with a list of indicators: %+v", mgr)
	}

	intro := string(m["pages/introduction.md"].Data)
	for _, want := range []string{
		"> **Note:** Levels describe impact, not hours worked.",
		"> **Warning:** Read the [FAQ](faq.md) before your first review.",
		"- Start with [the engineering ladder](../ladders/engineering/ladder.yaml).",
		"- Then read **your** level.",
		"[Senior level's core work](../ladders/engineering/senior.md#core)",
		"[our blog](https://blog.example.org/ladders)",
	} {
		if !strings.Contains(intro, want) {
			t.Errorf("introduction lacks %q:\n%s", want, intro)
		}
	}
	for _, bad := range []string{"{{", "<!--", "TODO", "<div", "<b>"} {
		for p, file := range m {
			if strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".yaml") {
				if strings.Contains(string(file.Data), bad) {
					t.Errorf("%s still holds %q", p, bad)
				}
			}
		}
	}
	if !strings.Contains(string(m["pages/faq.md"].Data), "[Junior level](../ladders/engineering/junior.md)") {
		t.Errorf("relref not resolved:\n%s", m["pages/faq.md"].Data)
	}
	if !strings.Contains(eng.Description, "- [Senior Engineer](senior.md): Owns a system") {
		t.Errorf("cards must become links: %q", eng.Description)
	}

	for _, want := range []string{
		`staff.md: section "Writing" is not one of the usual ladder sections`,
		`staff.md: time split "Leadership: ~20-30%" names no single area`,
		`senior.md: bullets nested more than one level deep`,
		`senior.md: section "Core" has text that is not a bullet`,
		`content/_index.md: the site's home page was not imported`,
		`no rating scale`,
	} {
		if !strings.Contains(warningText(res), want) {
			t.Errorf("no warning %q in:\n%s", want, warningText(res))
		}
	}
}

func warningText(res *Result) string {
	var lines []string
	for _, w := range res.Warnings {
		lines = append(lines, w.String())
	}
	return strings.Join(lines, "\n")
}

func TestImportNotASite(t *testing.T) {
	if _, err := Import(fstest.MapFS{"README.md": {Data: []byte("hi")}}); err != ErrNotASite {
		t.Errorf("got %v", err)
	}
	_, err := Import(fstest.MapFS{"content/docs/about.md": {Data: []byte("---\ntitle: About\n---\nNo ladder here.\n")}})
	if err == nil || !strings.Contains(err.Error(), "found no ladder in content/docs") {
		t.Errorf("got %v", err)
	}
	_, err = Import(fstest.MapFS{"content/docs/eng/one.md": {Data: []byte("---\ntitle: [broken\n---\n## Core Competencies\n")}})
	if err == nil || !strings.Contains(err.Error(), "content/docs/eng/one.md:2: front matter:") {
		t.Errorf("got %v", err)
	}
}

func TestShortcodes(t *testing.T) {
	var warnings []string
	warn := func(s string) { warnings = append(warnings, s) }
	for _, c := range []struct{ in, want string }{
		{`{{< callout >}}Hi{{< /callout >}}`, "> **Note:** Hi"},
		{`{{% callout type="error" %}}Careful{{% /callout %}}`, "> **Important:** Careful"},
		{`{{< details title="More" >}}Body{{< /details >}}`, "**More**\n\nBody"},
		{`{{< tabs items="A,B" >}}{{< tab >}}one{{< /tab >}}{{< tab >}}two{{< /tab >}}{{< /tabs >}}`, "**A**\n\none\n\n**B**\n\ntwo"},
		{`a {{</* callout */>}} b`, "a {{< callout >}} b"},
		{`{{< icon "star" >}}x`, "x"},
		{`{{< youtube id="abc" >}}`, ""},
		{`{{< mystery >}}kept{{< /mystery >}}`, "kept"},
		{`{{< callout >}}unclosed`, "> **Note:**\n\nunclosed"},
	} {
		got := strings.TrimSpace(renderShortcodes(parseShortcodes(c.in), warn))
		if got != c.want {
			t.Errorf("%s\n got %q\nwant %q", c.in, got, c.want)
		}
	}
	if len(warnings) != 2 || !strings.Contains(warnings[0], `"youtube"`) || !strings.Contains(warnings[1], `"mystery"`) {
		t.Errorf("warnings: %q", warnings)
	}
}

func TestTitleFromName(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"dashes", "content/docs/senior-engineer.md", "Senior engineer"},
		{"accented first letter", "content/docs/ingénierie/équipe_produit.md", "Équipe produit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := titleFromName(tc.in); got != tc.want {
				t.Errorf("titleFromName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
