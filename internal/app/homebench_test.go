package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/app/assess"
	"github.com/rungs/rungs/internal/loadtest"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
	storeassess "github.com/rungs/rungs/internal/store/assess"
	"github.com/rungs/rungs/internal/store/checkins"
	storehome "github.com/rungs/rungs/internal/store/home"
)

// homePeople is the size of the organisation the home benchmark runs on, and homeTeam how
// many direct reports each of its managers has.
const (
	homePeople = 10_000
	homeTeam   = 50
)

// BenchmarkHome measures the home page from 50 connections at once over real HTTP, in an
// organisation of 10,000 people in an open assessment cycle where every manager has 50
// direct reports, each with two check-ins and their action items: as one of those managers
// (their team at a glance) and as the people team's admin (their counts over everyone, the
// cycle's completion). It reports the median and 99th percentile latency and the CPU time
// per request (this process's and, on PostgreSQL, the database server's); each
// sub-benchmark sends b.N requests in all, so a p99 wants a few hundred:
//
//	go test ./internal/app -run '^$' -bench Home -benchtime 1000x
func BenchmarkHome(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			s := benchStore(b, backend)
			defer s.Close()
			ctx := context.Background()
			f, site := bundled()
			admin, manager := homeOrg(b, s)
			session := func(person int64, role store.Role) string {
				acct, err := access.AccountOfPerson(ctx, s, person)
				if err != nil {
					if acct, err = access.CreateAccount(ctx, s, person, passwordHash(), role); err != nil {
						b.Fatal(err)
					}
				}
				token, _, err := access.CreateSession(ctx, s, access.Session{AccountID: acct.ID, ExpiresAt: time.Now().Add(time.Hour)})
				if err != nil {
					b.Fatal(err)
				}
				return token
			}
			a, err := app.New(app.Config{Store: s, Site: site}, f)
			if err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(a)
			defer srv.Close()
			for _, page := range []struct {
				name, token, want string
			}{
				{"manager-of-50-50conns", session(manager, store.Member), "Your team"},
				{"admin-of-10k-50conns", session(admin, store.Admin), "Your organisation"},
			} {
				b.Run(page.name, func(b *testing.B) {
					run := loadtest.Run{Base: srv.URL, Connections: assessConns, Requests: b.N,
						Scenarios: []loadtest.Scenario{{Name: page.name, Weight: 1, Do: func(ctx context.Context, cl *loadtest.Client) error {
							st, body, err := cl.GetBytes(ctx, "/home")
							if err := loadtest.Expect(st, err, http.StatusOK); err != nil {
								return err
							}
							if !bytes.Contains(body, []byte(page.want)) {
								return fmt.Errorf("/home lacks %q", page.want)
							}
							return nil
						}}},
						Setup: func(_ context.Context, cl *loadtest.Client) error {
							u, _ := url.Parse(srv.URL)
							cl.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "rungs_session", Value: page.token}})
							return nil
						}}
					measureRun(b, ctx, run, backend)
				})
			}
		})
	}
}

// homeOrg fills s with homePeople people, all levelled: a head of the organisation, an admin
// of the people team, managers below the head with homeTeam direct reports each, every
// manager with an account; opens a cycle of everyone with assessments at every stage; and
// gives the first manager's team two check-ins each with action items for both sides. It
// returns the admin's and that manager's ids.
func homeOrg(b *testing.B, s *store.Store) (admin, manager int64) {
	b.Helper()
	ctx := context.Background()
	managers := (homePeople - 2) / (homeTeam + 1)
	start := time.Date(2022, 1, 3, 0, 0, 0, 0, time.UTC)
	rows := make([]store.ImportRow, 0, homePeople)
	add := func(email, boss, title string) {
		rows = append(rows, store.ImportRow{Person: store.Person{Name: strings.Split(email, "@")[0], Email: email, Title: title, StartDate: start},
			ManagerEmail: boss, Ladder: "engineering", Track: "product", Level: "engineer"})
	}
	add("head@example.com", "", "Director")
	add("people@example.com", "head@example.com", "People Partner") // the admin: on the people team, managing nobody
	for m := range managers {
		add(fmt.Sprintf("m%03d@example.com", m), "head@example.com", "Engineering Manager")
	}
	for i := 0; len(rows) < homePeople; i++ {
		add(fmt.Sprintf("p%05d@example.com", i), fmt.Sprintf("m%03d@example.com", (i/homeTeam)%managers), "Software Engineer")
	}
	if _, err := s.ImportPeople(ctx, rows, 0); err != nil {
		b.Fatal(err)
	}
	id := func(email string) int64 {
		p, err := s.PersonByEmail(ctx, email)
		if err != nil {
			b.Fatal(err)
		}
		return p.ID
	}
	admin, manager = id("people@example.com"), id("m000@example.com")
	for m := range managers {
		if _, err := access.CreateAccount(ctx, s, id(fmt.Sprintf("m%03d@example.com", m)), passwordHash(), store.Member); err != nil {
			b.Fatal(err)
		}
	}
	f, _ := bundled()
	version, snapshot, err := assess.Version(f)
	if err != nil {
		b.Fatal(err)
	}
	c, n, err := storeassess.OpenCycle(ctx, s, storeassess.Cycle{Name: "2026 H2", StartsOn: time.Now().AddDate(0, -1, 0), EndsOn: time.Now().AddDate(0, 1, 0),
		Scope: storeassess.ScopeEveryone, FrameworkVersion: version, FrameworkJSON: snapshot}, []string{"engineering"})
	if err != nil || n != homePeople {
		b.Fatalf("open cycle: %d people, %v", n, err)
	}
	at := time.Now().AddDate(0, 0, -3)
	var loaded []storeassess.LoadedAssessment
	for i, r := range rows {
		a := storeassess.LoadedAssessment{PersonID: id(r.Person.Email)}
		switch i % 4 { // a quarter at each stage but the first
		case 1:
			a.SelfSubmittedAt = at
		case 2:
			a.SelfSubmittedAt, a.ManagerSubmittedAt = at, at
		case 3:
			a.SelfSubmittedAt, a.ManagerSubmittedAt, a.SharedAt = at, at, at
		}
		loaded = append(loaded, a)
	}
	if err := storeassess.LoadAssessments(ctx, s, c.ID, loaded); err != nil {
		b.Fatal(err)
	}
	for i := range homeTeam {
		person := id(fmt.Sprintf("p%05d@example.com", i))
		for k, held := range []time.Time{time.Now().AddDate(0, 0, -30-i), time.Now().AddDate(0, 0, -i)} {
			ci, err := checkins.CreateCheckIn(ctx, s, checkins.CheckIn{PersonID: person, ManagerID: manager, HeldOn: held, Shared: "Went through the quarter's goals."},
				func(string) bool { return true })

			if err != nil {
				b.Fatal(err)
			}
			for _, owner := range []checkins.Owner{checkins.PersonOwns, checkins.ManagerOwns} {
				it, err := checkins.AddActionItem(ctx, s, checkins.ActionItem{CheckInID: ci.ID, PersonID: person, Text: "Follow up on the incident review", Owner: owner})
				if err != nil {
					b.Fatal(err)
				}
				if k == 0 {
					if _, err := checkins.SetActionDone(ctx, s, person, ci.ID, it.ID, true, manager); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
	}
	return admin, manager
}

// BenchmarkHomeReads times, one at a time and without HTTP, each read a manager's home makes
// in the organisation BenchmarkHome runs on, and all of them in one batch as the page sends
// them: where the page's database time goes, which a run under load, its p99 moving by a
// fifth from one run to the next, cannot show.
//
//	go test ./internal/app -run '^$' -bench HomeReads
func BenchmarkHomeReads(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			s := benchStore(b, backend)
			defer s.Close()
			ctx := context.Background()
			_, manager := homeOrg(b, s)
			var cycles []storeassess.CurrentCycle
			var own storehome.Own
			var items []storehome.Item
			var team storehome.Team
			reads := []struct {
				name string
				add  func(r *store.Reads)
			}{
				{"open-cycles", func(r *store.Reads) { storeassess.ReadOpenCyclesOf(r, manager, &cycles) }},
				{"own", func(r *store.Reads) { storehome.ReadOwn(r, manager, false, &own) }},
				{"open-items", func(r *store.Reads) { storehome.ReadOpenItems(r, manager, 11, &items) }},
				{"team", func(r *store.Reads) { storehome.ReadTeam(r, manager, &team) }},
			}
			run := func(b *testing.B, add ...func(r *store.Reads)) {
				for b.Loop() {
					r := s.Reads()
					for _, a := range add {
						a(r)
					}
					if err := r.Run(ctx); err != nil {
						b.Fatal(err)
					}
				}
			}
			var all []func(r *store.Reads)
			for _, rd := range reads {
				all = append(all, rd.add)
				b.Run(rd.name, func(b *testing.B) { run(b, rd.add) })
			}
			together := false // -bench may leave it out
			b.Run("all-at-once", func(b *testing.B) { together = true; run(b, all...) })
			// What was timed read what the page shows: an open cycle, the team (homeOrg gives
			// the first manager a few more than homeTeam), their action items.
			if together && (len(cycles) != 1 || len(team.Members) < homeTeam || len(items) == 0) {
				b.Fatalf("read %d cycles, %d of the team, %d items", len(cycles), len(team.Members), len(items))
			}
		})
	}
}
