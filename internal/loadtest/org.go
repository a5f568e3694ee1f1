package loadtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/rungs/rungs/internal/gen"
)

// The pages of a large organisation's people app, each measured on its own: what an admin, a
// manager of many, a manager of a few and anyone else see, with gen.Org's organisation in the
// database (scripts/load-people imports it).

// Cast is who a load of gen.Org's organisation signs in as: an admin (the head), the VP with
// 11,110 people below them, the lead of eleven, and someone without reports.
type Cast struct{ Admin, VP, Lead, Member string }

// CastOf returns the cast of org.
func CastOf(org []gen.Employee) Cast {
	c := Cast{Admin: org[gen.OrgHead].Email, VP: org[gen.OrgVP].Email, Lead: org[gen.OrgLead(len(org))].Email}
	for _, e := range org[len(org)/2:] {
		if e.Below == 0 && e.Status == "active" && e.Level != "" {
			c.Member = e.Email
			break
		}
	}
	return c
}

// Roles lists the cast with the role each one's account has.
func (c Cast) Roles() [][2]string {
	return [][2]string{{c.Admin, "admin"}, {c.VP, "member"}, {c.Lead, "member"}, {c.Member, "member"}}
}

// OrgPage is one page to measure: who asks for it, and the path of each request.
type OrgPage struct {
	Name string
	As   *Client // signed in
	Path func(c *Client) string
}

var personLinkRE = regexp.MustCompile(`href="/people/(\d+)"`)

// OrgPages signs the cast of org in at base and returns the pages: an admin's list, their
// searches (gen.Searches, in turn), a person's page as an admin (the people those searches
// find), the lists of the VP and of the lead, and the member's own page.
func OrgPages(ctx context.Context, base, password string, org []gen.Employee) ([]OrgPage, error) {
	cast := CastOf(org)
	signedIn := map[string]*Client{}
	for i, who := range cast.Roles() {
		c := NewClient(base, uint64(1000+i))
		if err := SignIn(ctx, c, who[0], password); err != nil {
			return nil, err
		}
		signedIn[who[0]] = c
	}
	admin := signedIn[cast.Admin]
	searches := gen.Searches(org)
	// People to look at: those the searches find, as an admin comes to them.
	var ids []string
	for _, q := range searches[:40] {
		st, body, err := admin.Get(ctx, "/people?q="+url.QueryEscape(q))
		if err := Expect(st, err, http.StatusOK); err != nil {
			return nil, fmt.Errorf("search %q: %w", q, err)
		}
		for _, m := range personLinkRE.FindAllStringSubmatch(body, -1) {
			ids = append(ids, m[1])
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return nil, fmt.Errorf("the searches found no one: is the database the one gen.Org(%d) makes?", len(org))
	}
	// Anyone's own page is linked first on their list of people, under "You".
	st, own, err := signedIn[cast.Member].Get(ctx, "/people")
	if err := Expect(st, err, http.StatusOK); err != nil {
		return nil, fmt.Errorf("%s's people: %w", cast.Member, err)
	}
	self := personLinkRE.FindStringSubmatch(own)
	if self == nil {
		return nil, fmt.Errorf("no link to %s's own page on their list", cast.Member)
	}
	fixed := func(p string) func(*Client) string { return func(*Client) string { return p } }
	return []OrgPage{
		{"admin list", admin, fixed("/people")},
		{"admin search", admin, func(c *Client) string { return "/people?q=" + url.QueryEscape(searches[c.Rand.IntN(len(searches))]) }},
		{"admin person page", admin, func(c *Client) string { return "/people/" + ids[c.Rand.IntN(len(ids))] }},
		{"manager list, " + strconv.Itoa(org[gen.OrgVP].Below) + " below", signedIn[cast.VP], fixed("/people")},
		{"manager list, " + strconv.Itoa(org[gen.OrgLead(len(org))].Below) + " below", signedIn[cast.Lead], fixed("/people")},
		{"own page", signedIn[cast.Member], fixed("/people/" + self[1])},
	}, nil
}

// PageResult is what loading one page measured.
type PageResult struct {
	*Stats
	Elapsed time.Duration
	CPU     time.Duration // the server's, while measured (see CPU); 0 without its processes
}

// LoadPage has conns connections, all signed in as the page's viewer, ask for the page as
// fast as they are answered: for warm, not counted, then for d. cpuOf are the server's
// processes (rungs, and the database's server), whose CPU time is measured too.
func LoadPage(ctx context.Context, base string, p OrgPage, conns int, warm, d time.Duration, cpuOf []int) (PageResult, error) {
	u, err := url.Parse(base)
	if err != nil {
		return PageResult{}, err
	}
	cookies := p.As.HTTP.Jar.Cookies(u)
	run := Run{Base: base, Connections: conns, Scenarios: []Scenario{{p.Name, 1, func(ctx context.Context, c *Client) error {
		st, _, err := c.Get(ctx, p.Path(c))
		return Expect(st, err, http.StatusOK)
	}}}, Setup: func(_ context.Context, c *Client) error {
		c.HTTP.Jar.SetCookies(u, cookies)
		return nil
	}}
	clients, err := run.Prepare(ctx)
	if err != nil {
		return PageResult{}, err
	}
	run.Duration = warm
	run.Measure(ctx, clients)
	run.Duration = d
	before := CPU(cpuOf)
	rep := run.Measure(ctx, clients)
	res := PageResult{Stats: rep.Pages[0], Elapsed: rep.Elapsed}
	if len(cpuOf) > 0 {
		res.CPU = CPU(cpuOf) - before
	}
	return res, nil
}

// PageTable writes results as a Markdown table: answers a second, median, p99 and slowest
// latency, errors, and the server's CPU time per answer.
func PageTable(w io.Writer, results []PageResult) {
	fmt.Fprintln(w, "| page | req/s | p50 | p99 | max | errors | server CPU per request |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|")
	for _, r := range results {
		cpu := "-"
		if n := len(r.Latencies); r.CPU > 0 && n > 0 {
			cpu = ms(r.CPU / time.Duration(n))
		}
		fmt.Fprintf(w, "| %s | %.0f | %s | %s | %s | %d | %s |\n", r.Name, float64(len(r.Latencies))/r.Elapsed.Seconds(),
			ms(r.Percentile(50)), ms(r.Percentile(99)), ms(r.Percentile(100)), r.Errors, cpu)
	}
	for _, r := range results {
		if r.FirstErr != "" {
			fmt.Fprintf(w, "\nfirst error of %s: %s\n", r.Name, r.FirstErr)
		}
	}
}
