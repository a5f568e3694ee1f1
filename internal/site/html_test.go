package site

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"testing"

	"github.com/rungs/rungs/internal/changes"
	"github.com/rungs/rungs/internal/ladder"
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

// TestHeaderMarks: the header differs from section to section exactly where chrome.marks says
// it marks the section, so that headers cached by marks are the ones each page would render.
func TestHeaderMarks(t *testing.T) {
	f, _ := bundled(t, "engineering")
	many := *f
	for i := range maxNavLadders + 1 {
		l := *f.Ladders[0]
		l.ID = fmt.Sprintf("copy-%d", i)
		many.Ladders = append(many.Ladders, &l)
	}
	history := []changes.Entry{{Notes: "A change"}}
	for _, fw := range []*ladder.Framework{f, &many} {
		r := &renderer{f: fw, base: "/", opts: Options{History: history}, assetURL: map[string]string{}}
		c := r.chrome()
		sections := []string{"", "home", "compare", "assess", "crosswalk", "changes", "search", "ladder:nope", "page:nope"}
		for _, l := range append(c.Ladders, c.Pages...) {
			sections = append(sections, l.Key)
		}
		for _, l := range fw.Ladders {
			sections = append(sections, "ladder:"+l.ID)
		}
		header := func(section string) string {
			var b bytes.Buffer
			if err := templates["page"].ExecuteTemplate(&b, "header", &page{Site: c, Section: section}); err != nil {
				t.Fatal(err)
			}
			return b.String()
		}
		plain := header("")
		for _, s := range sections {
			if differs := header(s) != plain; differs != c.marks(s) {
				t.Errorf("%d ladders, section %q: header differs from an unmarked one: %v; marks says %v", len(fw.Ladders), s, differs, c.marks(s))
			}
		}
	}
}
