package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/gen"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
	"github.com/rungs/rungs/internal/store/storetest"
)

// benchPeople is the size of the organisation the benchmarks run on.
const benchPeople = 100_000

// orgRows is gen.Org's organisation of n people, as an import: the one `scripts/load pages`
// loads a server with, so that the benchmark and the load script measure the same pages.
func orgRows(n int) ([]gen.Employee, []store.ImportRow) {
	org := gen.Org(n)
	rows := make([]store.ImportRow, n)
	for i, e := range org {
		rows[i] = store.ImportRow{
			Person:       store.Person{Name: e.Name, Email: e.Email, Title: e.Title, StartDate: e.Start, Status: store.Status(e.Status)},
			ManagerEmail: e.Manager, Ladder: e.Ladder, Track: e.Track, Level: e.Level,
		}
	}
	return org, rows
}

// BenchmarkPages serves the pages `scripts/load pages` loads, to many clients at once over
// real HTTP, signed in as an admin, a manager or a member, with 100,000 people in the
// database. With -cpuprofile, it shows where a page's time goes.
func BenchmarkPages(b *testing.B) {
	org, rows := orgRows(benchPeople)
	searches := gen.Searches(org)
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
				acct, err := access.CreateAccount(ctx, s, p.ID, passwordHash(), role)
				if err != nil {
					b.Fatal(err)
				}
				token, _, err := access.CreateSession(ctx, s, access.Session{AccountID: acct.ID, ExpiresAt: time.Now().Add(time.Hour)})
				if err != nil {
					b.Fatal(err)
				}
				return token
			}
			admin := session(org[gen.OrgHead].Email, store.Admin)
			vp := session(org[gen.OrgVP].Email, store.Member)
			lead := session(org[gen.OrgLead(len(org))].Email, store.Member)
			f, site := bundled()
			a, err := app.New(app.Config{Store: s, Site: site}, f)
			if err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(a)
			defer srv.Close()
			id := func(i int) int64 {
				p, err := s.PersonByEmail(ctx, org[i].Email)
				if err != nil {
					b.Fatal(err)
				}
				return p.ID
			}
			lastOfLead := id(len(org) - 1)
			for _, page := range []struct {
				name, token string
				path        func(n int) string
			}{
				{"admin-list", admin, fixed("/people")},
				{"admin-list-far", admin, fixed(fmt.Sprintf("/people?after=%d", id(50_000)))},
				{"admin-search", admin, func(n int) string { return "/people?q=" + url.QueryEscape(searches[n%len(searches)]) }},
				{"admin-person", admin, fixed(fmt.Sprintf("/people/%d", id(54_321)))},
				{"manager-of-11110-list", vp, fixed("/people")},
				{"manager-of-11-list", lead, fixed("/people")},
				{"manager-of-11-person", lead, fixed(fmt.Sprintf("/people/%d", lastOfLead))},
			} {
				b.Run(page.name, func(b *testing.B) {
					b.SetParallelism(8) // 16 clients on 2 cores: more than the server has cores
					var next atomic.Int64
					b.RunParallel(func(pb *testing.PB) {
						jar, _ := cookiejar.New(nil)
						u, _ := url.Parse(srv.URL)
						jar.SetCookies(u, []*http.Cookie{{Name: "rungs_session", Value: page.token}})
						c := &http.Client{Jar: jar}
						for pb.Next() {
							n := int(next.Add(1))
							res, err := c.Get(srv.URL + page.path(n))
							if err != nil {
								b.Error(err)
								return
							}
							// Read to the end, so that the connection is kept for the next request.
							_, _ = io.Copy(io.Discard, res.Body)
							res.Body.Close()
							if res.StatusCode != http.StatusOK {
								b.Errorf("%s: status %d", page.path(n), res.StatusCode)
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

func fixed(path string) func(int) string { return func(int) string { return path } }
