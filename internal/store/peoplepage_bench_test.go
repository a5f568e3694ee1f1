package store_test

import (
	"context"
	"testing"

	"github.com/rungs/rungs/internal/gen"
	"github.com/rungs/rungs/internal/store"
)

// BenchmarkPeoplePage reads pages of the people list of gen.Org's organisation of 100,000
// people, as the app's list asks for them (50 active people), on both databases: the first
// page by name, and searches of each kind gen.Searches makes, each sub-benchmark going
// through its kind's queries in turn. It measures the store alone, where BenchmarkPages in
// internal/app measures the pages over HTTP.
func BenchmarkPeoplePage(b *testing.B) {
	org := gen.Org(100_000)
	rows := make([]store.ImportRow, len(org))
	for i, e := range org {
		rows[i] = store.ImportRow{
			Person:       store.Person{Name: e.Name, Email: e.Email, Title: e.Title, StartDate: e.Start, Status: store.Status(e.Status)},
			ManagerEmail: e.Manager, Ladder: e.Ladder, Track: e.Track, Level: e.Level,
		}
	}
	// The kinds of gen.Searches, in its order: the first two match more than
	// store.RankedMatches people (broad), the others a few.
	kinds := []string{"search-first-name-start", "search-last-name-part", "search-whole-name", "search-email-start", "search-email"}
	searches := gen.Searches(org)
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			s := freshDatabases(b, backend)()
			defer s.Close()
			ctx := context.Background()
			if _, err := s.ImportPeople(ctx, rows, 0); err != nil {
				b.Fatal(err)
			}
			page := func(b *testing.B, query func(n int) string) {
				n := 0
				for b.Loop() {
					if _, err := s.PeoplePage(ctx, store.PeopleFilter{Query: query(n), Status: store.Active, Limit: 50}); err != nil {
						b.Fatal(err)
					}
					n++
				}
			}
			b.Run("list", func(b *testing.B) { page(b, func(int) string { return "" }) })
			for k, kind := range kinds {
				b.Run(kind, func(b *testing.B) {
					page(b, func(n int) string { return searches[(n*len(kinds)+k)%len(searches)] })
				})
			}
		})
	}
}
