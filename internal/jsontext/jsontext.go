// Package jsontext writes JSON strings straight into a byte slice, for the files the build
// writes by hand (framework.json, the site's data and search files) where encoding/json's
// reflection and buffering cost more than the rest of the work.
package jsontext

import (
	"unicode/utf8"

	"github.com/rungs/rungs/internal/swar"
)

// Escape says what AppendString escapes besides what JSON itself needs.
type Escape int

const (
	// Plain escapes quotes, backslashes, control characters and U+2028/U+2029 only.
	Plain Escape = iota
	// HTMLSafe also escapes <, > and & as \u003c, \u003e and \u0026: the bytes
	// encoding/json writes, so a file written by hand equals one it would write.
	HTMLSafe
	// HTMLText takes s as plain text and writes the HTML that shows it, as
	// html.EscapeString does (& ' < > " as entities), for a script that sets innerHTML.
	HTMLText
)

// special marks, for each Escape, the bytes AppendString must look at: ASCII it escapes, and
// every byte of a multi-byte character (to check its UTF-8 and find U+2028 and U+2029). The
// rest, most of any text, is copied in runs: the files it writes are tens of megabytes.
var special = func() (t [3][256]bool) {
	for esc := range t {
		for c := range 256 {
			t[esc][c] = c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf ||
				esc == int(HTMLSafe) && (c == '<' || c == '>' || c == '&') ||
				esc == int(HTMLText) && entity(byte(c), HTMLText) != ""
		}
	}
	return t
}()

// AppendString appends s to b as a JSON string. Invalid UTF-8 becomes U+FFFD, and the two
// line separators older JavaScript refused in strings are escaped.
func AppendString(b []byte, s string, esc Escape) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	sp := &special[esc]
	start := 0
	for i := 0; i < len(s); {
		i += plainRun(s[i:], esc)
		if i == len(s) {
			break
		}
		c := s[i]
		if !sp[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			if e := entity(c, esc); e != "" {
				b = append(b, e...)
			} else {
				switch c {
				case '\\', '"':
					b = append(b, '\\', c)
				case '\b':
					b = append(b, '\\', 'b')
				case '\f':
					b = append(b, '\\', 'f')
				case '\n':
					b = append(b, '\\', 'n')
				case '\r':
					b = append(b, '\\', 'r')
				case '\t':
					b = append(b, '\\', 't')
				default: // a control character, or <, > or & for HTMLSafe
					b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
				}
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// plainRun returns how many bytes at the start of s, a multiple of eight, need no escaping
// for esc. It tests eight bytes at once (package swar, and the "hasless" trick for control
// characters): a text is mostly such runs, and a byte at a time made writing the data files a
// tenth of a build.
func plainRun(s string, esc Escape) int {
	n := 0
	for ; n+8 <= len(s); n += 8 {
		x := swar.Word(s, n)
		// x: a byte of a multi-byte character; x - 0x20…: a control character (exact as long
		// as no byte is 0x80 or more, which x has caught).
		bad := x | (x - swar.Ones*0x20) | swar.Has(x, '"') | swar.Has(x, '\\')
		switch esc {
		case HTMLSafe:
			bad |= swar.Has(x, '<') | swar.Has(x, '>') | swar.Has(x, '&')
		case HTMLText:
			bad |= swar.Has(x, '<') | swar.Has(x, '>') | swar.Has(x, '&') | swar.Has(x, '\'')
		}
		if bad&swar.High != 0 {
			break
		}
	}
	return n
}

// entity is how html.EscapeString writes c when esc is HTMLText, or "" when c stays as it is.
func entity(c byte, esc Escape) string {
	if esc != HTMLText {
		return ""
	}
	switch c {
	case '&':
		return "&amp;"
	case '\'':
		return "&#39;"
	case '<':
		return "&lt;"
	case '>':
		return "&gt;"
	case '"':
		return "&#34;"
	}
	return ""
}
