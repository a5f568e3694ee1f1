package site

import (
	"bytes"
	"html/template"
	"strings"
	"testing"
)

// TestAppendTextIsTemplateEscaping: every byte, at every place in a text long enough to be
// read eight bytes at a time, is escaped as html/template escapes text.
func TestAppendTextIsTemplateEscaping(t *testing.T) {
	tmpl := template.Must(template.New("").Parse(`{{.}}`))
	for c := range 256 {
		for at := range 17 {
			s := strings.Repeat("a", at) + string([]byte{byte(c)}) + strings.Repeat("b", 16-at)
			var want, got bytes.Buffer
			if err := tmpl.Execute(&want, s); err != nil {
				t.Fatal(err)
			}
			appendText(&got, s)
			if got.String() != want.String() {
				t.Fatalf("%q: got %q, html/template writes %q", s, got.String(), want.String())
			}
		}
	}
}

// TestPlainText: a line is plain exactly when it has none of the characters that start inline
// Markdown.
func TestPlainText(t *testing.T) {
	for c := range 256 {
		s := "plain " + string([]byte{byte(c)}) + " text"
		if got, want := plainText(s), !strings.ContainsAny(s, inlineMarkdownChars); got != want {
			t.Errorf("%q: plainText %v, want %v", s, got, want)
		}
	}
}
