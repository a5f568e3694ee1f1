package store_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rungs/rungs/internal/store"
)

func TestListPeopleUnderQueryUnlevelled(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeOrg(t, s)
		// Names with LIKE's special characters, which a query must match literally.
		odd := map[string]store.Person{}
		for i, name := range []string{"a_b", "axb", "50% off", "50 off", `back\slash`, "backslash"} {
			odd[name] = mustPerson(t, s, name, "odd"+string(rune('a'+i))+"@example.com", o["ops"].ID)
		}
		if _, err := s.AddLevelChange(ctx, store.LevelChange{PersonID: o["lead"].ID, Ladder: "eng", Track: "ic", ToLevel: "L3",
			Date: day("2024-03-01"), Reason: store.Hire}); err != nil {
			t.Fatal(err)
		}
		oddNames := []string{"50 off", "50% off", "a_b", "axb", `back\slash`, "backslash"}
		tests := []struct {
			name   string
			filter store.PeopleFilter
			want   []string
		}{
			{"under the top, three levels down", store.PeopleFilter{Under: o["ceo"].ID},
				append(slices.Clone(oddNames), "cfo", "dev", "lead", "ops", "vp")},
			{"under a middle manager", store.PeopleFilter{Under: o["lead"].ID}, []string{"dev"}},
			{"under someone without reports", store.PeopleFilter{Under: o["dev"].ID}, []string{}},
			{"under, and direct reports", store.PeopleFilter{Under: o["ceo"].ID, ManagerID: o["vp"].ID}, []string{"lead", "ops"}},
			{"query, any case", store.PeopleFilter{Query: "LEA"}, []string{"lead"}},
			{"query in the email", store.PeopleFilter{Query: "oddc@"}, []string{"50% off"}},
			{"query, spaces trimmed", store.PeopleFilter{Query: "  cfo "}, []string{"cfo"}},
			{"query _ is literal", store.PeopleFilter{Query: "a_b"}, []string{"a_b"}},
			{"query % is literal", store.PeopleFilter{Query: "0% o"}, []string{"50% off"}},
			{`query \ is literal`, store.PeopleFilter{Query: `k\s`}, []string{`back\slash`}},
			{"query and under", store.PeopleFilter{Query: "OFF", Under: o["vp"].ID}, oddNames[:2]},
			{"query and under, no one", store.PeopleFilter{Query: "off", Under: o["lead"].ID}, []string{}},
			{"unlevelled", store.PeopleFilter{Unlevelled: true, Under: o["vp"].ID}, append(slices.Clone(oddNames), "dev", "ops")},
			{"unlevelled, paged", store.PeopleFilter{Unlevelled: true, Under: o["vp"].ID, Limit: 2, After: odd["50% off"].ID}, []string{"a_b", "axb"}},
			{"unlevelled, the page before", store.PeopleFilter{Unlevelled: true, Under: o["vp"].ID, Limit: 2, Before: odd["axb"].ID}, []string{"50% off", "a_b"}},
			{"query, paged", store.PeopleFilter{Query: "off", Limit: 1, After: odd["50 off"].ID}, []string{"50% off"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				people, err := s.ListPeople(ctx, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				if got := names(people); !slices.Equal(got, tt.want) {
					t.Errorf("ListPeople = %v, want %v", got, tt.want)
				}
				n, err := s.CountPeople(ctx, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				// The count ignores paging.
				all := tt.filter
				all.Limit, all.After, all.Before = store.MaxLimit, 0, 0
				everyone, _ := s.ListPeople(ctx, all)
				if n != len(everyone) {
					t.Errorf("CountPeople = %d, want %d", n, len(everyone))
				}
			})
		}
		if n, err := s.CountPeople(ctx, store.PeopleFilter{}); err != nil || n != len(o)+6 {
			t.Errorf("CountPeople of everyone = %d, %v; want %d", n, err, len(o)+6)
		}
	})
}

// Search finds people by any part of their name or email, best matches first, only among
// the people the filter allows (a manager's), on both databases' text indexes.
func TestSearchPeople(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		top := mustPerson(t, s, "Top", "top@example.com", 0)
		team := mustPerson(t, s, "Team Lead", "lead@example.com", top.ID)
		other := mustPerson(t, s, "Other Lead", "other@example.com", top.ID)
		for _, p := range []struct{ name, email string }{
			{"Ambrosa Lee", "alee@example.com"},
			{"Ines Rosario", "irosario@example.com"},
			{"Rosa Marquez", "rmarquez@example.com"},
			{"Ines Quinta", "rosa@example.com"},
			{"Rosa", "r@example.com"},
			{"Bjørn Ødegård", "bjorn.odegard@example.com"},
			// The first and last trigrams of "Priya Schmidt" (and its middle one), and not the name.
			{"Priam Schidt", "pschidt@example.com"},
			{"Priya Schmidt", "priya.s@example.com"},
			// Each of these holds an end of "Lars Larsen" or of "Åsa Åsander", and Larsen
			// both (see spreadPieces).
			{"Lars Larsen", "lars.larsen@example.com"},
			{"Lars Olsen", "lars.olsen@example.com"},
			{"Per Larsen", "per.larsen@example.com"},
			{"Mia Larsen", "lars.l@example.com"},
			{"Åsa Åsander", "asa.asander@example.com"},
			{"Åsa Berg", "asa.berg@example.com"},
		} {
			mustPerson(t, s, p.name, p.email, team.ID)
		}
		mustPerson(t, s, "Rosalind Elsewhere", "rosalind@example.org", other.ID)
		tests := []struct {
			name   string
			filter store.PeopleFilter
			want   []string
		}{
			// Exactly the query, then starting with it, then a word starting with it, then the rest.
			{"ranked", store.PeopleFilter{Query: "rosa"},
				[]string{"Ines Quinta", "Rosa", "Rosa Marquez", "Rosalind Elsewhere", "Ines Rosario", "Ambrosa Lee"}},
			{"partial name", store.PeopleFilter{Query: "marq"}, []string{"Rosa Marquez"}},
			{"inside a name", store.PeopleFilter{Query: "brosa"}, []string{"Ambrosa Lee"}},
			{"partial email", store.PeopleFilter{Query: "rosario@ex"}, []string{"Ines Rosario"}},
			{"email domain", store.PeopleFilter{Query: "example.org"}, []string{"Rosalind Elsewhere"}},
			{"across words", store.PeopleFilter{Query: "ines r"}, []string{"Ines Rosario"}},
			{"an @ and a space", store.PeopleFilter{Query: "rosa @"}, []string{}},
			// PostgreSQL's index holds the name and the email together, a space between them.
			{"across the name and the email", store.PeopleFilter{Query: "rosario irosa"}, []string{}},
			{"any case", store.PeopleFilter{Query: "MARQUEZ"}, []string{"Rosa Marquez"}},
			{"not in a name", store.PeopleFilter{Query: "zzz"}, []string{}},
			{"letters beyond ASCII", store.PeopleFilter{Query: "Ødeg"}, []string{"Bjørn Ødegård"}},
			// Seven characters and more: a few of the query's trigrams are looked up, and what
			// has them is checked for the query itself.
			{"a long query", store.PeopleFilter{Query: "Priya Schmidt"}, []string{"Priya Schmidt"}},
			{"a long query in any case", store.PeopleFilter{Query: "PRIYA SCHMIDT"}, []string{"Priya Schmidt"}},
			{"a long query beyond ASCII", store.PeopleFilter{Query: "ØDEGåRD"}, []string{"Bjørn Ødegård"}},
			// On PostgreSQL, a start with one ASCII letter is no trigram of its own: the whole query is.
			{"a long query starting beyond ASCII", store.PeopleFilter{Query: "n Ødegård"}, []string{"Bjørn Ødegård"}},
			{"a long query across the name and the email", store.PeopleFilter{Query: "schmidt priya"}, []string{}},
			{"a long query of an email", store.PeopleFilter{Query: "iya.s@exa"}, []string{"Priya Schmidt"}},
			{"a long query whose ends one word holds", store.PeopleFilter{Query: "Lars Larsen"}, []string{"Lars Larsen"}},
			{"a long query of an email whose ends one word holds", store.PeopleFilter{Query: "lars.larsen"}, []string{"Lars Larsen"}},
			{"a long query whose ends one word holds, beyond ASCII", store.PeopleFilter{Query: "Åsa Åsander"}, []string{"Åsa Åsander"}},
			{"a long query with FTS5's quotes and operators", store.PeopleFilter{Query: `iya "S*" OR x`}, []string{}},
			// Within a manager's people only.
			{"in scope", store.PeopleFilter{Query: "rosa", Under: team.ID},
				[]string{"Ines Quinta", "Rosa", "Rosa Marquez", "Ines Rosario", "Ambrosa Lee"}},
			{"out of scope", store.PeopleFilter{Query: "rosalind", Under: team.ID}, []string{}},
			{"scope of another", store.PeopleFilter{Query: "rosa", Under: other.ID}, []string{"Rosalind Elsewhere"}},
			// One or two characters: the start of the name, a word of it, or the email.
			{"two letters", store.PeopleFilter{Query: "ro"}, []string{"Rosa", "Rosa Marquez", "Rosalind Elsewhere", "Ines Quinta", "Ines Rosario"}},
			{"one letter", store.PeopleFilter{Query: "q"}, []string{"Ines Quinta"}},
			{"two letters inside a word", store.PeopleFilter{Query: "sa"}, []string{}},
			{"two letters of an email", store.PeopleFilter{Query: "ir"}, []string{"Ines Rosario"}},
			{"two letters in scope", store.PeopleFilter{Query: "ro", Under: other.ID}, []string{"Rosalind Elsewhere"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				people, err := s.ListPeople(ctx, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				got := names(people)
				if tt.name == "two letters" || tt.name == "one letter" || tt.name == "two letters of an email" {
					// Ranked too: the same rules, with the query's start.
					slices.Sort(got)
					tt.want = slices.Sorted(slices.Values(tt.want))
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("ListPeople(%+v) = %v, want %v", tt.filter, got, tt.want)
				}
				// A page of the list finds the same, counted exactly. On PostgreSQL its
				// statement finds the matches itself; one that finds nobody in the filter is
				// read again as ListPeople reads it.
				pg, err := s.PeoplePage(ctx, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				page := listedNames(pg.People)
				if tt.name == "two letters" || tt.name == "one letter" || tt.name == "two letters of an email" {
					slices.Sort(page)
				}
				if !slices.Equal(page, tt.want) || pg.Total != len(tt.want) || pg.Count != store.Exactly || pg.Broad || pg.HasNext || pg.HasPrev {
					t.Errorf("PeoplePage(%+v) = %v, %d people (count %v, broad %v, more %v %v); want %v, exactly %d",
						tt.filter, page, pg.Total, pg.Count, pg.Broad, pg.HasPrev, pg.HasNext, tt.want, len(tt.want))
				}
			})
		}
		if s.Dialect() == "sqlite" {
			// The tests' PostgreSQL has the C locale, whose lower() folds ASCII alone (as ILIKE
			// does there); SQLite's text index folds every letter, and so does the check of a
			// long query's matches.
			people, err := s.ListPeople(ctx, store.PeopleFilter{Query: "øDEGÅRD"})
			if got := names(people); err != nil || !slices.Equal(got, []string{"Bjørn Ødegård"}) {
				t.Errorf("a long query beyond ASCII, in another case: %v, %v", got, err)
			}
		}
	})
}

// A query that very many names and emails hold is listed in the order people were added;
// one that fewer hold, best match first. Either way the list pages through every match,
// forwards and back, and PeoplePage says how many there are as well as it knows.
func TestSearchManyMatches(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		n := store.RankedMatches + 20
		rows := make([]store.ImportRow, n)
		for i := range rows {
			// Half are "Zed ...", half "... Zed": the best matches sort last by name.
			name := fmt.Sprintf("Aaron Zed %04d", i)
			if i%2 == 0 {
				name = fmt.Sprintf("Zed Aaron %04d", i)
			}
			rows[i] = store.ImportRow{Person: store.Person{Name: name, Email: fmt.Sprintf("z%04d@example.com", i), StartDate: day("2024-01-01")}}
		}
		if _, err := s.ImportPeople(ctx, rows, 0); err != nil {
			t.Fatal(err)
		}
		broad, err := s.PeoplePage(ctx, store.PeopleFilter{Query: "zed", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if !broad.Broad || broad.Count != store.MoreThan || broad.Total != store.RankedMatches || broad.People[0].Name != "Zed Aaron 0000" {
			t.Errorf("a broad query: broad %v, count %v of %d, first %s; want broad, more than %d, Zed Aaron 0000 (the first added)",
				broad.Broad, broad.Count, broad.Total, broad.People[0].Name, store.RankedMatches)
		}
		narrow, err := s.PeoplePage(ctx, store.PeopleFilter{Query: "zed aaron 00", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if narrow.Broad || narrow.Count != store.Exactly || narrow.Total != 50 || narrow.People[0].Name != "Zed Aaron 0000" {
			t.Errorf("a narrow query: broad %v, count %v of %d, first %s; want ranked, exactly 50, Zed Aaron 0000",
				narrow.Broad, narrow.Count, narrow.Total, narrow.People[0].Name)
		}
		for _, f := range []store.PeopleFilter{{Query: "zed"}, {Query: "zed aaron 00"}, {Query: "z0"}, {}} {
			all, err := s.ListPeople(ctx, store.PeopleFilter{Query: f.Query, Limit: store.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			forwards, backwards := walkPages(t, s, f, 37)
			if !slices.Equal(forwards, names(all)) || !slices.Equal(backwards, names(all)) {
				t.Errorf("%q: paging forwards gives %d people, backwards %d, want the %d of one list, in its order",
					f.Query, len(forwards), len(backwards), len(all))
			}
		}
		// The store keeps that "zed" is broad; renaming people through it forgets that, and
		// with 21 renamed, "zed" matches few enough to rank.
		zeds, err := s.ListPeople(ctx, store.PeopleFilter{Query: "zed", Limit: 21})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range zeds {
			p.Name = strings.ReplaceAll(p.Name, "Zed", "Ned")
			if _, err := s.UpdatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		ranked, err := s.PeoplePage(ctx, store.PeopleFilter{Query: "zed", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if ranked.Broad || ranked.Count != store.Exactly || ranked.Total != n-21 {
			t.Errorf("after 21 renamed: broad %v, count %v of %d; want ranked, exactly %d", ranked.Broad, ranked.Count, ranked.Total, n-21)
		}
	})
}

// A page of a broad query is the same when asked for again, and shows the people as they are
// now: one who left since, by a write the store did not see (another process's), is not on
// it, and the next one is; a rename or a new email through the store is seen at once. Each
// page is begun with another read first, as the people list's is with the session's (on
// PostgreSQL, once the page was found, by the ids kept of it), and is then read on its own:
// the same page.
func TestBroadPageAgain(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		rows := make([]store.ImportRow, store.RankedMatches+20)
		for i := range rows {
			rows[i] = store.ImportRow{Person: store.Person{Name: fmt.Sprintf("Zed %04d", i), Email: fmt.Sprintf("z%04d@example.com", i), StartDate: day("2024-01-01")}}
		}
		// Amy, added first, is found once her email has "zed" in it.
		rows = append([]store.ImportRow{{Person: store.Person{Name: "Amy", Email: "amy@example.com", StartDate: day("2024-01-01")}}}, rows...)
		if _, err := s.ImportPeople(ctx, rows, 0); err != nil {
			t.Fatal(err)
		}
		f := store.PeopleFilter{Query: "zed", Status: store.Active, Limit: 10}
		page := func() []string {
			t.Helper()
			begun, err := s.PeoplePageFrom(ctx, f, beginPage(t, s, f))
			if err != nil {
				t.Fatal(err)
			}
			pg, err := s.PeoplePage(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(begun, pg) {
				t.Errorf("%+v begun with another read: %+v; read on its own: %+v", f, begun, pg)
			}
			if !pg.Broad || !pg.HasNext {
				t.Fatalf("%+v: broad %v, more %v; want a broad query's first page", f, pg.Broad, pg.HasNext)
			}
			var out []string
			for _, p := range pg.People {
				out = append(out, p.Name)
			}
			return out
		}
		want := func(from, to int, except ...int) []string {
			var out []string
			for i := from; i < to; i++ {
				if !slices.Contains(except, i) {
					out = append(out, fmt.Sprintf("Zed %04d", i))
				}
			}
			return out
		}
		if got := page(); !slices.Equal(got, want(0, 10)) {
			t.Fatalf("the first page: %v", got)
		}
		if got := page(); !slices.Equal(got, want(0, 10)) {
			t.Errorf("the first page again: %v", got)
		}
		if _, err := s.Exec(ctx, `UPDATE people SET status = 'left' WHERE email = 'z0003@example.com'`); err != nil {
			t.Fatal(err)
		}
		if got := page(); !slices.Equal(got, want(0, 11, 3)) {
			t.Errorf("after Zed 0003 left: %v, want %v", got, want(0, 11, 3))
		}
		p, err := s.PersonByEmail(ctx, "z0005@example.com")
		if err != nil {
			t.Fatal(err)
		}
		p.Name = "Ned 0005"
		if _, err := s.UpdatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		if got := page(); !slices.Equal(got, want(0, 12, 3, 5)) {
			t.Errorf("after Zed 0005 was renamed: %v, want %v", got, want(0, 12, 3, 5))
		}
		amy, err := s.PersonByEmail(ctx, "amy@example.com")
		if err != nil {
			t.Fatal(err)
		}
		amy.Email = "amy.zed@example.com"
		if _, err := s.UpdatePerson(ctx, amy); err != nil {
			t.Fatal(err)
		}
		if got, want := page(), append([]string{"Amy"}, want(0, 11, 3, 5)...); !slices.Equal(got, want) {
			t.Errorf("after Amy's new email: %v, want %v", got, want)
		}
	})
}

// walkPages pages through f's list from the start to the end and back, and returns the names
// each way, in list order. HasPrev and HasNext must say whether there is a page further.
func walkPages(t *testing.T, s *store.Store, f store.PeopleFilter, size int) (forwards, backwards []string) {
	t.Helper()
	ctx := context.Background()
	f.Limit = size
	var seen []store.Listed
	for i := 0; ; i++ {
		pg, err := s.PeoplePage(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if pg.HasPrev != (i > 0) {
			t.Fatalf("page %d forwards: HasPrev %v", i, pg.HasPrev)
		}
		seen = append(seen, pg.People...)
		if !pg.HasNext {
			break
		}
		f.After = pg.People[len(pg.People)-1].ID
	}
	forwards = listedNames(seen)
	if len(seen) == 0 {
		return forwards, nil
	}
	// Back from the last person: each page holds those just before the first one seen.
	last := seen[len(seen)-1]
	f.After = 0
	back := []store.Listed{last}
	for {
		f.Before = back[0].ID
		pg, err := s.PeoplePage(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if !pg.HasNext {
			t.Fatalf("a page before %s says there is nothing after it", back[0].Name)
		}
		back = append(slices.Clone(pg.People), back...)
		if !pg.HasPrev {
			break
		}
	}
	return forwards, listedNames(back)
}

// listedNames is names for the people of a PeoplePage.
func listedNames(people []store.Listed) []string {
	out := []string{}
	for _, p := range people {
		out = append(out, p.Name)
	}
	return out
}

// A list of up to MostCounted people is counted exactly for each page; a longer one is
// counted once and said to be "about" that many on every page after, until a change through
// the store, which counts it again.
func TestPeoplePageCounts(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		boss := mustPerson(t, s, "Boss", "boss@example.com", 0)
		lead := mustPerson(t, s, "Lead", "lead@example.com", boss.ID)
		rows := make([]store.ImportRow, store.MostCounted+5)
		for i := range rows {
			manager := "boss@example.com"
			if i < 3 {
				manager = "lead@example.com"
			}
			rows[i] = store.ImportRow{Person: store.Person{Name: fmt.Sprintf("Person %04d", i), Email: fmt.Sprintf("p%04d@example.com", i),
				StartDate: day("2024-01-01")}, ManagerEmail: manager}
		}
		if _, err := s.ImportPeople(ctx, rows, 0); err != nil {
			t.Fatal(err)
		}
		count := func(f store.PeopleFilter) (store.Count, int) {
			t.Helper()
			f.Limit = 10
			pg, err := s.PeoplePage(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return pg.Count, pg.Total
		}
		everyone := len(rows) + 2
		if c, n := count(store.PeopleFilter{}); c != store.About || n != everyone {
			t.Errorf("everyone: %v %d, want about %d", c, n, everyone)
		}
		if c, n := count(store.PeopleFilter{Under: lead.ID}); c != store.Exactly || n != 3 {
			t.Errorf("the lead's people: %v %d, want exactly 3", c, n)
		}
		// Another page of the long list: the kept count.
		first, err := s.PeoplePage(ctx, store.PeopleFilter{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if c, n := count(store.PeopleFilter{After: first.People[9].ID}); c != store.About || n != everyone {
			t.Errorf("everyone, second page: %v %d, want about %d", c, n, everyone)
		}
		// A change through the store is counted at once, on every list it touches.
		mustPerson(t, s, "Newcomer", "new@example.com", lead.ID)
		if c, n := count(store.PeopleFilter{}); c != store.About || n != everyone+1 {
			t.Errorf("everyone after an addition: %v %d, want about %d", c, n, everyone+1)
		}
		if c, n := count(store.PeopleFilter{Under: boss.ID}); c != store.About || n != everyone {
			t.Errorf("below the boss after an addition: %v %d, want about %d", c, n, everyone)
		}
		if c, n := count(store.PeopleFilter{Under: lead.ID}); c != store.Exactly || n != 4 {
			t.Errorf("the lead's people after an addition: %v %d, want exactly 4", c, n)
		}
	})
}

// A page of a list reads fewer columns than a whole person: each of its rows says what the
// person's own record says, read by name, by best match and, for a broad query, in the
// order people were added.
func TestPeoplePageRows(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		boss := mustPerson(t, s, "Quinn Boss", "quinn@example.com", 0)
		p, err := s.CreatePerson(ctx, store.Person{Name: "Quinn Listed", Email: "q.listed@example.com", Title: "Staff Engineer",
			ManagerID: boss.ID, StartDate: day("2021-06-14"), Status: store.Left})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddLevelChange(ctx, store.LevelChange{PersonID: p.ID, Ladder: "eng", Track: "ic", ToLevel: "L4",
			Date: day("2024-03-01"), Reason: store.Hire}); err != nil {
			t.Fatal(err)
		}
		rows := make([]store.ImportRow, store.RankedMatches+1)
		for i := range rows {
			rows[i] = store.ImportRow{Person: store.Person{Name: fmt.Sprintf("Quinn %04d", i), Email: fmt.Sprintf("quinn%04d@example.com", i),
				StartDate: day("2024-01-01")}, ManagerEmail: "quinn@example.com"}
		}
		if _, err := s.ImportPeople(ctx, rows, 0); err != nil {
			t.Fatal(err)
		}
		whole, err := s.Person(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := store.Listed{ID: p.ID, Name: "Quinn Listed", Email: "q.listed@example.com", Title: "Staff Engineer",
			Ladder: "eng", Track: "ic", Level: "L4", StartDate: day("2021-06-14"), Status: store.Left}
		if whole.Listed() != want {
			t.Fatalf("the person as listed: %+v, want %+v", whole.Listed(), want)
		}
		for _, f := range []store.PeopleFilter{
			{Status: store.Left},                                 // by name
			{Query: "q.listed"},                                  // best match first
			{Query: "quinn", Status: store.Left},                 // broad: as added
			{Query: "quinn", Status: store.Left, Under: boss.ID}, // broad, below someone
		} {
			f.Limit = 10
			pg, err := s.PeoplePage(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if len(pg.People) != 1 || pg.People[0] != want {
				t.Errorf("%+v: %+v, want only %+v", f, pg.People, want)
			}
			if f.Query == "quinn" && !pg.Broad {
				t.Errorf("%+v: not broad", f)
			}
		}
		// A broad query below someone pages through everyone below them it matches, and no
		// one else (the boss matches it too).
		below := store.PeopleFilter{Query: "quinn", Under: boss.ID}
		all, err := s.ListPeople(ctx, store.PeopleFilter{Query: below.Query, Under: below.Under, Limit: store.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(rows)+1 || slices.ContainsFunc(all, func(x store.Person) bool { return x.ID == boss.ID }) {
			t.Errorf("a broad query below the boss: %d people, want the %d below them", len(all), len(rows)+1)
		}
		forwards, backwards := walkPages(t, s, below, 97)
		if !slices.Equal(forwards, names(all)) || !slices.Equal(backwards, names(all)) {
			t.Errorf("a broad query below the boss: paging forwards gives %d people, backwards %d, want the %d of one list",
				len(forwards), len(backwards), len(all))
		}
	})
}

// On SQLite a page's rows are read as one column of values joined by U+001F, which no way in
// lets into a name, an email or a title. A person who has it anyway (written into the database
// by hand) makes the page fail, naming them, rather than be listed with their values shifted.
func TestPeoplePageSeparator(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		p := mustPerson(t, s, "Rue Sep", "rue@example.com", 0)
		mustPerson(t, s, "Rue Other", "rue.other@example.com", 0)
		if _, err := s.Exec(ctx, `UPDATE people SET title = ? WHERE id = ?`, "Lead\x1fEngineer", p.ID); err != nil {
			t.Fatal(err)
		}
		pg, err := s.PeoplePage(ctx, store.PeopleFilter{Query: "rue"})
		if s.Postgres() {
			// Read column by column: the title is as it was written (the best match first: the
			// email is the query and a domain).
			if err != nil || len(pg.People) != 2 || pg.People[0].ID != p.ID || pg.People[0].Title != "Lead\x1fEngineer" {
				t.Fatalf("page: %+v, %v", pg.People, err)
			}
			return
		}
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("person %d:", p.ID)) || !strings.Contains(err.Error(), "U+001F") {
			t.Fatalf("page: %+v, %v; want an error naming person %d", pg.People, err, p.ID)
		}
	})
}

// beginPage sends the first statement of f's page (ReadPeoplePage) with a read of its own, as
// the people list sends it with the session's.
func beginPage(t *testing.T, s *store.Store, f store.PeopleFilter) *store.PeopleStart {
	t.Helper()
	r := s.Reads()
	var n int
	r.Read("count", func(row store.Scanner) error { return row.Scan(&n) }, `SELECT count(*) FROM people`)
	start := s.ReadPeoplePage(r, f)
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return start
}

// A page begun with other reads (ReadPeoplePage) is the page PeoplePage reads, for a list
// and, on PostgreSQL, a search, whatever the scope, status and page; it is what was read with
// the others, not read again; and a start made for another filter is not used.
func TestReadPeoplePage(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeOrg(t, s)
		if _, err := s.Exec(ctx, `UPDATE people SET status = 'left' WHERE id = ?`, o["ops"].ID); err != nil {
			t.Fatal(err)
		}
		for _, f := range []store.PeopleFilter{
			{Limit: 10},
			{Limit: 2},
			{Limit: 2, After: o["cfo"].ID},
			{Limit: 2, Before: o["dev"].ID},
			{Limit: 10, Status: store.Active},
			{Limit: 10, Status: store.Left},
			{Limit: 10, Under: o["vp"].ID},
			{Limit: 10, Query: "de"},
			{Limit: 10, Query: "lead"},
			{Limit: 10, Query: "example.com", Under: o["vp"].ID},
			{Limit: 1, Query: "example.com", After: o["ceo"].ID},
			{Limit: 10, Query: "nobody"},
		} {
			start := beginPage(t, s, f)
			if want := f.Query == "" || s.Postgres(); (start != nil) != want {
				t.Errorf("ReadPeoplePage(%+v) began the page: %v, want %v", f, start != nil, want)
			}
			got, err := s.PeoplePageFrom(ctx, f, start)
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.PeoplePage(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("PeoplePageFrom(%+v) = %+v, want PeoplePage's %+v", f, got, want)
			}
		}

		// What was read with the others is the page: a rename after it is not on it.
		f := store.PeopleFilter{Limit: 10, Under: o["vp"].ID}
		start := beginPage(t, s, f)
		if _, err := s.Exec(ctx, `UPDATE people SET name = 'devon' WHERE id = ?`, o["dev"].ID); err != nil {
			t.Fatal(err)
		}
		pg, err := s.PeoplePageFrom(ctx, f, start)
		if err != nil || !slices.Contains(listedNames(pg.People), "dev") || slices.Contains(listedNames(pg.People), "devon") {
			t.Errorf("the page begun before a rename: %v, %v; want it as it was read, with dev", listedNames(pg.People), err)
		}
		// A start for another filter is not that filter's page.
		other := store.PeopleFilter{Limit: 10, Under: o["lead"].ID}
		pg, err = s.PeoplePageFrom(ctx, other, beginPage(t, s, f))
		if err != nil || !slices.Equal(listedNames(pg.People), []string{"devon"}) {
			t.Errorf("a page with another filter's start: %v, %v; want the lead's, [devon]", listedNames(pg.People), err)
		}
	})
}
