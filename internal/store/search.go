package store

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"
)

// spreadQuery is how many characters a query has at least for the search to look in the
// text index for two of its trigrams rather than all of them (see spreadMatches and likes).
const spreadQuery = 7

// spreadMatches returns the ids of the people whose names or emails hold q, at most most of
// them, as the text index's phrase query for q finds them, in the index's order, for a q of
// spreadQuery characters or more. FTS5 answers a phrase of trigrams by reading every
// trigram's list of places: a full name of 13 characters is 11 lists, and cost a search
// 0.8 ms. Here the index is asked for the people who have two of them (the first and the
// last: most often in different words, so that few people have both), which costs a
// quarter to a third of that, and each one it gives is checked for q itself.
func (s *Store) spreadMatches(ctx context.Context, q string, most int) ([]int64, error) {
	name, email := searched(q)
	rows, err := s.query(ctx, `SELECT p.id, p.name, p.email FROM people_search CROSS JOIN people p
		WHERE people_search MATCH ? AND p.id = people_search.rowid`, ftsSpread(q))
	if err != nil {
		return nil, s.fail(err, "search people")
	}
	defer rows.Close()
	lq := strings.ToLower(q)
	var ids []int64
	for len(ids) < most && rows.Next() {
		var id int64
		var n, e string
		if err := rows.Scan(&id, &n, &e); err != nil {
			return nil, s.fail(err, "search people")
		}
		if (name && strings.Contains(strings.ToLower(n), lq)) || (email && strings.Contains(strings.ToLower(e), lq)) {
			ids = append(ids, id)
		}
	}
	return ids, s.RowsErr(rows, "search people")
}

// ftsSpread is the FTS5 query for the people who have q's first and last trigrams (see
// spreadEnds) in the columns searched(q) names.
func ftsSpread(q string) string {
	first, last := spreadEnds(q)
	quote := func(t string) string { return `"` + strings.ReplaceAll(t, `"`, `""`) + `"` }
	return ftsColumns(q) + " : (" + quote(first) + " " + quote(last) + ")"
}

// spreadEnds returns q's first and last three characters, for a q of spreadQuery characters
// or more.
func spreadEnds(q string) (first, last string) {
	runes := []rune(q)
	return string(runes[:3]), string(runes[len(runes)-3:])
}

// trigramEnds returns q's ends (see spreadEnds) for PostgreSQL's index to look for, when q
// has spreadQuery characters or more and each end is a trigramKey.
func trigramEnds(q string) (first, last string, ok bool) {
	if !spread(q) {
		return "", "", false
	}
	first, last = spreadEnds(q)
	return first, last, trigramKey(first) && trigramKey(last)
}

// trigramKey reports whether PostgreSQL's trigram index can look for a piece of a query
// (LIKE '%piece%') by at least one trigram of its own. pg_trgm makes trigrams of the words
// in a pattern (runs of letters and digits, padded with spaces where something other than a
// letter or digit ends them): a piece with two ASCII letters or digits has one, whatever the
// database's locale makes of other characters. A piece without one would be an index key
// that every row has, read from end to end.
func trigramKey(piece string) bool {
	n := 0
	for _, r := range piece {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			n++
		}
	}
	return n >= 2
}

// ftsColumns is the FTS5 column filter for the columns searched(q) names.
func ftsColumns(q string) string {
	switch name, email := searched(q); {
	case !email:
		return "name"
	case !name:
		return "email"
	}
	return "{name email}"
}

// spread reports whether SQLite's search looks for q by spreadMatches.
func spread(q string) bool { return utf8.RuneCountInString(q) >= spreadQuery }
