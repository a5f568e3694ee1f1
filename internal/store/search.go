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
// 0.8 ms. Here the index is asked for the people who have a few pieces of it (see
// spreadPieces), which costs a quarter to a third of that, and each one it gives is checked
// for q itself.
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

// ftsSpread is the FTS5 query for the people who have each of q's spreadPieces in the
// columns searched(q) names.
func ftsSpread(q string) string {
	quoted := make([]string, 0, 3)
	for _, piece := range spreadPieces(q) {
		quoted = append(quoted, `"`+strings.ReplaceAll(piece, `"`, `""`)+`"`)
	}
	return ftsColumns(q) + " : (" + strings.Join(quoted, " ") + ")"
}

// spreadPieces returns the parts of q (of spreadQuery characters or more) that the text
// index is asked for, each whole, to find the people who may hold q: its first and last
// three characters, most often in different words, so that few people hold both. When one
// of the two occurs in q once more, one word can hold both, and everyone with that word is
// found: Larsen holds the "lar" and the "sen" of "Lars Larsen", which found 1,631 people of
// 100,000 for the 20 it matches, and its page took 3.7–5.0 ms on SQLite and 1.6–1.8 ms on
// PostgreSQL against 0.3–0.4 for the average search. Then the place where q's first word
// ends and the next one begins is asked for too: the separator (a space, a dot), the two
// characters before it and the one after it ("rs l"), which no single word holds: 0.43–0.48
// and 0.83–0.98 ms.
func spreadPieces(q string) []string {
	runes := []rune(q)
	first, last := string(runes[:3]), string(runes[len(runes)-3:])
	pieces := []string{first, last}
	lq, lf, ll := strings.ToLower(q), strings.ToLower(first), strings.ToLower(last)
	if !strings.Contains(lq[1:], lf) && !strings.Contains(lq[:len(lq)-1], ll) {
		return pieces
	}
	for i := 2; i+1 < len(runes); i++ {
		if !wordRune(runes[i]) && wordRune(runes[i-1]) && wordRune(runes[i+1]) {
			return append(pieces, string(runes[i-2:i+2]))
		}
	}
	return pieces
}

// wordRune reports whether r is part of a word: a letter or a digit.
func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// trigramPieces returns q's spreadPieces for PostgreSQL's index to look for, when q has
// spreadQuery characters or more and each of its ends is a trigramKey; a third piece that is
// none is left out (it only narrows down what the ends find).
func trigramPieces(q string) ([]string, bool) {
	if !spread(q) {
		return nil, false
	}
	pieces := spreadPieces(q)
	if !trigramKey(pieces[0]) || !trigramKey(pieces[1]) {
		return nil, false
	}
	if len(pieces) > 2 && !trigramKey(pieces[2]) {
		pieces = pieces[:2]
	}
	return pieces, true
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
