package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Count says how a page's Total is to be read.
type Count int

// The ways a total is known.
const (
	Exactly  Count = iota // Total people, counted for this page
	About                 // about Total: a count kept for a while, that may be behind (see CountMaxAge)
	MoreThan              // more than Total: a query matched too many people to count
)

// PeoplePage is a page of a list of people, and what is known of the whole list.
type PeoplePage struct {
	People           []Listed
	HasPrev, HasNext bool // there are people before and after this page
	Total            int
	Count            Count
	// Broad is true when the page's query matched so many names and emails (more than
	// RankedMatches) that the list is in the order people were added, not best match first.
	Broad bool
}

// CountMaxAge is how long a count of a long list is kept before it is counted again. Writes
// through this store count it again at once; those of other processes sharing a PostgreSQL
// database show within this time.
const CountMaxAge = time.Minute

// PeoplePage returns a page of the people f chooses, as ListPeople does but each as a list
// shows them (Listed), and how many they are, at a cost that does not grow with the list: up
// to MostCounted people are counted for each page; past that, the count of a list is kept
// for a while (About), and a query that matches more than RankedMatches names and emails is
// not counted (MoreThan).
func (s *Store) PeoplePage(ctx context.Context, f PeopleFilter) (PeoplePage, error) {
	return s.PeoplePageFrom(ctx, f, nil)
}

// PeopleStart is a PeoplePage begun with other reads (see ReadPeoplePage): the statement it
// begins with, sent with them, and what that read.
type PeopleStart struct {
	f   PeopleFilter
	gen uint64 // the people's generation when the statement was made (see countCache)
	l   *listRead[Listed]
}

// ReadPeoplePage adds to r the statement PeoplePage(f) begins with, when that is one
// statement that needs nothing read before it: the page of a list without a query, and on
// PostgreSQL the page of a query not known to match too many to rank, whose matches the
// statement finds itself, and that of one known to, when the ids of its page are kept
// (countCache.broadPage). Once r has run, PeoplePageFrom makes the page from what it read,
// as PeoplePage would have, so that a page's own reads go to the database with others (a
// viewer's session). Otherwise it adds nothing and returns nil.
func (s *Store) ReadPeoplePage(r *Reads, f PeopleFilter) *PeopleStart {
	limit, err := checkLimit(f.Limit)
	if err != nil {
		return nil
	}
	more := f
	more.Limit = limit + 1
	o := byName
	if q := strings.TrimSpace(f.Query); q != "" {
		if !s.d.postgres {
			return nil
		}
		if s.counts.isBroad(q) {
			// A broad query's page, when its ids are kept: read by them.
			ids, ok := s.counts.broadPage(more)
			if !ok {
				return nil
			}
			st := &PeopleStart{f: f, l: keptRead(s, more, ids, listedRows)}
			r.Read("list people", st.l.row, st.l.query, st.l.args...)
			return st
		}
		o = byMatchHere
	}
	st := &PeopleStart{f: f, gen: s.counts.generation()}
	if st.l, err = newListRead(s, more, o, nil, true, listedRows); err != nil {
		return nil
	}
	r.Read("list people", st.l.row, st.l.query, st.l.args...)
	return st
}

// PeoplePageFrom is PeoplePage for a page begun by ReadPeoplePage, whose reads have run; a
// nil st, or one begun for another filter, is no start, and the page is read afresh.
func (s *Store) PeoplePageFrom(ctx context.Context, f PeopleFilter, st *PeopleStart) (PeoplePage, error) {
	limit, err := checkLimit(f.Limit)
	if err != nil {
		return PeoplePage{}, fmt.Errorf("list people: %w", err)
	}
	// One more than the page tells whether there is a page after it (or before, going back).
	more := f
	more.Limit = limit + 1
	var people []Listed
	var o order
	var matches, total int
	var matched []int64
	q, done := strings.TrimSpace(f.Query), false
	if st != nil && st.f != f {
		st = nil
	}
	switch {
	case st != nil && st.l.kept != nil:
		// A broad query's page read by the ids kept of it, as listPeople would have read it;
		// found again as orderOf and listPeople say when one of them no longer passes the
		// filter.
		if people, done = st.l.keptPage(); done {
			o, matches, total = byID, RankedMatches+1, -1
		} else {
			s.counts.forgetPage(more)
		}
	case st != nil && st.l.o == byName:
		// What orderOf and listPeople would have read for a list without a query.
		if people, total, _, err = st.l.finish(ctx, s); err != nil {
			return PeoplePage{}, err
		}
		o, done = byName, true
	case st != nil || (s.d.postgres && q != "" && !s.counts.isBroad(q)):
		// A query not known to be broad: its matches are found by the page's own statement,
		// rather than first in a round trip of their own, as orderOf would. Most queries match
		// few people; one found broad by it is taken to be so from then on, as orderOf takes
		// it, and its page is read again in the broad order. A page without a row does not say
		// how many the matches are, and is read again as orderOf says.
		var gen uint64
		if st != nil {
			gen = st.gen
			people, total, matches, err = st.l.finish(ctx, s)
		} else {
			gen = s.counts.generation()
			people, total, matches, err = listPeople(ctx, s, more, byMatchHere, nil, true, listedRows)
		}
		if err != nil {
			return PeoplePage{}, err
		}
		if matches > RankedMatches {
			s.counts.setBroad(q, gen)
		}
		o, done = byMatch, matches >= 0 && matches <= RankedMatches
	}
	if !done {
		if o, matches, matched, err = s.orderOf(ctx, f); err != nil {
			return PeoplePage{}, err
		}
		if people, total, _, err = listPeople(ctx, s, more, o, matched, true, listedRows); err != nil {
			return PeoplePage{}, err
		}
	}
	pg := PeoplePage{People: people, Broad: o == byID}
	extra := len(people) > limit
	switch {
	case f.Before != 0:
		if extra {
			pg.People = people[1:]
		}
		pg.HasPrev, pg.HasNext = extra, true
	default:
		if extra {
			pg.People = people[:limit]
		}
		pg.HasPrev, pg.HasNext = f.After != 0, extra
	}
	switch {
	case total >= 0:
		pg.Total = total
	case pg.Broad:
		pg.Total, pg.Count = matches-1, MoreThan
	case f.After == 0 && f.Before == 0 && !extra:
		// The first page holds the whole list (most managers' lists): counted by its rows,
		// not by another statement, which on PostgreSQL was a round trip of its own.
		pg.Total = len(pg.People)
	case o == byName && s.counts.long(f):
		// Known to be long: not counted again up to MostCounted for each page.
		pg.Count = About
		if pg.Total, err = s.counts.get(ctx, s, f); err != nil {
			return PeoplePage{}, err
		}
	default:
		if pg.Total, err = s.countPeople(ctx, f, o, matched, MostCounted); err != nil {
			return PeoplePage{}, err
		}
		if pg.Total > MostCounted {
			pg.Count = About
			if pg.Total, err = s.counts.get(ctx, s, f); err != nil {
				return PeoplePage{}, err
			}
		}
	}
	return pg, nil
}

// countCache keeps the counts of long lists, for PeoplePage. A count is taken again when it
// is older than CountMaxAge, or when the people or the reporting chain changed through this
// store since (see changed).
type countCache struct {
	mu      sync.Mutex
	gen     uint64 // raised by every change to people
	entries map[string]*countEntry
	// broad holds the queries found to match more than RankedMatches names and emails (see
	// orderOf).
	broad map[string]broadEntry
	// pages holds the ids of pages of broad queries on PostgreSQL, by their filter (see
	// broadPage).
	pages map[PeopleFilter]pageEntry
}

// pageEntry is a page's ids, in its order, when they were read, and the gen of then.
type pageEntry struct {
	ids []int64
	at  time.Time
	gen uint64
}

// broadEntry is when a query was found broad, and the gen of then.
type broadEntry struct {
	at  time.Time
	gen uint64
}

type countEntry struct {
	n    int
	at   time.Time
	gen  uint64
	busy chan struct{} // closed when the count being taken is ready; nil when none is
}

// maxCounts bounds the cache: one entry per list (a manager's, a status), which are few.
const maxCounts = 10_000

func newCountCache() *countCache {
	return &countCache{entries: map[string]*countEntry{}, broad: map[string]broadEntry{}, pages: map[PeopleFilter]pageEntry{}}
}

// changed says that people changed, so that the counts are taken again.
func (c *countCache) changed() {
	c.mu.Lock()
	c.gen++
	c.mu.Unlock()
}

// isBroad says whether the query q was found to match more than RankedMatches names and
// emails, and may be taken to still: not longer ago than CountMaxAge, and no one renamed or
// moved in the reporting chain through this store since (see changed). A broad query stops
// being broad only when all but a few hundred of its matches change, which is rare within
// that time; if it happens, its page lists the matches in the order people were added rather
// than best first, for that while. Looking for the matches again on every page of a broad
// query is most of what it costs: on PostgreSQL, the index's list of every match, then 501
// rows read from the table.
func (c *countCache) isBroad(q string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.broad[q]
	return ok && e.gen == c.gen && time.Since(e.at) < CountMaxAge
}

// generation is the count of changes to people, to be given to setBroad: taken before the
// query's matches are looked for, so that a change made meanwhile outdates the answer.
func (c *countCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// setBroad keeps that the query q matched more than RankedMatches names and emails at
// people's generation gen.
func (c *countCache) setBroad(q string, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.broad) >= maxCounts {
		c.broad = map[string]broadEntry{}
	}
	c.broad[q] = broadEntry{at: time.Now(), gen: gen}
}

// broadPage returns the ids of f's page, as kept by keepPage: a page of a broad query (see
// listPeople), which PostgreSQL finds by walking people in id order until it has the page,
// checking thousands of them for the query. The people themselves are read afresh, and
// checked for the filter again; what may be out of date is who else would be on the page,
// which is kept as the query's broadness is (see isBroad): not longer than CountMaxAge, and
// no one added, renamed or moved in the reporting chain through this store since.
func (c *countCache) broadPage(f PeopleFilter) ([]int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.pages[f]
	return e.ids, ok && e.gen == c.gen && time.Since(e.at) < CountMaxAge
}

// keepPage keeps the ids of f's page, read at people's generation gen.
func (c *countCache) keepPage(f PeopleFilter, gen uint64, ids []int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pages) >= maxCounts {
		c.pages = map[PeopleFilter]pageEntry{}
	}
	c.pages[f] = pageEntry{ids: ids, at: time.Now(), gen: gen}
}

// forgetPage forgets f's page: its people no longer all pass its filter.
func (c *countCache) forgetPage(f PeopleFilter) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pages, f)
}

// key is the entry of f's list: the filter without its page.
func (c *countCache) key(f PeopleFilter) string {
	f.Limit, f.After, f.Before, f.Query = 0, 0, 0, ""
	return fmt.Sprintf("%+v", f)
}

// long says whether f's list was counted as longer than MostCounted, and is still, as far
// as this store knows: no change to people since, and the count not older than CountMaxAge.
func (c *countCache) long(f PeopleFilter) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[c.key(f)]
	return e != nil && e.n > MostCounted && e.gen == c.gen && time.Since(e.at) < CountMaxAge
}

// get returns f's count (Limit and the page ignored), counting it when the one kept is
// missing or out of date. While one request counts, others are given the old count, or
// wait for the first count of a list.
func (c *countCache) get(ctx context.Context, s *Store, f PeopleFilter) (int, error) {
	f.Limit, f.After, f.Before, f.Query = 0, 0, 0, ""
	key := c.key(f)
	now := time.Now()
	c.mu.Lock()
	e := c.entries[key]
	if e == nil {
		if len(c.entries) >= maxCounts {
			c.entries = map[string]*countEntry{}
		}
		e = &countEntry{n: -1}
		c.entries[key] = e
	}
	fresh := e.n >= 0 && e.gen == c.gen && now.Sub(e.at) < CountMaxAge
	if fresh || (e.busy != nil && e.n >= 0) {
		n := e.n
		c.mu.Unlock()
		return n, nil
	}
	if busy := e.busy; busy != nil {
		c.mu.Unlock()
		select {
		case <-busy:
			return c.get(ctx, s, f)
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	e.busy = make(chan struct{})
	gen := c.gen
	c.mu.Unlock()

	n, err := s.countPeople(ctx, f, byName, nil, 0)
	c.mu.Lock()
	close(e.busy)
	e.busy = nil
	if err == nil {
		e.n, e.at, e.gen = n, now, gen
	}
	c.mu.Unlock()
	return n, err
}
