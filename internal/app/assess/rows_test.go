package assess

import (
	"bytes"
	"html/template"
	"strings"
	"testing"
)

// TestEscaperIsTemplateEscaping: every byte is escaped as html/template escapes it in text,
// in a quoted attribute and in a textarea, the places rows.go writes values.
func TestEscaperIsTemplateEscaping(t *testing.T) {
	tmpl := template.Must(template.New("").Parse(`{{.}}|<b title="{{.}}"></b>|<textarea>{{.}}</textarea>`))
	for c := range 256 {
		s := "a" + string([]byte{byte(c)}) + "b"
		var want bytes.Buffer
		if err := tmpl.Execute(&want, s); err != nil {
			t.Fatal(err)
		}
		e := escaper.Replace(s)
		if got := e + `|<b title="` + e + `"></b>|<textarea>` + e + "</textarea>"; got != want.String() {
			t.Errorf("%q: got %q, html/template writes %q", s, got, want.String())
		}
	}
	if got := escaper.Replace("x<\u00e9>+"); !strings.HasPrefix(got, "x&lt;\u00e9&gt;&#43;") {
		t.Errorf("multibyte text: %q", got)
	}
}
