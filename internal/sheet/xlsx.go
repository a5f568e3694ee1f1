package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/rungs/rungs/internal/charset"

	"github.com/xuri/excelize/v2"
)

// ReadXLSX reads every sheet of an xlsx workbook as text, as the spreadsheet shows it.
func ReadXLSX(file string, data []byte) (*Workbook, error) {
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, Problems{{File: file, Msg: fmt.Sprintf("not an xlsx workbook (%v)", err)}}
	}
	if ps := notUTF8(file, data); len(ps) > 0 {
		x.Close()
		return nil, ps
	}
	defer x.Close()
	wb := &Workbook{}
	for _, name := range x.GetSheetList() {
		rows, err := x.GetRows(name)
		if err != nil {
			return nil, Problems{{File: file, Sheet: name, Msg: fmt.Sprintf("cannot read the sheet (%v)", err)}}
		}
		wb.Sheets = append(wb.Sheets, &Sheet{Name: name, Rows: rows})
	}
	if len(wb.Sheets) == 0 {
		return nil, Problems{{File: file, Msg: "the workbook has no sheets"}}
	}
	return wb, nil
}

// notUTF8 reports the XML parts of an xlsx file whose text is not UTF-8. Excel writes UTF-8,
// and excelize, given anything else, reads the sheet as empty without a word.
func notUTF8(file string, data []byte) Problems {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil // excelize says what is wrong with the file
	}
	var ps Problems
	for _, part := range zr.File {
		if !strings.HasSuffix(part.Name, ".xml") || part.UncompressedSize64 > 1<<30 {
			continue
		}
		r, err := part.Open()
		if err != nil {
			continue
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			continue
		}
		if err := charset.Check(b); err != nil {
			ps = append(ps, Problem{File: file, Msg: fmt.Sprintf("%s inside the workbook is not UTF-8 text (%v); save the workbook again from the spreadsheet", part.Name, err)})
		}
	}
	return ps
}

// WriteXLSX writes the workbook as an xlsx file: the first row of each sheet is a bold header
// that stays in view, and cells wrap so multi-line expectations read as lists.
func WriteXLSX(wb *Workbook) ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	header, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	body, err := x.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	for i, s := range wb.Sheets {
		if i == 0 {
			if err := x.SetSheetName("Sheet1", s.Name); err != nil {
				return nil, fmt.Errorf("sheet %q: %w", s.Name, err)
			}
		} else if _, err := x.NewSheet(s.Name); err != nil {
			return nil, fmt.Errorf("sheet %q: %w", s.Name, err)
		}
		cols := 0
		for r, row := range s.Rows {
			cols = max(cols, len(row))
			for c, v := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				// Text stays text: a level code like "007" or a range like "2-3" must not become
				// a number or a date.
				if err := x.SetCellStr(s.Name, ref, v); err != nil {
					return nil, fmt.Errorf("sheet %q, cell %s: %w", s.Name, ref, err)
				}
			}
		}
		if cols == 0 {
			continue
		}
		last, _ := excelize.CoordinatesToCellName(cols, max(len(s.Rows), 1))
		if err := x.SetCellStyle(s.Name, "A1", last, body); err != nil {
			return nil, err
		}
		end, _ := excelize.CoordinatesToCellName(cols, 1)
		if err := x.SetCellStyle(s.Name, "A1", end, header); err != nil {
			return nil, err
		}
		for c := 1; c <= cols; c++ {
			name, _ := excelize.ColumnNumberToName(c)
			_ = x.SetColWidth(s.Name, name, name, columnWidth(s, c-1))
		}
		_ = x.SetPanes(s.Name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// columnWidth fits the longest line in the column, within reason.
func columnWidth(s *Sheet, c int) float64 {
	w := 8
	for r := range s.Rows {
		for _, line := range strings.Split(s.cell(r, c), "\n") {
			w = max(w, len([]rune(line)))
		}
	}
	return float64(min(w+2, 60))
}
