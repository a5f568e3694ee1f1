package store

import (
	"context"
	"strings"
	"unicode/utf8"
)

// spreadQuery is how many characters a query has at least for SQLite's search to look for a
// few of its trigrams rather than all of them (see spreadMatches).
const spreadQuery = 7

// spreadMatches returns the ids of the people whose names or emails hold q, at most most of
// them, as the text index's phrase query for q finds them, in the index's order, for a q of
// spreadQuery characters or more. FTS5 answers a phrase of trigrams by reading every
// trigram's list of places: a full name of 13 characters is 11 lists, and cost a search
// 0.8 ms. Here the index is asked for the people who have three of them (the first, the
// middle and the last), which cost a third to a quarter of that, and each one it gives is
// checked for q itself: few are more than the phrase's own matches, as a name or email with
// those three trigrams and without q is rare.
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

// ftsSpread is the FTS5 query for the people who have q's first, middle and last trigrams in
// the columns searched(q) names.
func ftsSpread(q string) string {
	runes := []rune(q)
	n := len(runes)
	var b strings.Builder
	b.WriteString(ftsColumns(q) + " : (")
	for i, at := range []int{0, (n - 3) / 2, n - 3} {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(`"` + strings.ReplaceAll(string(runes[at:at+3]), `"`, `""`) + `"`)
	}
	b.WriteByte(')')
	return b.String()
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
