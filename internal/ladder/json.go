package ladder

import (
	"math"
	"strconv"

	"github.com/rungs/rungs/internal/jsontext"
)

// Levels hold nearly all of a framework's text, so framework.json writes them here, byte for
// byte as encoding/json would (TestWriteJSONIsJSONOfTheWhole holds the two together), without
// its reflection: a large framework's JSON is over a hundred megabytes.

func appendLevelJSON(b []byte, lv *Level) []byte {
	if lv == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"id":`...)
	b = jsontext.AppendString(b, lv.ID, jsontext.HTMLSafe)
	b = append(b, `,"title":`...)
	b = jsontext.AppendString(b, lv.Title, jsontext.HTMLSafe)
	if lv.Code != "" {
		b = append(b, `,"code":`...)
		b = jsontext.AppendString(b, lv.Code, jsontext.HTMLSafe)
	}
	if lv.Summary != "" {
		b = append(b, `,"summary":`...)
		b = jsontext.AppendString(b, lv.Summary, jsontext.HTMLSafe)
	}
	if lv.Intro != "" {
		b = append(b, `,"intro":`...)
		b = jsontext.AppendString(b, lv.Intro, jsontext.HTMLSafe)
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
			b = jsontext.AppendString(b, s.Area, jsontext.HTMLSafe)
			b = append(b, `,"range":`...)
			b = appendRangeJSON(b, s.Range)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if lv.IndicatorNotes != "" {
		b = append(b, `,"indicator_notes":`...)
		b = jsontext.AppendString(b, lv.IndicatorNotes, jsontext.HTMLSafe)
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
	b = jsontext.AppendString(b, lv.Path, jsontext.HTMLSafe)
	return append(b, '}')
}

func appendLevelAreaJSON(b []byte, la *LevelArea) []byte {
	if la == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"area":`...)
	b = jsontext.AppendString(b, la.Area, jsontext.HTMLSafe)
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
		b = jsontext.AppendString(b, e.ID, jsontext.HTMLSafe)
		if e.Name != "" {
			b = append(b, `,"name":`...)
			b = jsontext.AppendString(b, e.Name, jsontext.HTMLSafe)
		}
		b = append(b, `,"text":`...)
		b = jsontext.AppendString(b, e.Text, jsontext.HTMLSafe)
		if len(e.Examples) > 0 {
			b = append(b, `,"examples":[`...)
			for j, ex := range e.Examples {
				if j > 0 {
					b = append(b, ',')
				}
				b = jsontext.AppendString(b, ex, jsontext.HTMLSafe)
			}
			b = append(b, ']')
		}
		if e.Track != "" {
			b = append(b, `,"track":`...)
			b = jsontext.AppendString(b, e.Track, jsontext.HTMLSafe)
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
