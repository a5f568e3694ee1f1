package app_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/gen"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

// BenchmarkWebImport previews and applies, over real HTTP, an HR export of 100,000 people that
// columns rungs does not read pad to 60 MiB (an HR system's export has dozens), into an
// empty database, and reports the seconds each step took and the Go heap's peak.
func BenchmarkWebImport(b *testing.B) {
	const people, size = 100_000, 60 << 20
	file := paddedOrgCSV(b, people, size)
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				s := benchStore(b, backend)
				ctx := context.Background()
				head, err := s.CreatePerson(ctx, store.Person{Name: "Ada Admin", Email: "ada@example.com", StartDate: time.Now()})
				if err != nil {
					b.Fatal(err)
				}
				acct, err := access.CreateAccount(ctx, s, head.ID, passwordHash(), store.Admin)
				if err != nil {
					b.Fatal(err)
				}
				token, _, err := access.CreateSession(ctx, s, access.Session{AccountID: acct.ID, ExpiresAt: time.Now().Add(time.Hour)})
				if err != nil {
					b.Fatal(err)
				}
				f, site := bundled()
				a, err := app.New(app.Config{Store: s, Site: site, MaxImportFile: 64 << 20}, f)
				if err != nil {
					b.Fatal(err)
				}
				srv := httptest.NewServer(a)
				jar, _ := cookiejar.New(nil)
				u, _ := url.Parse(srv.URL)
				jar.SetCookies(u, []*http.Cookie{{Name: "rungs_session", Value: token}})
				c := &http.Client{Jar: jar}
				b.StartTimer()

				peak := newHeapPeak()
				start := time.Now()
				page := postImport(b, c, srv.URL+"/import", csrfOf(b, c, srv.URL+"/import"), file)
				preview := time.Since(start)
				key := regexp.MustCompile(`name="upload" value="([^"]+)"`).FindStringSubmatch(page)
				if key == nil {
					b.Fatalf("no upload key in the preview:\n%.2000s", page)
				}
				start = time.Now()
				res, err := c.PostForm(srv.URL+"/import/apply", url.Values{"csrf": {csrfOf(b, c, srv.URL+"/import")}, "upload": {key[1]}})
				if err != nil {
					b.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				// Followed to the import's page, which reloads itself until the import ends.
				for res.StatusCode == http.StatusOK && res.Header.Get("Refresh") != "" {
					time.Sleep(100 * time.Millisecond)
					if res, err = c.Get(res.Request.URL.String()); err != nil {
						b.Fatal(err)
					}
					body, _ = io.ReadAll(res.Body)
					res.Body.Close()
				}
				if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "Imported hr.csv") {
					b.Fatalf("apply: %d\n%.2000s", res.StatusCode, body)
				}
				applied := time.Since(start)
				b.StopTimer()
				b.ReportMetric(preview.Seconds(), "preview-s")
				b.ReportMetric(applied.Seconds(), "apply-s")
				b.ReportMetric(float64(peak.stop())/(1<<20), "peak-heap-MiB")
				if n, err := s.CountPeople(ctx, store.PeopleFilter{}); err != nil || n != people+1 {
					b.Fatalf("%d people after the import, want %d: %v", n, people+1, err)
				}
				srv.Close()
				s.Close()
				b.StartTimer()
			}
		})
	}
}

// paddedOrgCSV is gen.Org's people as an HR export, with a Notes column filling it to size.
func paddedOrgCSV(b *testing.B, people, size int) []byte {
	var plain bytes.Buffer
	if err := gen.WriteOrgCSV(&plain, gen.Org(people)); err != nil {
		b.Fatal(err)
	}
	pad := (size - plain.Len()) / (people + 1)
	var out bytes.Buffer
	sc := bufio.NewScanner(&plain)
	for first := true; sc.Scan(); first = false {
		out.WriteString(sc.Text())
		if first {
			out.WriteString(",Notes\n")
			continue
		}
		out.WriteString(",")
		out.WriteString(strings.Repeat("x", max(0, pad-2)))
		out.WriteString("\n")
	}
	return out.Bytes()
}

// csrfOf is the CSRF token of the form on the page at u.
func csrfOf(b *testing.B, c *http.Client, u string) string {
	res, err := c.Get(u)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		b.Fatalf("no CSRF token at %s (%d)", u, res.StatusCode)
	}
	return string(m[1])
}

// postImport uploads file as the import form does and returns the page that answers.
func postImport(b *testing.B, c *http.Client, u, csrf string, file []byte) string {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", "hr.csv")
	_, _ = fw.Write(file)
	_ = mw.Close()
	res, err := c.Post(u, mw.FormDataContentType(), &body)
	if err != nil {
		b.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b.Fatalf("preview: %d\n%.2000s", res.StatusCode, page)
	}
	return string(page)
}

// heapPeak samples the Go heap's size until stopped, and returns the largest seen.
type heapPeak struct {
	done chan struct{}
	peak chan uint64
}

func newHeapPeak() *heapPeak {
	h := &heapPeak{done: make(chan struct{}), peak: make(chan uint64)}
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var most uint64
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			most = max(most, sample[0].Value.Uint64())
			select {
			case <-h.done:
				h.peak <- most
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

func (h *heapPeak) stop() uint64 { close(h.done); return <-h.peak }
