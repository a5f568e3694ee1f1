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

// TestRoundTrip writes every bundled framework as CSV and as xlsx, reads it back and expects the
// very same model.
func TestRoundTrip(t *testing.T) {
	for _, tmpl := range frameworks.Templates {
		f := loadTemplate(t, tmpl.Name)
		t.Run(tmpl.Name+"/csv", func(t *testing.T) {
			data := WriteCSV(Matrix(f))
			res, err := Read("fw.csv", data, Options{Format: "csv"})
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, f, res.Framework)
		})
		t.Run(tmpl.Name+"/xlsx", func(t *testing.T) {
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
