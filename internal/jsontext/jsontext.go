// Package jsontext writes JSON strings straight into a byte slice, for the files the build
// writes by hand (framework.json, the site's data and search files) where encoding/json's
// reflection and buffering cost more than the rest of the work.
package jsontext

import "unicode/utf8"

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

// AppendString appends s to b as a JSON string. Invalid UTF-8 becomes U+FFFD, and the two
// line separators older JavaScript refused in strings are escaped.
func AppendString(b []byte, s string, esc Escape) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if e := entity(c, esc); e != "" {
				b = append(b, s[start:i]...)
				b = append(b, e...)
				i++
				start = i
				continue
			}
			if c >= 0x20 && c != '"' && c != '\\' && (esc != HTMLSafe || c != '<' && c != '>' && c != '&') {
				i++
				continue
			}
			b = append(b, s[start:i]...)
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
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
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
