package sheet

import (
	"testing"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/ladder"
)

func loadTemplate(t *testing.T, name string) *ladder.Framework {
	t.Helper()
	fsys, _ := frameworks.FS(name)
	f, diags, err := ladder.Load(fsys)
	if err != nil || diags.HasErrors() {
		t.Fatalf("load %s: %v %s", name, err, diags.Error())
	}
	return f
}

func sameJSON(t *testing.T, want, got *ladder.Framework) {
	t.Helper()
	a, _ := ladder.JSON(want)
	b, _ := ladder.JSON(got)
	if string(a) != string(b) {
		t.Errorf("model changed:\n%s", lineDiff(string(a), string(b)))
	}
}

// withEverything is a bundled framework given what the templates do not use: an area that
// starts at a level, approximate ranges, indicator notes and a level without a code.
func withEverything(t *testing.T) *ladder.Framework {
	f := loadTemplate(t, "minimal")
	ld := f.Ladders[0]
	ld.Groups[0].Areas[1].From = ld.Levels[1].ID
	lv := ld.Levels[0]
	lv.Areas = lv.Areas[:1]
	lv.Tenure.Approx = true
	lv.TimeSplit[0].Range.Approx = true
	lv.IndicatorNotes = "A rough guide.\n\nTypical time in this level\\\n*(some move on sooner)*"
	lv.Code = ""
	return f
}

// TestRoundTrip writes every bundled framework (and one using what they do not) as CSV and as
// xlsx, reads it back and expects the very same model.
func TestRoundTrip(t *testing.T) {
	all := map[string]*ladder.Framework{"everything": withEverything(t)}
	for _, tmpl := range frameworks.Templates {
		all[tmpl.Name] = loadTemplate(t, tmpl.Name)
	}
	for name, f := range all {
		t.Run(name+"/csv", func(t *testing.T) {
			data := WriteCSV(Matrix(f))
			res, err := Read("fw.csv", data, Options{Format: "csv"})
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, f, res.Framework)
		})
		t.Run(name+"/xlsx", func(t *testing.T) {
			data, err := WriteXLSX(Matrix(f))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Read("fw.xlsx", data, Options{Format: "xlsx"})
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, f, res.Framework)
		})
	}
}
