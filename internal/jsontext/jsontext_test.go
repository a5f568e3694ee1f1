package jsontext

import (
	"encoding/json"
	"html"
	"strings"
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

// Every byte, at every place in a text long enough to be read eight bytes at a time, is
// written as encoding/json writes it (HTMLSafe) and reads back as the text or its HTML.
func TestEveryByteEverywhere(t *testing.T) {
	for c := range 256 {
		for at := range 17 {
			s := strings.Repeat("a", at) + string([]byte{byte(c)}) + strings.Repeat("b", 16-at)
			valid := string([]rune(s))
			want, _ := json.Marshal(s)
			if got := AppendString(nil, s, HTMLSafe); string(got) != string(want) {
				t.Fatalf("%q: got %s, want %s", s, got, want)
			}
			for esc, want := range map[Escape]string{Plain: valid, HTMLText: html.EscapeString(valid)} {
				var got string
				if err := json.Unmarshal(AppendString(nil, s, esc), &got); err != nil || got != want {
					t.Fatalf("%q as %d reads %q (%v), want %q", s, esc, got, err, want)
				}
			}
		}
	}
}

// BenchmarkAppendString writes an expectation's worth of plain text, the common case.
func BenchmarkAppendString(b *testing.B) {
	s := "Simplifies budgets migrations documents errors hiring after monitors scope libraries within roadmaps unless large releases then often onboarding."
	var buf []byte
	for b.Loop() {
		buf = AppendString(buf[:0], s, Plain)
	}
}
