package web

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// md renders what people write in the app (a goal's evidence, a case's argument, a
// reviewer's comment) without raw HTML: goldmark leaves it out, and drops links to
// javascript: and the like. The same settings as an assessment's evidence.
var md = goldmark.New(goldmark.WithExtensions(extension.Linkify))

// Markdown renders Markdown text safely, for a page.
func Markdown(s string) template.HTML {
	var b bytes.Buffer
	if err := md.Convert([]byte(s), &b); err != nil {
		return template.HTML(template.HTMLEscapeString(s)) //nolint:gosec // escaped
	}
	return template.HTML(b.String()) //nolint:gosec // goldmark without WithUnsafe escapes raw HTML
}
