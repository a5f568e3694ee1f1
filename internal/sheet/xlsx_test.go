package sheet

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// workbook builds an xlsx file from sheets of rows, as a person would in a spreadsheet.
func workbook(t *testing.T, sheets map[string][][]string, order ...string) []byte {
	t.Helper()
	x := excelize.NewFile()
	for i, name := range order {
		if i == 0 {
			x.SetSheetName("Sheet1", name)
		} else {
			x.NewSheet(name)
		}
		for r, row := range sheets[name] {
			for c, v := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				x.SetCellStr(name, ref, v)
			}
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadHandMadeXLSX(t *testing.T) {
	data := workbook(t, map[string][][]string{
		"Backend": {
			{"", "Junior", "Senior"},
			{"Tenure", "0-2 years", "3+"},
			{"Craft", "- Fixes bugs.\n  - Example: the login bug.", "Designs services."},
			{"", "Writes tests.", ""},
			{"Traits", "**Grit**: Keeps going.", "**Grit**: Keeps others going."},
		},
		"Frontend": {
			{"Area", "One"},
			{"Craft", "Builds pages."},
		},
	}, "Backend", "Frontend")
	res, err := Read("ladders.xlsx", data, Options{Format: "xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	f := res.Framework
	if len(f.Ladders) != 2 || f.Ladders[0].ID != "backend" || f.Ladders[1].ID != "frontend" {
		t.Fatalf("a ladder per sheet: %+v", f.Ladders)
	}
	be := f.Ladders[0]
	junior := be.Level("junior")
	if junior.Tenure.String() != "0-2" || be.Level("senior").Tenure.String() != "3+" {
		t.Errorf("tenure %s %s", junior.Tenure, be.Level("senior").Tenure)
	}
	craft := junior.Area("craft").Expectations
	if len(craft) != 2 || craft[0].Text != "Fixes bugs." || craft[0].Examples[0] != "Example: the login bug." || craft[1].Text != "Writes tests." {
		t.Errorf("a blank area cell continues the one above: %+v", craft)
	}
	if a := be.Area("traits"); a == nil || a.Kind != "traits" || junior.Area("traits").Expectations[0].Name != "Grit" {
		t.Errorf("traits: %+v", a)
	}
}

func TestReadXLSXProblems(t *testing.T) {
	data := workbook(t, map[string][][]string{
		"Ladder": {
			{"Area", "One", "Two"},
			{"Code", "L1", "L1"},
			{"Time split: Craft", "lots", "10"},
			{"Craft", "Ships.", "  - orphan example"},
		},
		"Scale": {{"Rating", "Label"}, {"Not yet", "Not yet"}},
	}, "Ladder", "Scale")
	_, err := Read("bad.xlsx", data, Options{Format: "xlsx"})
	if err == nil {
		t.Fatal("want problems")
	}
	got := err.Error()
	for _, want := range []string{
		`bad.xlsx: sheet "Ladder", row 2, column C: level code "L1" is already used in column B`,
		`bad.xlsx: sheet "Ladder", row 3, column B: time split: "lots" is not a range`,
		`bad.xlsx: sheet "Ladder", row 4, column C: an indented line must follow an expectation: "orphan example"`,
		`bad.xlsx: sheet "Scale", row 2, column A: bad rating id "Not yet"`,
		`bad.xlsx: sheet "Scale", row 1: the scale needs at least two ratings`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("want %q in:\n%s", want, got)
		}
	}
	if _, err := Read("text.xlsx", []byte("not a zip"), Options{Format: "xlsx"}); err == nil || !strings.Contains(err.Error(), "text.xlsx: not an xlsx workbook") {
		t.Errorf("corrupt file: %v", err)
	}
}

func TestAlignRowsKeepsEveryOrder(t *testing.T) {
	// Ids shared across levels share a row unless that would change a level's order.
	f := loadTemplate(t, "minimal")
	ld := f.Ladders[0]
	a, b := ld.Levels[0].Areas[0].Expectations, ld.Levels[1].Areas[0].Expectations
	b[0].ID, b[1].ID = a[1].ID, a[0].ID // the second level lists two grown expectations the other way round
	rows := alignRows(ld, "craft", "")
	for li := range ld.Levels {
		var got []string
		for _, r := range rows {
			for _, e := range r.cells[li] {
				got = append(got, e.ID)
			}
		}
		var want []string
		for _, e := range ld.Levels[li].Areas[0].Expectations {
			want = append(want, e.ID)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("level %d: rows give %v, want %v", li, got, want)
		}
	}
	shared := 0
	for _, r := range rows {
		if r.cells[0] != nil && r.cells[1] != nil {
			shared++
		}
	}
	if shared != 1 {
		t.Errorf("want one shared row (the other order needs its own), got %d", shared)
	}
}

// TestReadHandMadeMatrix reads a spreadsheet as people make them: a Description column after
// the Area column describes the areas, rows that read "Name: text" across the levels are
// traits, a column that is rarely a level gets a warning that says what to do, and no level
// is given a code the sheet does not have.
func TestReadHandMadeMatrix(t *testing.T) {
	data, err := os.ReadFile("testdata/design-ladder.csv")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Read("design-ladder.csv", data, Options{Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	ld := res.Framework.Ladders[0]
	var levels []string
	for _, lv := range ld.Levels {
		levels = append(levels, lv.ID+"="+lv.Code)
	}
	if got := strings.Join(levels, " "); got != "designer-i= designer-ii= senior-designer= notes=" {
		t.Errorf("levels, with no codes: %s", got)
	}
	craft := ld.Area("craft")
	if craft == nil || craft.Description != "Making things people can use: research, interaction and visual design." {
		t.Fatalf("the Description column describes the area: %+v", craft)
	}
	b := ld.Area("behaviours")
	if b == nil || b.Kind != "traits" {
		t.Fatalf("rows of \"Name: text\" are traits: %+v", b)
	}
	es := ld.Level("designer-ii").Area("behaviours").Expectations
	if len(es) != 2 || es[0].Name != "Curiosity" || es[0].Text != "looks for patterns across research." || es[0].ID != "curiosity" {
		t.Errorf("traits: %+v", es[0])
	}
	if ld.Level("designer-i").Area("behaviours").Expectations[1].ID != "care" {
		t.Error("a trait keeps its id from level to level")
	}
	if got := strings.Join(res.Warnings, "\n"); !strings.Contains(got, `design-ladder.csv: sheet "design-ladder", row 1, column F: column "Notes" is read as a level, as it comes after the first level column; if it is not a level, delete the column or move it to a sheet of its own`) {
		t.Errorf("warnings:\n%s", got)
	}
}

// TestReadXLSXRefusesTextThatIsNotUTF8: a workbook whose strings are not UTF-8 (edited by some
// other tool) is refused; excelize alone would read its sheets as empty.
func TestReadXLSXRefusesTextThatIsNotUTF8(t *testing.T) {
	t.Parallel()
	data := workbook(t, map[string][][]string{"Ladder": {{"Area", "One"}, {"Craft", "Ships José's fixes."}}}, "Ladder")
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		b = bytes.ReplaceAll(b, []byte("José"), []byte("Jos\xe9")) // as Windows-1252
		w, _ := zw.Create(f.Name)
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = Read("latin.xlsx", out.Bytes(), Options{Format: "xlsx"})
	if err == nil || !strings.Contains(err.Error(), "latin.xlsx: xl/sharedStrings.xml inside the workbook is not UTF-8 text (line") {
		t.Errorf("Read: %v", err)
	}
}
