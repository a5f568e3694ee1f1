package site

import (
	"bytes"
	"testing"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/ladder"
)

// TestRerender edits the bundled framework in several ways and wants, from Rerender, exactly
// the site Render makes of the edited framework, having rendered only part of it when the edit
// touched only what one ladder expects.
func TestRerender(t *testing.T) {
	t.Parallel()
	fsys, _ := frameworks.FS("engineering")
	load := func() *ladder.Framework {
		f, diags, err := ladder.Load(fsys)
		if err != nil || diags.HasErrors() {
			t.Fatalf("load: %v %s", err, diags.Error())
		}
		return f
	}
	tests := []struct {
		name    string
		edit    func(f *ladder.Framework)
		partial bool // whether only part of the site is rendered again
	}{
		{"nothing", func(*ladder.Framework) {}, true},
		{"an expectation's text", func(f *ladder.Framework) {
			f.Ladders[0].Levels[2].Areas[0].Expectations[0].Text = "Turns a vague problem into a plan, edited."
		}, true},
		{"an expectation added and one removed", func(f *ladder.Framework) {
			la := f.Ladders[1].Levels[0].Areas[0]
			la.Expectations = append(la.Expectations[1:], &ladder.Expectation{ID: "new-one", Text: "Something new."})
		}, true},
		{"an area's title", func(f *ladder.Framework) { f.Ladders[0].Groups[0].Areas[0].Title = "Core craft" }, true},
		{"a level's introduction", func(f *ladder.Framework) { f.Ladders[0].Levels[1].Intro = "A *new* introduction." }, true},
		{"a level's title", func(f *ladder.Framework) { f.Ladders[0].Levels[1].Title = "Software Engineer" }, false},
		{"a level's summary", func(f *ladder.Framework) { f.Ladders[1].Levels[0].Summary = "Leads a team." }, false},
		{"the framework's title", func(f *ladder.Framework) { f.Title = "Our Ladder" }, false},
		{"a level removed", func(f *ladder.Framework) { f.Ladders[0].Levels = f.Ladders[0].Levels[:4] }, false},
	}
	opts := Options{BaseURL: "https://careers.example.org/"}
	old := load()
	prev, err := Render(old, fsys, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := load()
			tc.edit(f)
			got, n, err := Rerender(prev, old, f, fsys, opts)
			if err != nil {
				t.Fatal(err)
			}
			want, err := Render(f, fsys, opts)
			if err != nil {
				t.Fatal(err)
			}
			for p, w := range want.Files {
				if g := got.Files[p]; g == nil || !bytes.Equal(g.Body, w.Body) || g.Type != w.Type {
					t.Errorf("%s differs from a whole render", p)
				}
			}
			for p := range got.Files {
				if want.Files[p] == nil {
					t.Errorf("%s should be gone", p)
				}
			}
			if partial := n < len(want.Files); partial != tc.partial {
				t.Errorf("rendered %d of %d files; want a partial render: %v", n, len(want.Files), tc.partial)
			}
		})
	}
	again, err := Render(old, fsys, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Files) != len(prev.Files) {
		t.Fatalf("the earlier site has %d files, then %d", len(again.Files), len(prev.Files))
	}
	for p, f := range again.Files {
		if g := prev.Files[p]; g == nil || !bytes.Equal(g.Body, f.Body) {
			t.Errorf("Rerender changed the earlier site's %s", p)
		}
	}
}
