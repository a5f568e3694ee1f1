package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/storetest"
)

// benchPeople is the size of the organisation the benchmarks run on.
const benchPeople = 100_000

// orgRows is an organisation of n people: one head, and everyone else reporting to someone
// earlier, ten to a manager, with titles for the rollout and levels for two thirds of them.
func orgRows(n int) []store.ImportRow {
	rows := make([]store.ImportRow, n)
	levels := []string{"associate", "engineer", "senior", "staff", "principal"}
	for i := range rows {
		r := store.ImportRow{Person: store.Person{
			Name:      fmt.Sprintf("Person %06d", i),
			Email:     fmt.Sprintf("p%06d@example.com", i),
			Title:     []string{"Software Engineer", "Senior Software Engineer", "SDE II", "Staff Engineer"}[i%4],
			StartDate: time.Date(2015+i%10, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC),
		}}
		if i > 0 {
			r.ManagerEmail = fmt.Sprintf("p%06d@example.com", (i-1)/10)
		}
		if i%3 != 0 {
			r.Ladder, r.Track, r.Level = "engineering", "product", levels[i%len(levels)]
		}
		rows[i] = r
	}
	return rows
}

// BenchmarkPages serves the people list and a person's page to many clients at once over
// real HTTP, signed in as an admin or as a manager, with 100,000 people in the database.
func BenchmarkPages(b *testing.B) {
	rows := orgRows(benchPeople)
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			s := benchStore(b, backend)
			defer s.Close()
			ctx := context.Background()
			if _, err := s.ImportPeople(ctx, rows, 0); err != nil {
				b.Fatal(err)
			}
			// A session for the person with that email, with an account of role.
			session := func(email string, role store.Role) string {
				p, err := s.PersonByEmail(ctx, email)
				if err != nil {
					b.Fatal(err)
				}
				acct, err := s.CreateAccount(ctx, p.ID, passwordHash(), role)
				if err != nil {
					b.Fatal(err)
				}
				token, _, err := s.CreateSession(ctx, store.Session{AccountID: acct.ID, ExpiresAt: time.Now().Add(time.Hour)})
				if err != nil {
					b.Fatal(err)
				}
				return token
			}
			admin := session("p000000@example.com", store.Admin)
			// Ten reports each: p000001 has 11,110 people below them, p000011 1,110.
			director, lead := session("p000001@example.com", store.Member), session("p000011@example.com", store.Member)
			f, site := bundled()
			a, err := app.New(app.Config{Store: s, Site: site}, f)
			if err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(a)
			defer srv.Close()
			someone, _ := s.PersonByEmail(ctx, "p054321@example.com")
			inTeam, _ := s.PersonByEmail(ctx, "p011234@example.com") // below p000011 and p000001
			for _, page := range []struct{ name, token, path string }{
				{"people-list", admin, "/people"},
				{"people-list-page-1000", admin, "/people?from=50000"},
				{"people-search", admin, "/people?q=p0543"},
				{"person", admin, fmt.Sprintf("/people/%d", someone.ID)},
				{"manager-of-11k-list", director, "/people"},
				{"manager-of-1k-list", lead, "/people"},
				{"manager-of-1k-person", lead, fmt.Sprintf("/people/%d", inTeam.ID)},
			} {
				b.Run(page.name, func(b *testing.B) {
					b.SetParallelism(8) // 16 clients on 2 cores: more than the server has cores
					b.RunParallel(func(pb *testing.PB) {
						jar, _ := cookiejar.New(nil)
						u, _ := url.Parse(srv.URL)
						jar.SetCookies(u, []*http.Cookie{{Name: "rungs_session", Value: page.token}})
						c := &http.Client{Jar: jar}
						for pb.Next() {
							res, err := c.Get(srv.URL + page.path)
							if err != nil {
								b.Error(err)
								return
							}
							res.Body.Close()
							if res.StatusCode != http.StatusOK {
								b.Errorf("%s: status %d", page.path, res.StatusCode)
								return
							}
						}
					})
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
				})
			}
		})
	}
}

func benchStore(b *testing.B, backend string) *store.Store {
	b.Helper()
	cfg := store.Config{SQLitePath: storetest.SQLite(b)}
	if backend == "postgres" {
		cfg = store.Config{PostgresURL: storetest.Postgres(b)}
	}
	s, err := store.Open(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	return s
}
