package ladder

import (
	"errors"

	"github.com/rungs/rungs/internal/charset"
)

// checkText reports a file that is not UTF-8 text at its first byte that is not, saying what
// it looks like and how to convert it. Such a file is read no further, and never formatted.
func checkText(file string, src []byte, r *reporter) bool {
	err := charset.Check(src)
	if err == nil {
		return true
	}
	var ce *charset.Error
	if !errors.As(err, &ce) {
		r.errorf(Pos{file, 1, 1}, "%v", err)
		return false
	}
	r.errorf(Pos{file, max(ce.Line, 1), max(ce.Col, 1)}, "%s", ce.Message(file))
	return false
}
