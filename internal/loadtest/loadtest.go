// Package loadtest drives a running rungs server over HTTP with a mix of requests and reports,
// per kind of request, how many were answered, how fast and how many failed. A Run is a set
// of weighted Scenarios sent by a number of connections for a while; beside it, Background
// work (slow bodies, sign-ins) can press on the server, reported apart. scripts/load uses it
// through cmd/loadtest; other measurements (a large organisation's page latency) add
// scenarios of their own.
package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Client is one connection's browser: its own cookies and keep-alive connection, the
// server's address, and what its setup learned (a session, a CSRF token). Like a
// connection, it sends one request at a time: Get and Post on a connection of its own (see
// conn), with HTTP's cookie jar; HTTP itself is there for requests a test makes its own way.
type Client struct {
	HTTP *http.Client
	Base string // http://host:port, no trailing slash
	CSRF string // the form token of the client's session, once signed in
	Rand *rand.Rand
	conn *conn        // the connection Get and Post send on, once opened
	body bytes.Buffer // the answers' bodies are read into it, one after another (see send)
}

// NewClient returns a client of base that keeps cookies and does not follow redirects (a
// redirect is an answer to check, not a page to load).
func NewClient(base string, seed uint64) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{
		HTTP: &http.Client{Jar: jar, Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		Base: strings.TrimSuffix(base, "/"),
		Rand: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
	}
}

// Get fetches path and returns the status and body.
func (c *Client) Get(ctx context.Context, path string) (int, string, error) {
	st, body, err := c.GetBytes(ctx, path)
	return st, string(body), err
}

// GetBytes is Get for an answer that is checked and let go: its body is the client's own
// buffer, good until the client's next request. A load's clients share the machine with the
// server they measure, and copying each answer into a string of its own (100 KB for a
// person's side by side) was most of what they allocated.
func (c *Client) GetBytes(ctx context.Context, path string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+path, nil)
	if err != nil {
		return 0, nil, err
	}
	res, err := c.roundTrip(req.Context(), req)
	if err != nil {
		return 0, nil, err
	}
	return res.StatusCode, c.body.Bytes(), nil
}

// Post sends a form to path, with the client's CSRF token, and returns the status and body.
func (c *Client) Post(ctx context.Context, path string, form map[string]string) (int, string, error) {
	var b strings.Builder
	b.WriteString("csrf=" + urlEncode(c.CSRF))
	for k, v := range form {
		b.WriteString("&" + urlEncode(k) + "=" + urlEncode(v))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+path, strings.NewReader(b.String()))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.send(req)
}

// send sends req on the client's connection (see conn) and returns the answer's status and
// body.
func (c *Client) send(req *http.Request) (int, string, error) {
	res, err := c.roundTrip(req.Context(), req)
	if err != nil {
		return 0, "", err
	}
	return res.StatusCode, c.body.String(), nil
}

// Scenario is one kind of request: its name in the report, how often it is sent relative to
// the others, and the request itself, which returns an error when the answer is wrong.
type Scenario struct {
	Name   string
	Weight int
	Do     func(ctx context.Context, c *Client) error
}

// Expect is an error unless status is one of want.
func Expect(status int, err error, want ...int) error {
	if err != nil {
		return err
	}
	if !slices.Contains(want, status) {
		return fmt.Errorf("status %d, want %v", status, want)
	}
	return nil
}

// Run sends Scenarios from Connections clients for Duration, or until Requests have been
// answered when that is set (a benchmark's b.N; Duration 0 is then no time limit). Setup,
// when set, prepares each client first (signs in), outside the measured time. CPUOf, when
// set, are the process ids of the server (and of its database's server, after it) whose CPU
// time the run measures: see CPU.
type Run struct {
	Base        string
	Connections int
	Duration    time.Duration
	Requests    int
	Scenarios   []Scenario
	Setup       func(ctx context.Context, c *Client) error
	CPUOf       []int
}

// databaseCPU is the CPU time the database's server (CPUOf after the first) has used so far.
func (r Run) databaseCPU() time.Duration {
	if len(r.CPUOf) < 2 {
		return 0
	}
	return CPU(r.CPUOf[1:])
}

// Stats are the answers to one kind of request.
type Stats struct {
	Name      string
	Latencies []time.Duration // of every answer, errors included
	Errors    int
	FirstErr  string
}

// Report is what a run measured.
type Report struct {
	Elapsed time.Duration
	Pages   []*Stats
	CPU     time.Duration // the CPU time of the run's CPUOf meanwhile; 0 without them
	// Database is the part of CPU that the database's server used (CPUOf after the first):
	// where the rest of an answer's time went, and which of the two to make cheaper.
	Database time.Duration
	// Client is the CPU time this process (the load's clients) used meanwhile: on a machine
	// shared with the server, what the load takes from it.
	Client time.Duration
}

// Do prepares r's clients and measures: Prepare, then Measure.
func (r Run) Do(ctx context.Context) (*Report, error) {
	clients, err := r.Prepare(ctx)
	if err != nil {
		return nil, err
	}
	return r.Measure(ctx, clients), nil
}

// Prepare makes r's clients and sets each up.
func (r Run) Prepare(ctx context.Context) ([]*Client, error) {
	clients := make([]*Client, r.Connections)
	for i := range clients {
		clients[i] = NewClient(r.Base, uint64(i)+1)
		if r.Setup != nil {
			if err := r.Setup(ctx, clients[i]); err != nil {
				return nil, fmt.Errorf("set up connection %d: %w", i+1, err)
			}
		}
	}
	return clients, nil
}

// Measure sends r's scenarios from the clients until r's duration has passed, r's requests
// have all been sent, or ctx ends.
//
// The requests in flight when the duration is up are waited for and counted, not cancelled:
// a cancelled request stops the server's work in the middle, and on PostgreSQL each took its
// database connection with it (pgx closes a connection whose query is cancelled), so that a
// run after a warm-up began with the server opening connections again, and its first answers
// were its slowest.
func (r Run) Measure(ctx context.Context, clients []*Client) *Report {
	total := 0
	for _, s := range r.Scenarios {
		total += s.Weight
	}
	stats := make([][]*Stats, len(clients)) // per client, merged at the end: no lock per request
	cpu, client, db := CPU(r.CPUOf), CPU([]int{os.Getpid()}), r.databaseCPU()
	var sent atomic.Int64 // requests claimed, when r.Requests bounds the run
	start := time.Now()
	over := func() bool { return r.Duration > 0 && time.Since(start) >= r.Duration }
	var wg sync.WaitGroup
	for i, c := range clients {
		stats[i] = make([]*Stats, len(r.Scenarios))
		for j, s := range r.Scenarios {
			stats[i][j] = &Stats{Name: s.Name}
		}
		wg.Go(func() {
			for ctx.Err() == nil && !over() {
				if r.Requests > 0 && sent.Add(1) > int64(r.Requests) {
					return
				}
				j := pick(c.Rand, r.Scenarios, total)
				t0 := time.Now()
				err := r.Scenarios[j].Do(ctx, c)
				if ctx.Err() != nil {
					return // cut off by ctx's end: not an answer
				}
				st := stats[i][j]
				st.Latencies = append(st.Latencies, time.Since(t0))
				if err != nil {
					if st.Errors == 0 {
						st.FirstErr = err.Error()
					}
					st.Errors++
				}
			}
		})
	}
	wg.Wait()
	rep := &Report{Elapsed: time.Since(start), Client: CPU([]int{os.Getpid()}) - client}
	if len(r.CPUOf) > 0 {
		rep.CPU = CPU(r.CPUOf) - cpu
		rep.Database = r.databaseCPU() - db
	}
	for j, s := range r.Scenarios {
		merged := &Stats{Name: s.Name}
		for i := range clients {
			st := stats[i][j]
			merged.Latencies = append(merged.Latencies, st.Latencies...)
			if st.Errors > 0 && merged.FirstErr == "" {
				merged.FirstErr = st.FirstErr
			}
			merged.Errors += st.Errors
		}
		rep.Pages = append(rep.Pages, merged)
	}
	return rep
}

func pick(r *rand.Rand, s []Scenario, total int) int {
	n := r.IntN(total)
	for i, sc := range s {
		if n < sc.Weight {
			return i
		}
		n -= sc.Weight
	}
	return len(s) - 1
}

// Percentile is the latency below which p (0-100) of the answers came.
func (s *Stats) Percentile(p float64) time.Duration {
	if len(s.Latencies) == 0 {
		return 0
	}
	l := slices.Clone(s.Latencies)
	sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
	i := int(float64(len(l)-1) * p / 100)
	return l[i]
}

// Table writes the report as a Markdown table: requests, requests a second, median, p99 and
// slowest latency, and errors, per kind of request, then the total; and the server's CPU time
// per answer when the run measured it.
func (r *Report) Table(w io.Writer) {
	fmt.Fprintf(w, "| %-28s | %8s | %7s | %8s | %8s | %8s | %6s |\n", "request", "answers", "req/s", "p50", "p99", "max", "errors")
	fmt.Fprintf(w, "|%s|%s:|%s:|%s:|%s:|%s:|%s:|\n", strings.Repeat("-", 30), strings.Repeat("-", 9), strings.Repeat("-", 8),
		strings.Repeat("-", 9), strings.Repeat("-", 9), strings.Repeat("-", 9), strings.Repeat("-", 7))
	all := &Stats{Name: "all"}
	for _, s := range r.Pages {
		r.row(w, s)
		all.Latencies = append(all.Latencies, s.Latencies...)
		all.Errors += s.Errors
	}
	r.row(w, all)
	if n := len(all.Latencies); r.CPU > 0 && n > 0 {
		db := ""
		if r.Database > 0 {
			db = " (of it, the database's " + perAnswer(r.Database, n) + ")"
		}
		fmt.Fprintf(w, "\nCPU time per answer: server %s%s, load generator %s\n", perAnswer(r.CPU, n), db, perAnswer(r.Client, n))
	}
	for _, s := range r.Pages {
		if s.FirstErr != "" {
			fmt.Fprintf(w, "\nfirst error of %s: %s\n", s.Name, s.FirstErr)
		}
	}
}

func (r *Report) row(w io.Writer, s *Stats) {
	rate := float64(len(s.Latencies)) / r.Elapsed.Seconds()
	fmt.Fprintf(w, "| %-28s | %8d | %7.1f | %8s | %8s | %8s | %6d |\n", s.Name, len(s.Latencies), rate,
		ms(s.Percentile(50)), ms(s.Percentile(99)), ms(s.Percentile(100)), s.Errors)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }

// perAnswer is a CPU time shared among n answers, in milliseconds.
func perAnswer(d time.Duration, n int) string {
	if n == 0 || d <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fms", float64(d)/float64(n)/float64(time.Millisecond))
}

// Errors is how many answers were wrong, all kinds together.
func (r *Report) Errors() int {
	n := 0
	for _, s := range r.Pages {
		n += s.Errors
	}
	return n
}

func urlEncode(s string) string { return url.QueryEscape(s) }
