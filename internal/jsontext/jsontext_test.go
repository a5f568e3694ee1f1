package jsontext

import (
	"encoding/json"
	"html"
	"testing"
)

var texts = []string{"", "plain", `q"uote\back`, "tab\tnew\nret\r", "\b\f\x01\x1f", "<a href='x'>&amp;</a>",
	"caf\u00e9 \u2028 \u2029 \U0001F600", "bad \xff\xfe utf-8", "\x7f"}

// HTMLSafe writes what encoding/json writes.
func TestHTMLSafeIsEncodingJSON(t *testing.T) {
	for _, s := range texts {
		want, _ := json.Marshal(s)
		if got := AppendString(nil, s, HTMLSafe); string(got) != string(want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}

// Plain and HTMLText read back, through JSON, as the text and as its HTML.
func TestPlainAndHTMLTextReadBack(t *testing.T) {
	for _, s := range texts {
		valid := string([]rune(s)) // what the invalid bytes become
		for esc, want := range map[Escape]string{Plain: valid, HTMLText: html.EscapeString(valid)} {
			b := AppendString([]byte("x"), s, esc)
			var got string
			if err := json.Unmarshal(b[1:], &got); err != nil || got != want || b[0] != 'x' {
				t.Errorf("%q as %d: %s reads %q (%v), want %q", s, esc, b, got, err, want)
			}
		}
		if got := string(AppendString(nil, "<&>", Plain)); got != `"<&>"` {
			t.Errorf("Plain escapes HTML: %s", got)
		}
	}
}
