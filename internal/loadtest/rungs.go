package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The scenarios of rungs: the published ladder's pages, and the people app's pages and
// changes as a signed-in admin makes them.

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// SignIn signs c in through the form, as a browser does, and keeps the session's form token.
// A full password pool (503) is waited out, as its Retry-After says.
func SignIn(ctx context.Context, c *Client, email, password string) error {
	for {
		st, page, err := c.Get(ctx, "/login")
		if err := Expect(st, err, http.StatusOK); err != nil {
			return fmt.Errorf("sign-in page: %w", err)
		}
		m := csrfRE.FindStringSubmatch(page)
		if m == nil {
			return errors.New("no form token on the sign-in page")
		}
		c.CSRF = m[1]
		st, _, err = c.Post(ctx, "/login", map[string]string{"email": email, "password": password})
		if st == http.StatusServiceUnavailable {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Second):
				continue
			}
		}
		if err := Expect(st, err, http.StatusSeeOther); err != nil {
			return fmt.Errorf("sign in as %s: %w", email, err)
		}
		// The session's own token, for the forms to come.
		st, page, err = c.Get(ctx, "/account")
		if err := Expect(st, err, http.StatusOK); err != nil {
			return fmt.Errorf("account page: %w", err)
		}
		if m = csrfRE.FindStringSubmatch(page); m == nil {
			return errors.New("no form token on the account page")
		}
		c.CSRF = m[1]
		return nil
	}
}

var nextPageRE = regexp.MustCompile(`href="/people\?after=(\d+)`)

// People are the ids of up to most people in the database, found through the list as an
// admin, page after page.
func People(ctx context.Context, c *Client, most int) ([]int64, error) {
	var ids []int64
	seen := map[int64]bool{}
	for path := "/people?status=active"; path != "" && len(ids) < most; {
		st, page, err := c.Get(ctx, path)
		if err := Expect(st, err, http.StatusOK); err != nil {
			return nil, err
		}
		for _, m := range personLinkRE.FindAllStringSubmatch(page, -1) {
			id, _ := strconv.ParseInt(m[1], 10, 64)
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		path = ""
		if m := nextPageRE.FindStringSubmatch(page); m != nil {
			path = "/people?status=active&after=" + m[1]
		}
	}
	if len(ids) == 0 {
		return nil, errors.New("no people in the list")
	}
	return ids, nil
}

// Mixed is a day's traffic: mostly reading the ladder and people's pages (the list at any
// page, searches from searches), and one request in ten a change (a level change recorded, a
// sign-in link made).
func Mixed(people []int64, searches []string) []Scenario {
	person := func(c *Client) int64 { return people[c.Rand.IntN(len(people))] }
	get := func(path func(c *Client) string) func(ctx context.Context, c *Client) error {
		return func(ctx context.Context, c *Client) error {
			st, _, err := c.GetBytes(ctx, path(c))
			return Expect(st, err, http.StatusOK)
		}
	}
	fixed := func(p string) func(*Client) string { return func(*Client) string { return p } }
	levels := []string{"associate", "engineer", "senior", "staff", "principal"}
	return []Scenario{
		{"site: home", 10, get(fixed("/"))},
		{"site: level page", 20, get(func(c *Client) string { return "/ladders/engineering/" + levels[c.Rand.IntN(len(levels))] + "/" })},
		{"site: matrix", 5, get(fixed("/matrix/engineering/"))},
		{"app: people list", 15, get(func(c *Client) string { return "/people?after=" + strconv.FormatInt(person(c), 10) })},
		{"app: search", 10, get(func(c *Client) string { return "/people?q=" + urlEncode(searches[c.Rand.IntN(len(searches))]) })},
		{"app: person page", 20, get(func(c *Client) string { return "/people/" + strconv.FormatInt(person(c), 10) })},
		{"app: audit log", 5, get(fixed("/audit"))},
		{"write: level change", 8, func(ctx context.Context, c *Client) error {
			st, _, err := c.Post(ctx, "/people/"+strconv.FormatInt(person(c), 10)+"/levels", map[string]string{
				"level": "engineering/" + levels[c.Rand.IntN(len(levels))], "track": "product", "reason": "correction",
				"date": "2025-01-02", "note": "load test"})
			return Expect(st, err, http.StatusSeeOther)
		}},
		{"write: sign-in link", 2, func(ctx context.Context, c *Client) error {
			st, _, err := c.Post(ctx, "/people/"+strconv.FormatInt(person(c), 10)+"/sign-in-link", nil)
			return Expect(st, err, http.StatusOK)
		}},
	}
}

// Reads are ordinary pages only, for the connections that check the server still answers
// while it is pressed by other work.
func Reads(people []int64, searches []string) []Scenario {
	var out []Scenario
	for _, s := range Mixed(people, searches) {
		if !strings.HasPrefix(s.Name, "write:") {
			out = append(out, s)
		}
	}
	return out
}

// Tally counts outcomes by name, safe for concurrent use.
type Tally struct {
	mu     sync.Mutex
	counts map[string]int
}

// Add counts one outcome.
func (t *Tally) Add(what string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.counts == nil {
		t.counts = map[string]int{}
	}
	t.counts[what]++
}

// String lists the outcomes and their counts.
func (t *Tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var parts []string
	for k, v := range t.counts {
		parts = append(parts, fmt.Sprintf("%s: %d", k, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// SlowBodies keeps n connections each sending a sign-in form one byte a second, as a
// slow-loris attacker does, until ctx ends; each opens again when the server cuts it off.
// It counts how each connection ended.
func SlowBodies(ctx context.Context, base string, n int, t *Tally) {
	addr := strings.TrimPrefix(base, "http://")
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for ctx.Err() == nil {
				t.Add(slowBody(ctx, addr))
			}
		})
	}
	wg.Wait()
}

func slowBody(ctx context.Context, addr string) string {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		if ctx.Err() != nil {
			return "run over"
		}
		return "dial failed: " + strings.TrimPrefix(err.Error(), "dial tcp "+addr+": ")
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if _, err := io.WriteString(conn, "POST /login HTTP/1.1\r\nHost: "+addr+"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"); err != nil {
		return "cut off"
	}
	var answer atomic.Value
	go func() { // the server's answer, if any, when it gives up on the body
		b := make([]byte, 64)
		if n, _ := conn.Read(b); n > 0 {
			line, _, _ := strings.Cut(string(b[:n]), "\r\n")
			answer.Store(line)
		}
		conn.Close()
	}()
	for ctx.Err() == nil {
		if _, err := conn.Write([]byte("x")); err != nil {
			if ctx.Err() != nil {
				return "run over"
			}
			if a, ok := answer.Load().(string); ok {
				return "answered " + strings.TrimPrefix(a, "HTTP/1.1 ") + " and closed by the server"
			}
			return "closed by the server"
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
	return "run over"
}

// SignIns signs in again and again from n clients at once, with the right password (each
// hash costs the server its memory), and counts the answers: 303 signed in, 503 the
// password pool was full.
func SignIns(ctx context.Context, base, email, password string, n int, t *Tally) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			for ctx.Err() == nil {
				c := NewClient(base, uint64(1000+i))
				st, page, err := c.Get(ctx, "/login")
				if err != nil || st != http.StatusOK {
					if ctx.Err() == nil {
						t.Add(fmt.Sprintf("sign-in page failed (%d %v)", st, err))
					}
					continue
				}
				if m := csrfRE.FindStringSubmatch(page); m != nil {
					c.CSRF = m[1]
				}
				st, _, err = c.Post(ctx, "/login", map[string]string{"email": email, "password": password})
				switch {
				case ctx.Err() != nil:
				case err != nil:
					t.Add("error: " + err.Error())
				default:
					t.Add(strconv.Itoa(st) + " " + http.StatusText(st))
				}
			}
		})
	}
	wg.Wait()
}

// PeakRSS is the most memory process pid has held (VmHWM), in bytes.
func PeakRSS(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, errors.New("no VmHWM in /proc/" + strconv.Itoa(pid) + "/status")
}
