package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// PeopleFilter chooses and pages the people ListPeople returns; zero fields do not filter.
//
// Without a Query, people are listed by name, then id. With one, the best matches come
// first: those whose name or email is the query (or whose email is the query and a domain),
// then those whose name or email starts with it, then those with a word of the name that
// starts with it, then the rest; each group by name, then id. A query that more than
// RankedMatches names and emails hold is too broad to rank, as that would read every one
// of them: its matches are listed in the order people were added (by id), as the text index
// gives them, so that a page of them costs what a page of a narrow search does.
//
// Pages follow the list's order on from a person rather than counting rows (keyset paging):
// a page far down a long list costs no more than the first, and people added meanwhile do
// not shift the page. After lists the people that come after that person, Before the ones
// just before them (in list order too).
type PeopleFilter struct {
	Status    Status
	ManagerID int64 // direct reports of this person
	Under     int64 // only people below this person in the reporting chain (direct and indirect reports), not the person
	Ladder    string
	// Query is part of a name or email, in any case. Three characters or more are looked
	// for anywhere in them; one or two at the start of the email, the name or a word of it.
	Query      string
	Unlevelled bool  // only people without a level yet
	Limit      int   // 0 means DefaultLimit; at most MaxLimit
	After      int64 // a person's id: the page after them
	Before     int64 // a person's id: the page before them
}

// DefaultLimit and MaxLimit bound a page of ListPeople.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// RankedMatches is how many names and emails a query may match and still be listed best
// match first; MostCounted is how many people a page counts exactly before saying "more".
const (
	RankedMatches = 500
	MostCounted   = 1000
)

// expr is a piece of SQL and the arguments of its placeholders.
type expr struct {
	sql  string
	args []any
}

// order says how a query of people is done, which decides the order of its rows.
type order int

const (
	byName  order = iota // the list's own order, from an index
	byMatch              // a query's matches, found in the text index first, best first
	byID                 // a broad query's matches from the text index, in its order
	// byMatchHere is byMatch with the matches found by the page's own statement, on
	// PostgreSQL (see PeoplePage): no round trip of their own first.
	byMatchHere
)

// peopleQuery is a filter's SQL: FROM and WHERE, and the expressions the list is ordered by.
type peopleQuery struct {
	from  expr
	where []expr
	order []expr // the list's order, each ascending
	// cursor is order for the person a page starts from, who is people x.
	cursor []expr
}

// query builds f's SQL for the order o. rows says whether the people table is needed (for
// the rows themselves), or only whatever chooses them (for a count). For byMatch, matched
// are the ids of everyone whose name or email holds the query (see orderOf): the text index
// was read once, for them, and is not read again. For byMatchHere, they are the rows of m,
// which the statement defines before (see listPeople).
//
// A manager's people are read from people_chain, which holds each person's name, email and
// status with the list's order in its index, so that neither a long list nor a search of it
// reads people until the rows of the page.
func (f PeopleFilter) query(d dialect, o order, matched []int64, rows bool) peopleQuery {
	var pq peopleQuery
	q := strings.TrimSpace(f.Query)
	if q == "" {
		o = byName
	}
	if f.ManagerID != 0 || f.Ladder != "" || f.Unlevelled || o != byName {
		rows = true // these need the people table anyway
	}
	t, id := "p", "p.id" // where the name, email and status are read from
	switch {
	case o == byMatch || o == byMatchHere:
		from, where := d.fromIDs("p", matched)
		if o == byMatchHere {
			from, where = expr{" FROM people p", nil}, expr{"p.id IN (SELECT m.id FROM m)", nil}
		}
		pq.from, pq.where = from, append(pq.where, where)
		if f.Under != 0 {
			pq.from.sql += ` CROSS JOIN people_chain c`
			pq.where = append(pq.where, expr{"c.person_id = p.id AND c.manager_id = ?", []any{f.Under}})
		}
	case o == byID && d.matchTable() != "":
		// The text index's matches drive the query (SQLite's CROSS JOIN keeps the order of
		// the tables): few of them, RankedMatches at most, or read in the index's order.
		m := d.matchTable()
		pq.from.sql = ` FROM ` + m + ` CROSS JOIN people p`
		pq.where = append(pq.where, expr{"p.id = " + m + ".rowid", nil})
		if f.Under != 0 {
			pq.from.sql += ` CROSS JOIN people_chain c`
			pq.where = append(pq.where, expr{"c.person_id = p.id AND c.manager_id = ?", []any{f.Under}})
		}
	case f.Under != 0:
		t, id = "c", "c.person_id"
		pq.from.sql = ` FROM people_chain c`
		if rows {
			pq.from.sql += ` JOIN people p ON p.id = c.person_id`
		}
		pq.where = append(pq.where, expr{"c.manager_id = ?", []any{f.Under}})
	default:
		pq.from.sql = ` FROM people p`
	}
	if f.Status != "" {
		pq.where = append(pq.where, expr{t + ".status = ?", []any{string(f.Status)}})
	}
	if f.ManagerID != 0 {
		pq.where = append(pq.where, expr{"p.manager_id = ?", []any{f.ManagerID}})
	}
	if f.Ladder != "" {
		pq.where = append(pq.where, expr{"p.ladder = ?", []any{f.Ladder}})
	}
	if f.Unlevelled {
		pq.where = append(pq.where, expr{"p.level = ''", nil})
	}
	pq.order = []expr{{t + ".name", nil}, {id, nil}}
	pq.cursor = []expr{{"x.name", nil}, {"x.id", nil}}
	switch {
	case q == "":
	case o == byMatch || o == byMatchHere:
		pq.order = []expr{d.rank("p", q), {"p.name", nil}, {"p.id", nil}}
		pq.cursor = []expr{d.rank("x", q), {"x.name", nil}, {"x.id", nil}}
	default:
		pq.where = append(pq.where, d.search("p", q))
		// On SQLite, the order of the text index itself, which it reads no further than the page.
		pq.order, pq.cursor = []expr{{d.matchOrder("p"), nil}}, []expr{{"x.id", nil}}
	}
	return pq
}

// sql writes the query's FROM and WHERE clauses, with more conditions, into b.
func (pq peopleQuery) sql(b *sqlBuilder, more ...expr) {
	b.add(pq.from.sql, pq.from.args)
	for i, w := range append(slices.Clip(pq.where), more...) {
		if i == 0 {
			b.add(" WHERE ", nil)
		} else {
			b.add(" AND ", nil)
		}
		b.add(w.sql, w.args)
	}
}

// keyset is the condition for the rows after (or, reversed, before) the person with id.
func (pq peopleQuery) keyset(id int64, before bool) expr {
	var left, right []string
	var args []any
	for _, o := range pq.order {
		left = append(left, o.sql)
		args = append(args, o.args...)
	}
	for _, c := range pq.cursor {
		right = append(right, c.sql)
		args = append(args, c.args...)
	}
	op := " > "
	if before {
		op = " < "
	}
	return expr{"(" + strings.Join(left, ", ") + ")" + op + "(SELECT " + strings.Join(right, ", ") + " FROM people x WHERE x.id = ?)",
		append(args, id)}
}

// orderBy writes the ORDER BY clause, descending when reversed.
func (pq peopleQuery) orderBy(b *sqlBuilder, reversed bool) {
	b.add(" ORDER BY ", nil)
	for i, o := range pq.order {
		if i > 0 {
			b.add(", ", nil)
		}
		b.add(o.sql, o.args)
		if reversed {
			b.add(" DESC", nil)
		}
	}
}

// sqlBuilder is SQL text and its arguments, in the order of their placeholders.
type sqlBuilder struct {
	strings.Builder
	args []any
}

func (b *sqlBuilder) add(sql string, args []any) {
	b.WriteString(sql)
	b.args = append(b.args, args...)
}

// likeContains is a LIKE pattern (with ESCAPE '\') matching any text that contains s.
func likeContains(s string) string { return "%" + likeEscape(s) + "%" }

// likeEscape makes s match itself literally in a LIKE pattern with ESCAPE '\'.
func likeEscape(s string) string { return likeEscaper.Replace(s) }

// likeEscaper is made once: a Replacer builds a table of 6 KB on its first use, which, made
// at every call, was a tenth of the garbage a search page made.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// checkLimit checks a page's limit and turns 0 into DefaultLimit.
func checkLimit(limit int) (int, error) {
	if limit == 0 {
		limit = DefaultLimit
	}
	if limit < 0 || limit > MaxLimit {
		return 0, fmt.Errorf("limit %d: must be 1 to %d", limit, MaxLimit)
	}
	return limit, nil
}

// page checks a page's limit and offset, for the lists paged by counting rows (the audit log,
// the rollout's proposals), and turns a zero limit into DefaultLimit.
func page(limit, offset int) (int, error) {
	if offset < 0 {
		return 0, fmt.Errorf("offset %d: must not be negative", offset)
	}
	return checkLimit(limit)
}

// ListPeople returns one page of the people f chooses, in the list's order (see PeopleFilter).
func (s *Store) ListPeople(ctx context.Context, f PeopleFilter) ([]Person, error) {
	o, _, matched, err := s.orderOf(ctx, f)
	if err != nil {
		return nil, err
	}
	people, _, _, err := listPeople(ctx, s, f, o, matched, false, wholeRows)
	return people, err
}

// orderOf decides how f's list is read: by best match when its query matches few enough
// names and emails to rank them all, in the text index's order when it matches more. It also
// returns how many names and emails match, up to RankedMatches+1 ("more"), and, to be
// ranked, who they are: everyone the query matches, whatever the filter, which the list then
// narrows down. A query found broad is taken to be broad for a while (see countCache.isBroad),
// without looking for its matches again.
func (s *Store) orderOf(ctx context.Context, f PeopleFilter) (order, int, []int64, error) {
	q := strings.TrimSpace(f.Query)
	if q == "" {
		return byName, 0, nil, nil
	}
	if s.counts.isBroad(q) {
		return byID, RankedMatches + 1, nil, nil
	}
	gen := s.counts.generation()
	ids, err := s.matchIDs(ctx, q)
	if err != nil {
		return byName, 0, nil, err
	}
	if len(ids) > RankedMatches {
		s.counts.setBroad(q, gen)
		return byID, len(ids), nil, nil
	}
	return byMatch, len(ids), ids, nil
}

// matchIDs returns the ids of the people whose names or emails hold q, RankedMatches+1 at
// most.
func (s *Store) matchIDs(ctx context.Context, q string) ([]int64, error) {
	if s.d.matchTable() != "" && spread(q) {
		return s.spreadMatches(ctx, q, RankedMatches+1)
	}
	var ids []int64
	var list sql.NullString
	find := s.d.matchIDs(q, RankedMatches+1)
	if err := s.queryRow(ctx, find.sql, find.args...).Scan(&list); err != nil {
		return nil, s.fail(err, "search people")
	}
	for part := range strings.SplitSeq(list.String, ",") {
		if part != "" {
			id, err := strconv.ParseInt(part, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("search people: id %q: %w", part, err)
			}
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// personRows is how a list reads its rows: their columns of people, a reader of a
// statement's rows (whose columns after those go into more), and a row's id.
type personRows[T any] struct {
	columns func(d dialect, alias string) string
	scan    func(d dialect, more ...any) func(scanner) (T, error)
	id      func(T) int64
}

var (
	wholeRows  = personRows[Person]{dialect.personColumns, scanWhole, func(p Person) int64 { return p.ID }}
	listedRows = personRows[Listed]{dialect.listedColumns, scanListed, func(p Listed) int64 { return p.ID }}
)

// scanWhole is scanPeople as personRows has it: whole rows are read column by column on both
// databases.
func scanWhole(_ dialect, more ...any) func(scanner) (Person, error) { return scanPeople(more...) }

// keptRead is the statement that reads the people of f's page by the ids kept of it (see
// countCache.broadPage), in the page's order, each checked for f's filter again.
func keptRead[T any](s *Store, f PeopleFilter, ids []int64, rows personRows[T]) *listRead[T] {
	l := &listRead[T]{f: f, o: byID, n: -1, found: -1, kept: ids, pq: f.query(s.d, byID, nil, true)}
	var b sqlBuilder
	_, kept := s.d.fromIDs("p", ids)
	b.add(`SELECT `+rows.columns(s.d, "p"), nil)
	l.pq.sql(&b, kept)
	l.pq.orderBy(&b, f.Before != 0)
	l.query, l.args = b.String(), b.args
	l.scan, l.people = rows.scan(s.d), make([]T, 0, len(ids))
	return l
}

// keptPage is the page keptRead read, in the page's order; false when one of its people no
// longer passes the filter: then the page is another, and is to be found again.
func (l *listRead[T]) keptPage() ([]T, bool) {
	if len(l.people) != len(l.kept) {
		return nil, false
	}
	if l.f.Before != 0 {
		slices.Reverse(l.people)
	}
	return l.people, true
}

// listPeople reads a page of f's people in the order o, each row as rows says. With total
// (and the order byMatch, where every match is read anyway), it also counts all the
// matches, every page together; otherwise the count it returns is -1.
//
// With the order byMatchHere, the statement first finds the query's matches as orderOf does
// (RankedMatches+1 at most, whatever the filter), as m, and returns how many they are, found,
// with the page's rows; the count is always read, except that a page without a row
// returns -1 for both (nothing carried them), and the caller asks again as it would have
// (see PeoplePage). found is -1 for the other orders.
func listPeople[T any](ctx context.Context, s *Store, f PeopleFilter, o order, matched []int64, total bool, rows personRows[T]) (people []T, n, found int, err error) {
	l, err := newListRead(s, f, o, matched, total, rows)
	if err != nil {
		return nil, 0, -1, err
	}
	if o == byID && s.d.postgres {
		// A broad query's page on PostgreSQL walks people in id order, checking each for the
		// query, until it has the page: thousands of rows for a query that one person in
		// fifty matches. The walk reads the index of ids that holds each one's status and
		// search key (migration 0017), not the table's rows, and the rows are read for the
		// page alone: 0.70–0.79 ms a page against 1.02–1.04 (pgbench, the broad queries of
		// gen.Searches, 100,000 people), and the search's CPU an answer under
		// `scripts/load pages` 1.15–1.20 ms against 1.51–1.67. The page's ids are kept a
		// while (see countCache.broadPage), and its rows read by them while they are.
		if ids, ok := s.counts.broadPage(f); ok {
			k := keptRead(s, f, ids, rows)
			if err := each(ctx, s, "list people", k.scan, k.add, k.query, k.args...); err != nil {
				return nil, 0, -1, err
			}
			if people, ok := k.keptPage(); ok {
				return people, -1, -1, nil
			}
			s.counts.forgetPage(f)
		}
		gen := s.counts.generation()
		defer func() {
			if err == nil {
				ids := make([]int64, len(people))
				for i, p := range people {
					ids[i] = rows.id(p)
				}
				s.counts.keepPage(f, gen, ids)
			}
		}()
	}
	err = each(ctx, s, "list people", l.scan, l.add, l.query, l.args...)
	if err != nil {
		return nil, 0, -1, err
	}
	return l.finish(ctx, s)
}

// listRead is listPeople's statement and what its rows are read into, so that the statement
// can also go with other reads (see ReadPeoplePage) and be finished after them.
type listRead[T any] struct {
	f        PeopleFilter
	o        order
	matched  []int64
	total    bool // the matches are counted with the page
	here     bool // the order byMatchHere
	pq       peopleQuery
	query    string
	args     []any
	scan     func(scanner) (T, error)
	people   []T
	n, found int
	kept     []int64 // the ids of a broad query's page kept, that it reads (keptRead)
}

// newListRead makes listPeople's statement for f's page in the order o (see listPeople).
func newListRead[T any](s *Store, f PeopleFilter, o order, matched []int64, total bool, rows personRows[T]) (*listRead[T], error) {
	limit, err := checkLimit(f.Limit)
	if err != nil {
		return nil, fmt.Errorf("list people: %w", err)
	}
	if f.After != 0 && f.Before != 0 {
		return nil, fmt.Errorf("list people: a page is after someone or before someone, not both")
	}
	l := &listRead[T]{f: f, o: o, matched: matched, n: -1, found: -1}
	l.here = o == byMatchHere
	l.total = (total && o == byMatch) || l.here
	pq := f.query(s.d, o, matched, true)
	l.pq = pq
	var b sqlBuilder
	if l.here {
		m := s.d.matching(strings.TrimSpace(f.Query), RankedMatches+1)
		b.add(`WITH m AS MATERIALIZED (`+m.sql+`) `, m.args)
	}
	var cursor []expr
	switch {
	case f.After != 0:
		cursor = append(cursor, pq.keyset(f.After, false))
	case f.Before != 0:
		cursor = append(cursor, pq.keyset(f.Before, true))
	}
	if l.total {
		// The window counts the matches before the page's cursor and limit apply. It and the
		// sorts carry each match's id and keys only, and the people's rows are read for the
		// page alone: sorting whole rows cost SQLite 2 ms for 500 matches.
		var names []string
		for i := range pq.order {
			names = append(names, fmt.Sprintf("k%d", i))
		}
		foundColumn := ""
		if l.here {
			foundColumn = `, (SELECT count(*) FROM m)`
		}
		b.add(`SELECT `+rows.columns(s.d, "p")+`, t.total`+foundColumn+` FROM (SELECT k.id, k.total, k.`+strings.Join(names, ", k.")+
			` FROM (SELECT p.id, count(*) OVER () AS total`, nil)
		for i, o := range pq.order {
			b.add(fmt.Sprintf(", %s AS %s", o.sql, names[i]), o.args)
		}
		pq.sql(&b)
		b.add(`) k`, nil)
		// keysOf is the list's order by the keys as the sub-select alias names them.
		keysOf := func(alias string) peopleQuery {
			keys := peopleQuery{cursor: pq.cursor}
			for _, n := range names {
				keys.order = append(keys.order, expr{alias + "." + n, nil})
			}
			return keys
		}
		keys := keysOf("k")
		if f.After != 0 {
			b.add(` WHERE `, nil)
			k := keys.keyset(f.After, false)
			b.add(k.sql, k.args)
		} else if f.Before != 0 {
			b.add(` WHERE `, nil)
			k := keys.keyset(f.Before, true)
			b.add(k.sql, k.args)
		}
		keys.orderBy(&b, f.Before != 0)
		b.add(` LIMIT ?) t CROSS JOIN people p WHERE p.id = t.id`, []any{limit})
		// The page's order again: a sub-select's order is not kept by the query around it.
		keysOf("t").orderBy(&b, f.Before != 0)
	} else if o == byID && s.d.postgres {
		// The walk of a broad query's page (see listPeople).
		b.add(`SELECT `+rows.columns(s.d, "p")+` FROM (SELECT p.id`, nil)
		pq.sql(&b, cursor...)
		pq.orderBy(&b, f.Before != 0)
		b.add(` LIMIT ?) m CROSS JOIN people p WHERE p.id = m.id`, []any{limit})
		pq.orderBy(&b, f.Before != 0)
	} else {
		b.add(`SELECT `+rows.columns(s.d, "p"), nil)
		pq.sql(&b, cursor...)
		pq.orderBy(&b, f.Before != 0)
		b.add(` LIMIT ?`, []any{limit})
	}
	l.query, l.args = b.String(), b.args
	// Room for a page of people from the start (the app's list reads 51: 50 to show and one
	// to know there are more): grown by doubling, a page's slice was allocated seven times.
	// A ranked page holds its matches at most, most often a few.
	room := min(limit, 64)
	if o == byMatch {
		room = min(room, len(matched))
	}
	l.people = make([]T, 0, room)
	switch {
	case l.here:
		l.scan = rows.scan(s.d, &l.n, &l.found)
	case l.total:
		l.scan = rows.scan(s.d, &l.n)
	default:
		l.scan = rows.scan(s.d)
	}
	return l, nil
}

// row reads one of the statement's rows.
func (l *listRead[T]) row(row scanner) error {
	p, err := l.scan(row)
	if err != nil {
		return err
	}
	return l.add(p)
}

// add adds a person the statement read to the page.
func (l *listRead[T]) add(p T) error {
	l.people = append(l.people, p)
	return nil
}

// finish returns the page the statement read, in the page's order, and its counts as
// listPeople does, counting the matches on their own when the page had no row to carry them.
func (l *listRead[T]) finish(ctx context.Context, s *Store) ([]T, int, int, error) {
	if l.f.Before != 0 {
		slices.Reverse(l.people)
	}
	if l.total && l.n < 0 && !l.here {
		// No row on this page: count the matches on their own.
		n, err := s.countPeople(ctx, l.f, l.o, l.matched, 0)
		if err != nil {
			return nil, 0, -1, err
		}
		l.n = n
	}
	return l.people, l.n, l.found, nil
}

// CountPeople returns how many people f chooses, all pages together (Limit, After and Before
// are ignored). It reads every one of them: PeoplePage counts long lists more cheaply.
func (s *Store) CountPeople(ctx context.Context, f PeopleFilter) (int, error) {
	o, _, matched, err := s.orderOf(ctx, f)
	if err != nil {
		return 0, err
	}
	return s.countPeople(ctx, f, o, matched, 0)
}

// countPeople counts f's people as read in the order o; with most > 0, it stops after
// most+1 of them.
func (s *Store) countPeople(ctx context.Context, f PeopleFilter, o order, matched []int64, most int) (int, error) {
	var b sqlBuilder
	b.add(`SELECT count(*) FROM (SELECT 1`, nil)
	f.query(s.d, o, matched, false).sql(&b)
	if most > 0 {
		b.add(` LIMIT ?`, []any{most + 1})
	}
	b.add(`) t`, nil)
	var n int
	if err := s.queryRow(ctx, b.String(), b.args...).Scan(&n); err != nil {
		return 0, s.fail(err, "count people")
	}
	return n, nil
}
