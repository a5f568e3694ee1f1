// Package titles looks job titles up in a framework's crosswalk, forgiving the ways people write
// the same title: case, punctuation, "Sr." for "Senior", "SDE 2" for "SDE II". The site's
// crosswalk page normalises with the same rules in JavaScript (normaliseTitle in app.js); a test
// holds the two to one table.
package titles

import (
	"slices"
	"strings"

	"github.com/rungs/rungs/internal/ladder"
)

// romans are the roman numerals titles use for rungs, as numbers.
var romans = map[string]string{
	"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5",
	"vi": "6", "vii": "7", "viii": "8", "ix": "9", "x": "10",
}

// words are abbreviations and variants, written out. "engineering" becomes "engineer" so that
// "Eng Manager" finds "Engineering Manager".
var words = map[string]string{
	"sr": "senior", "snr": "senior", "jr": "junior", "jnr": "junior",
	"eng": "engineer", "engr": "engineer", "engineering": "engineer",
	"swe": "software engineer", "sde": "software development engineer",
	"sdm": "software development manager",
	"mts": "member of technical staff", "mgr": "manager", "dir": "director",
	"vp": "vice president", "sre": "site reliability engineer",
	"sdet": "software development engineer in test",
}

// Normalise reduces a title to the form titles are compared in: lowercase ASCII words and
// numbers separated by single spaces, numbers split from letters ("SDE2" is "sde 2"), roman
// numerals as numbers and abbreviations written out.
func Normalise(s string) string {
	var b strings.Builder
	prev := byte(' ') // class of the last byte written: ' ', 'a' or '0'
	for _, r := range strings.ToLower(s) {
		var class byte
		switch {
		case r >= 'a' && r <= 'z':
			class = 'a'
		case r >= '0' && r <= '9':
			class = '0'
		default:
			class = ' '
		}
		if class == ' ' {
			if prev != ' ' {
				b.WriteByte(' ')
			}
			prev = ' '
			continue
		}
		if prev != ' ' && prev != class {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		prev = class
	}
	fields := strings.Fields(b.String())
	for i, w := range fields {
		if n, ok := romans[w]; ok {
			fields[i] = n
		} else if x, ok := words[w]; ok {
			fields[i] = x
		}
	}
	return strings.Join(fields, " ")
}

// Entry is a title that names one of the framework's levels: a crosswalk title, or a level's own
// title.
type Entry struct {
	Title       string `json:"title"`
	Ladder      string `json:"ladder"`
	LadderTitle string `json:"ladder_title"`
	Level       string `json:"level"`
	LevelTitle  string `json:"level_title"`
	Code        string `json:"code,omitempty"`
	Note        string `json:"note,omitempty"`
	Own         bool   `json:"own"` // the level's own title rather than a crosswalk entry
	norm        string
	tokens      []string
}

// Entries lists the crosswalk's titles, then every level's own title, in framework order.
func Entries(f *ladder.Framework) []Entry {
	var out []Entry
	add := func(title string, l *ladder.Ladder, lv *ladder.Level, note string, own bool) {
		n := Normalise(title)
		out = append(out, Entry{Title: title, Ladder: l.ID, LadderTitle: l.Title, Level: lv.ID, LevelTitle: lv.Title,
			Code: lv.Code, Note: note, Own: own, norm: n, tokens: strings.Fields(n)})
	}
	for _, t := range f.Crosswalk {
		if l := f.Ladder(t.Ladder); l != nil {
			if lv := l.Level(t.Level); lv != nil {
				add(t.Title, l, lv, t.Note, false)
			}
		}
	}
	for _, l := range f.Ladders {
		for _, lv := range l.Levels {
			add(lv.Title, l, lv, "", true)
		}
	}
	return out
}

// How a lookup matched.
const (
	Exact   = "exact"   // the whole title (or a level's code) is the query
	Partial = "partial" // every word of the query is in the title
)

// Result is the answer to a lookup: the matching entries, best first, and how they matched; or,
// when nothing matched, the nearest titles.
type Result struct {
	Query   string  `json:"query"`
	Match   string  `json:"match,omitempty"`
	Matches []Entry `json:"matches"`
	Nearest []Entry `json:"nearest,omitempty"`
}

// Lookup finds query among entries: exact matches if there are any, else titles holding every
// word of the query (fewest other words first), else the three nearest titles. Matches that are
// equally good keep the order of entries, which is the crosswalk's: a title that means different
// levels in different places is written once per level, the most likely first, and is answered
// in that order.
func Lookup(entries []Entry, query string) Result {
	q := Normalise(query)
	res := Result{Query: query, Matches: []Entry{}}
	if q == "" {
		return res
	}
	for _, e := range entries {
		if e.norm == q || (e.Own && e.Code != "" && Normalise(e.Code) == q) {
			res.Matches = appendNew(res.Matches, e)
		}
	}
	if len(res.Matches) > 0 {
		res.Match = Exact
		return res
	}
	qt := strings.Fields(q)
	for _, e := range entries {
		if containsAll(e.tokens, qt) {
			res.Matches = appendNew(res.Matches, e)
		}
	}
	if len(res.Matches) > 0 {
		res.Match = Partial
		slices.SortStableFunc(res.Matches, func(a, b Entry) int { return len(a.tokens) - len(b.tokens) })
		return res
	}
	type scored struct {
		e Entry
		d int
	}
	var all []scored
	for _, e := range entries {
		all = append(all, scored{e, ladder.EditDistance(q, e.norm)})
	}
	slices.SortStableFunc(all, func(a, b scored) int { return a.d - b.d })
	for _, s := range all {
		if len(res.Nearest) == 3 {
			break
		}
		res.Nearest = appendNew(res.Nearest, s.e)
	}
	return res
}

// appendNew adds e unless the list already has the same title for the same level (a crosswalk
// title that is also the level's own).
func appendNew(list []Entry, e Entry) []Entry {
	for _, x := range list {
		if x.norm == e.norm && x.Ladder == e.Ladder && x.Level == e.Level {
			return list
		}
	}
	return append(list, e)
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}
