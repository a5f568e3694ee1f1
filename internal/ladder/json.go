package ladder

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// Levels hold nearly all of a framework's text, so framework.json writes them here, byte for
// byte as encoding/json would (TestWriteJSONIsJSONOfTheWhole holds the two together), without
// its reflection: a large framework's JSON is over a hundred megabytes.

func appendLevelJSON(b []byte, lv *Level) []byte {
	if lv == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"id":`...)
	b = appendJSONString(b, lv.ID)
	b = append(b, `,"title":`...)
	b = appendJSONString(b, lv.Title)
	if lv.Code != "" {
		b = append(b, `,"code":`...)
		b = appendJSONString(b, lv.Code)
	}
	if lv.Summary != "" {
		b = append(b, `,"summary":`...)
		b = appendJSONString(b, lv.Summary)
	}
	if lv.Intro != "" {
		b = append(b, `,"intro":`...)
		b = appendJSONString(b, lv.Intro)
	}
	b = append(b, `,"tenure":`...)
	b = appendRangeJSON(b, lv.Tenure)
	if len(lv.TimeSplit) > 0 {
		b = append(b, `,"time_split":[`...)
		for i, s := range lv.TimeSplit {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"area":`...)
			b = appendJSONString(b, s.Area)
			b = append(b, `,"range":`...)
			b = appendRangeJSON(b, s.Range)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if lv.IndicatorNotes != "" {
		b = append(b, `,"indicator_notes":`...)
		b = appendJSONString(b, lv.IndicatorNotes)
	}
	b = append(b, `,"areas":`...)
	if lv.Areas == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, la := range lv.Areas {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendLevelAreaJSON(b, la)
		}
		b = append(b, ']')
	}
	b = append(b, `,"path":`...)
	b = appendJSONString(b, lv.Path)
	return append(b, '}')
}

func appendLevelAreaJSON(b []byte, la *LevelArea) []byte {
	if la == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"area":`...)
	b = appendJSONString(b, la.Area)
	b = append(b, `,"expectations":`...)
	if la.Expectations == nil {
		b = append(b, "null"...)
		return append(b, '}')
	}
	b = append(b, '[')
	for i, e := range la.Expectations {
		if i > 0 {
			b = append(b, ',')
		}
		if e == nil {
			b = append(b, "null"...)
			continue
		}
		b = append(b, `{"id":`...)
		b = appendJSONString(b, e.ID)
		if e.Name != "" {
			b = append(b, `,"name":`...)
			b = appendJSONString(b, e.Name)
		}
		b = append(b, `,"text":`...)
		b = appendJSONString(b, e.Text)
		if len(e.Examples) > 0 {
			b = append(b, `,"examples":[`...)
			for j, ex := range e.Examples {
				if j > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, ex)
			}
			b = append(b, ']')
		}
		if e.Track != "" {
			b = append(b, `,"track":`...)
			b = appendJSONString(b, e.Track)
		}
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

func appendRangeJSON(b []byte, r Range) []byte {
	b = append(b, `{"min":`...)
	b = appendFloatJSON(b, r.Min)
	if r.Max != nil {
		b = append(b, `,"max":`...)
		b = appendFloatJSON(b, *r.Max)
	}
	if r.Approx {
		b = append(b, `,"approx":true`...)
	}
	return append(b, '}')
}

// appendFloatJSON writes a number as encoding/json does: as ECMAScript writes it. NaN and the
// infinities cannot be written; a level's ranges never hold them.
func appendFloatJSON(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, '0')
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendJSONString writes s as encoding/json does: HTML's <, > and & escaped too, invalid
// UTF-8 as U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
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
