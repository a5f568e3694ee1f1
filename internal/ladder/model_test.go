package ladder

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/gen"
)

// The Named lookups take what a person typed: an id or a title in any case, a level also by
// its code; anything else is nil.
func TestNamedLookups(t *testing.T) {
	eng := &Ladder{ID: "engineering", Title: "Engineering",
		Tracks: []*Track{{ID: "sre", Title: "Site Reliability"}},
		Levels: []*Level{{ID: "senior", Title: "Senior Engineer", Code: "E3"}, {ID: "staff", Title: "Staff Engineer"}}}
	f := &Framework{Ladders: []*Ladder{{ID: "design", Title: "Design"}, eng}}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"ladder by id", f.LadderNamed("engineering"), eng},
		{"ladder by title, any case", f.LadderNamed("ENGINEERING"), eng},
		{"no such ladder", f.LadderNamed("sales"), (*Ladder)(nil)},
		{"track by title", eng.TrackNamed("site reliability"), eng.Tracks[0]},
		{"track by id", eng.TrackNamed("SRE"), eng.Tracks[0]},
		{"no such track", eng.TrackNamed("product"), (*Track)(nil)},
		{"level by code", eng.LevelNamed("e3"), eng.Levels[0]},
		{"level by title", eng.LevelNamed("staff engineer"), eng.Levels[1]},
		{"level by id", eng.LevelNamed("Staff"), eng.Levels[1]},
		{"an empty code matches nothing", eng.LevelNamed(""), (*Level)(nil)},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

// WriteJSON streams a ladder at a time and must write exactly what encoding/json writes for
// the whole framework, whatever the text holds.
func TestWriteJSONIsJSONOfTheWhole(t *testing.T) {
	max, tiny, huge := 5.5, 1e-7, 3e21
	tricky := &Framework{Format: FormatVersion, Title: `"ladders":[] <b> & é`, Scale: []Rating{{ID: "x", Label: `"ladders":[`}},
		Ladders: []*Ladder{
			{ID: "a", Title: `"levels":[]`, Levels: []*Level{
				{ID: "one", Title: "One\b\f\x01\t", Code: "E1", Summary: "sum", Intro: "intro\r\n", Tenure: Range{Min: 1, Max: &max, Approx: true},
					TimeSplit:      []AreaRange{{Area: "core", Range: Range{Min: tiny, Max: &huge}}, {Area: "x", Range: Range{Min: -0.25, Approx: true}}},
					IndicatorNotes: "Read the *split* as a guide <only>.",
					Areas: []*LevelArea{{Area: "core", Expectations: []*Expectation{
						{ID: "e", Name: "Trait", Text: "Ships \u2028 \u2029 \"safely\" <now> & \\ \xff\xfe", Examples: []string{"one", ""}, Track: "sre"},
						{ID: "f", Text: "plain", Examples: []string{}},
						nil,
					}}, {Area: "empty"}, nil}},
				{ID: "two", Title: "Two", Areas: []*LevelArea{}},
				nil,
			}},
			{ID: "b", Title: "B"},
			{ID: "c", Title: "C", Levels: []*Level{}},
		}}
	tests := []struct {
		name string
		f    *Framework
	}{
		{"no ladders", &Framework{Title: "Empty"}},
		{"ladders and text that looks like the key", tricky},
	}
	for _, fsName := range []string{"engineering", "minimal"} {
		fsys, ok := frameworks.FS(fsName)
		if !ok {
			t.Fatalf("no bundled framework %s", fsName)
		}
		f, _, err := Load(fsys)
		if err != nil {
			t.Fatal(err)
		}
		tests = append(tests, struct {
			name string
			f    *Framework
		}{"bundled " + fsName, f})
	}
	genDir := filepath.Join(t.TempDir(), "gen")
	if err := gen.Write(genDir, gen.Spec{Ladders: 3, Levels: 4, WordsPerLevel: 300}); err != nil {
		t.Fatal(err)
	}
	generated, _, err := Load(os.DirFS(genDir))
	if err != nil {
		t.Fatal(err)
	}
	tests = append(tests, struct {
		name string
		f    *Framework
	}{"generated", generated})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, err := json.Marshal(tc.f)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, '\n')
			var got bytes.Buffer
			if err := WriteJSON(&got, tc.f); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("WriteJSON wrote\n%s\nwant\n%s", got.Bytes(), want)
			}
		})
	}
}
