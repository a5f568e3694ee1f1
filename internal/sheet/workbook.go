// Package sheet reads and writes career frameworks as spreadsheets (CSV or xlsx) in two shapes:
// a matrix of competencies by level, and tracks by milestones as points-based growth frameworks
// lay them out.
package sheet

import (
	"fmt"
	"strings"
)

// Sheet is one table of text cells, rows first; rows may be ragged.
type Sheet struct {
	Name string
	Rows [][]string
}

// Workbook is an ordered list of sheets: an xlsx file, or a CSV file with sections.
type Workbook struct {
	Sheets []*Sheet
}

// Sheet returns the sheet with the given name (ignoring case), or nil.
func (wb *Workbook) Sheet(name string) *Sheet {
	for _, s := range wb.Sheets {
		if strings.EqualFold(s.Name, name) {
			return s
		}
	}
	return nil
}

// cell returns the trimmed text at row r, column c (from 0), or "".
func (s *Sheet) cell(r, c int) string {
	if r < len(s.Rows) && c < len(s.Rows[r]) {
		return strings.TrimSpace(s.Rows[r][c])
	}
	return ""
}

// blankRow reports whether every cell of row r is empty.
func (s *Sheet) blankRow(r int) bool {
	for c := range s.Rows[r] {
		if s.cell(r, c) != "" {
			return false
		}
	}
	return true
}

// ColumnName is the spreadsheet name of column c (from 0): A, B, ..., Z, AA, ...
func ColumnName(c int) string {
	name := ""
	for c++; c > 0; c = (c - 1) / 26 {
		name = string(rune('A'+(c-1)%26)) + name
	}
	return name
}

// Problem is one thing wrong with a spreadsheet, at a sheet, row and column (from 1; 0 when the
// problem is with the whole row or sheet).
type Problem struct {
	File  string
	Sheet string
	Row   int
	Col   int
	Msg   string
}

func (p Problem) String() string {
	where := p.File
	if p.Sheet != "" {
		where += fmt.Sprintf(": sheet %q", p.Sheet)
	}
	if p.Row > 0 {
		where += fmt.Sprintf(", row %d", p.Row)
	}
	if p.Col > 0 {
		where += ", column " + ColumnName(p.Col-1)
	}
	return where + ": " + p.Msg
}

// Problems is every problem found in a spreadsheet; as an error it is one line per problem.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// reporter collects problems for one file.
type reporter struct {
	file     string
	problems Problems
	warnings []string
}

// at reports a problem at row r and column c, both counted from 0 (c < 0: the whole row).
func (rp *reporter) at(s *Sheet, r, c int, format string, args ...any) {
	rp.problems = append(rp.problems, Problem{File: rp.file, Sheet: s.Name, Row: r + 1, Col: c + 1, Msg: fmt.Sprintf(format, args...)})
}

// warnf gives a warning at row r and column c, both counted from 0 (c < 0: the whole row).
func (rp *reporter) warnf(s *Sheet, r, c int, format string, args ...any) {
	p := Problem{File: rp.file, Sheet: s.Name, Row: r + 1, Col: c + 1, Msg: fmt.Sprintf(format, args...)}
	rp.warnings = append(rp.warnings, p.String())
}

func (rp *reporter) warn(s *Sheet, format string, args ...any) {
	rp.warnings = append(rp.warnings, fmt.Sprintf("%s: sheet %q: %s", rp.file, s.Name, fmt.Sprintf(format, args...)))
}
