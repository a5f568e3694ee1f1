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
	"strings"
	"time"
	"unicode"

	"github.com/rungs/rungs/internal/gen"
)

// The pages of a large organisation's people app, each measured on its own (scripts/load
// pages): what an admin, a manager of many, a manager of a few and anyone else see, with
// gen.Org's organisation in the database.

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

// Roles lists the cast with the role each one's account has, as `email role` pairs.
func (c Cast) Roles() [][2]string {
	return [][2]string{{c.Admin, "admin"}, {c.VP, "member"}, {c.Lead, "member"}, {c.Member, "member"}}
}

// Page is one page to measure: its name in the table, who asks for it (a signed-in client
// whose cookies every connection takes), and the path of each request.
type Page struct {
	Name string
	As   *Client
	Path func(c *Client) string
}

var personLinkRE = regexp.MustCompile(`href="/people/(\d+)"`)

// OrgPages signs the cast of org in at base, each with password, and returns the pages the
// issue of 100,000 people names: an admin's list, their searches (gen.Searches, in turn), a
// person's page as an admin (the people those searches find), the lists of the VP and of the
// lead, and the member's own page.
func OrgPages(ctx context.Context, base, password string, org []gen.Employee) ([]Page, error) {
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
	return []Page{
		{"admin list", admin, fixed("/people")},
		{"admin search", admin, func(c *Client) string { return "/people?q=" + url.QueryEscape(searches[c.Rand.IntN(len(searches))]) }},
		{"admin person page", admin, func(c *Client) string { return "/people/" + ids[c.Rand.IntN(len(ids))] }},
		{"manager list, " + strconv.Itoa(org[gen.OrgVP].Below) + " below", signedIn[cast.VP], fixed("/people")},
		{"manager list, " + strconv.Itoa(org[gen.OrgLead(len(org))].Below) + " below", signedIn[cast.Lead], fixed("/people")},
		{"own page", signedIn[cast.Member], fixed("/people/" + self[1])},
	}, nil
}

// Chosen returns the pages whose names hold one of the words of only (separated by commas
// or spaces), or all of them when only is empty. Words that choose no page are an error: a
// run that measures nothing must not pass for one that measured.
func Chosen(pages []Page, only string) ([]Page, error) {
	words := strings.FieldsFunc(only, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	if len(words) == 0 {
		return pages, nil
	}
	var out []Page
	for _, p := range pages {
		for _, w := range words {
			if strings.Contains(p.Name, w) {
				out = append(out, p)
				break
			}
		}
	}
	if len(out) == 0 {
		var names []string
		for _, p := range pages {
			names = append(names, p.Name)
		}
		return nil, fmt.Errorf("no page is named with any of %q: the pages are %s", words, strings.Join(names, "; "))
	}
	return out, nil
}

// Scenario asks for the page as its client's viewer; any answer but 200 is an error.
func (p Page) Scenario() Scenario {
	return Scenario{p.Name, 1, func(ctx context.Context, c *Client) error {
		st, _, err := c.GetBytes(ctx, p.Path(c))
		return Expect(st, err, http.StatusOK)
	}}
}

// LoadPage measures one page: conns connections, all signed in as its viewer, ask for it as
// fast as they are answered, for warm (not counted) and then for d. cpuOf are as Run's.
func LoadPage(ctx context.Context, base string, p Page, conns int, warm, d time.Duration, cpuOf []int) (*Report, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	cookies := p.As.HTTP.Jar.Cookies(u)
	run := Run{Base: base, Connections: conns, Duration: warm, CPUOf: cpuOf,
		Scenarios: []Scenario{p.Scenario()},
		Setup: func(_ context.Context, c *Client) error {
			c.HTTP.Jar.SetCookies(u, cookies)
			return nil
		}}
	clients, err := run.Prepare(ctx)
	if err != nil {
		return nil, err
	}
	if warm > 0 {
		run.Measure(ctx, clients)
	}
	run.Duration = d
	return run.Measure(ctx, clients), nil
}

// PageTable writes the reports of pages measured one at a time (LoadPage) as one Markdown
// table: answers, answers a second, median, p99 and slowest latency, errors, and the CPU time
// per answer of the server (when measured), of the database's server within it, and of the
// load generator.
func PageTable(w io.Writer, reports []*Report) {
	fmt.Fprintf(w, "| %-28s | %8s | %7s | %8s | %8s | %8s | %6s | %10s | %10s | %10s |\n", "page", "answers", "req/s", "p50", "p99", "max", "errors", "server CPU", "of it, db", "client CPU")
	fmt.Fprintf(w, "|%s|%s:|%s:|%s:|%s:|%s:|%s:|%s:|%s:|%s:|\n", strings.Repeat("-", 30), strings.Repeat("-", 9), strings.Repeat("-", 8),
		strings.Repeat("-", 9), strings.Repeat("-", 9), strings.Repeat("-", 9), strings.Repeat("-", 7), strings.Repeat("-", 11), strings.Repeat("-", 11), strings.Repeat("-", 11))
	for _, r := range reports {
		for _, s := range r.Pages {
			n := len(s.Latencies)
			fmt.Fprintf(w, "| %-28s | %8d | %7.1f | %8s | %8s | %8s | %6d | %10s | %10s | %10s |\n", s.Name, n,
				float64(n)/r.Elapsed.Seconds(), ms(s.Percentile(50)), ms(s.Percentile(99)), ms(s.Percentile(100)), s.Errors,
				perAnswer(r.CPU, n), perAnswer(r.Database, n), perAnswer(r.Client, n))
		}
	}
	for _, r := range reports {
		for _, s := range r.Pages {
			if s.FirstErr != "" {
				fmt.Fprintf(w, "\nfirst error of %s: %s\n", s.Name, s.FirstErr)
			}
		}
	}
}
