package store

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The most characters each kind of text field holds: room for any real value, and a bound
// on what one row, page and export can hold. Every way in (the app's forms, a CSV import,
// the shell) is held to them here.
const (
	MaxName  = 200  // a person's name
	MaxEmail = 254  // an email address (the most SMTP carries)
	MaxTitle = 200  // a job title
	MaxNote  = 2000 // a note on a level change or a rollout review
	MaxID    = 100  // a ladder, track or level id
)

// TextProblem says what is wrong with the value of a one-line text field that holds at most
// max characters: "" when nothing, else words to follow the field's name, such as "is longer
// than 200 characters". Control characters (tabs, line breaks, NUL, escapes) are refused,
// and so are the invisible marks that reverse the direction of text, which could make a name
// read as another in a page or a spreadsheet.
func TextProblem(s string, max int) string {
	switch {
	case !utf8.ValidString(s):
		return "is not valid text: save the file as UTF-8"
	case utf8.RuneCountInString(s) > max:
		return fmt.Sprintf("is longer than %d characters", max)
	}
	if i := strings.IndexFunc(s, forbiddenRune); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return fmt.Sprintf("has a control character in it (%U, such as a tab or a line break): type it on one line, in plain text", r)
	}
	return ""
}

func forbiddenRune(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidirectional overrides and isolates
		return true
	case r == 0x2028 || r == 0x2029: // line and paragraph separators
		return true
	}
	return false
}

// NoteProblem is TextProblem for a note of at most MaxNote characters, which may have line
// breaks ("\n"; the caller turns "\r\n" into "\n" first).
func NoteProblem(s string) string {
	return TextProblem(strings.ReplaceAll(s, "\n", " "), MaxNote)
}

// checkText returns an error naming the field when TextProblem finds one.
func checkText(field, s string, max int) error {
	if p := TextProblem(s, max); p != "" {
		return fmt.Errorf("%s %s", field, p)
	}
	return nil
}

// checkNote returns an error when NoteProblem finds one.
func checkNote(s string) error {
	if p := NoteProblem(s); p != "" {
		return fmt.Errorf("note %s", p)
	}
	return nil
}

// cleanDetail makes text from outside (an email typed at sign-in, a file's name) safe to
// keep in an audit entry: control characters become U+FFFD, as invalid UTF-8 does.
func cleanDetail(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexFunc(s, forbiddenRune) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if forbiddenRune(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}
