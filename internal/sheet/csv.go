package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// CSV has no sheets, so a workbook is written as sections, each under a row holding only its
// name in brackets ("[Engineering]"); it still opens as one table in any spreadsheet. A CSV file
// without such rows is one sheet named after the file.

var sectionRE = regexp.MustCompile(`^\[(.+)\]$`)

// ReadCSV reads a CSV file (comma or semicolon separated) into a workbook; name names the first
// sheet when the file does not.
func ReadCSV(file, name string, data []byte) (*Workbook, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.Comma = Comma(data)
	wb := &Workbook{}
	var cur *Sheet
	for {
		rec, err := r.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				p := Problem{File: file, Sheet: name, Row: 1, Msg: fmt.Sprintf("CSV syntax: %v (line %d of the file)", pe.Err, pe.Line)}
				if cur != nil {
					p.Sheet, p.Row = cur.Name, len(cur.Rows)+1
				}
				p.Col = fieldAt(data, pe.Line, pe.Column, r.Comma)
				return nil, Problems{p}
			}
			return nil, err
		}
		if m := sectionRE.FindStringSubmatch(strings.TrimSpace(rec[0])); m != nil && onlyFirst(rec) {
			cur = &Sheet{Name: strings.TrimSpace(m[1])}
			wb.Sheets = append(wb.Sheets, cur)
			continue
		}
		if cur == nil {
			cur = &Sheet{Name: name}
			wb.Sheets = append(wb.Sheets, cur)
		}
		cur.Rows = append(cur.Rows, rec)
	}
	if len(wb.Sheets) == 0 {
		return nil, Problems{{File: file, Msg: "the file is empty"}}
	}
	return wb, nil
}

// onlyFirst reports whether every cell but the first is empty.
func onlyFirst(rec []string) bool {
	for _, c := range rec[1:] {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Comma is the separator of the CSV data starts: ';' when its first line has more semicolons
// than commas, as spreadsheets in many European locales write CSV that way, else ','.
func Comma(data []byte) rune {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		return ';'
	}
	return ','
}

// WriteCSV writes the workbook as one CSV file, each sheet under its [name] row.
func WriteCSV(wb *Workbook) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for i, s := range wb.Sheets {
		if i > 0 {
			_ = w.Write([]string{""})
		}
		_ = w.Write([]string{"[" + s.Name + "]"})
		for _, row := range s.Rows {
			_ = w.Write(row)
		}
	}
	w.Flush()
	return buf.Bytes()
}

// fieldAt turns the byte column of a CSV syntax error into the number (from 1) of the field it
// is in, counting separators outside quotes, as a spreadsheet shows columns.
func fieldAt(data []byte, line, col int, comma rune) int {
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) {
		return 0
	}
	text := lines[line-1]
	if col > len(text)+1 {
		col = len(text) + 1
	}
	field, quoted := 1, false
	for _, c := range text[:max(col-1, 0)] {
		switch {
		case c == '"':
			quoted = !quoted
		case c == comma && !quoted:
			field++
		}
	}
	return field
}
