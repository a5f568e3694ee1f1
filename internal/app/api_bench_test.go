package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/app/api"
	"github.com/rungs/rungs/internal/store/access"
)

// BenchmarkAPIPeople pages through GET /api/v1/people?limit=100 with a token from 50 clients at
// once over real HTTP, with 100,000 people in the database, and reports the latency's 50th
// and 99th percentiles (the issue asks for p99 at 50 ms or less). Each request is checked,
// and recorded in the audit log, as in production.
//
//	go test ./internal/app -run '^$' -bench BenchmarkAPIPeople -benchtime 2000x
func BenchmarkAPIPeople(b *testing.B) {
	_, rows := orgRows(benchPeople)
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			s := benchStore(b, backend)
			defer s.Close()
			ctx := context.Background()
			if _, err := s.ImportPeople(ctx, rows, 0); err != nil {
				b.Fatal(err)
			}
			secret, _, err := access.CreateToken(ctx, s, access.Token{Name: "bench", Kind: access.ServiceToken, Scope: access.ReadScope, ExpiresAt: time.Now().Add(time.Hour)})
			if err != nil {
				b.Fatal(err)
			}
			f, site := bundled()
			a, err := app.New(app.Config{Store: s, Site: site}, f)
			if err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(a)
			defer srv.Close()
			tr := &http.Transport{MaxIdleConnsPerHost: 64}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			middle := "/api/v1/people?limit=100&cursor=" + api.EncodeCursor(50_001)
			for _, page := range []struct{ name, path string }{
				{"first-page", "/api/v1/people?limit=100"},
				{"page-500", middle},
			} {
				b.Run(page.name, func(b *testing.B) {
					var mu sync.Mutex
					var took []time.Duration
					b.SetParallelism(25) // 50 clients on 2 cores
					b.RunParallel(func(pb *testing.PB) {
						var mine []time.Duration
						for pb.Next() {
							req, _ := http.NewRequest("GET", srv.URL+page.path, nil)
							req.Header.Set("Authorization", "Bearer "+secret)
							start := time.Now()
							res, err := client.Do(req)
							if err != nil {
								b.Error(err)
								return
							}
							res.Body.Close()
							mine = append(mine, time.Since(start))
							if res.StatusCode != http.StatusOK {
								b.Errorf("%s: status %d", page.path, res.StatusCode)
								return
							}
						}
						mu.Lock()
						took = append(took, mine...)
						mu.Unlock()
					})
					slices.Sort(took)
					if len(took) > 0 {
						b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
						b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
				})
			}
		})
	}
}
