package peoplecsv

import (
	"fmt"
	"strings"
)

// RowError is one thing wrong with a people CSV, at a line of the file.
type RowError struct {
	Line   int    // the file's physical line the row starts on; 1 is the header
	Column string // the header as written, "" when the row (or the file) as a whole is wrong
	Reason string
}

// Error is "line 7, column "Manager": unknown manager bob@x.com".
func (e RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	}
	return fmt.Sprintf("line %d, column %q: %s", e.Line, e.Column, e.Reason)
}

// Errors lists everything wrong with a people CSV, in line order; when Read returns it,
// nothing may be imported.
type Errors []RowError

// Error puts every row's error on a line of its own.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// As lets errors.As find the list whether the caller asks for an Errors or a *Errors, as
// both spellings are natural.
func (es *Errors) As(target any) bool {
	switch t := target.(type) {
	case *Errors:
		*t = *es
		return true
	case **Errors:
		*t = es
		return true
	}
	return false
}
