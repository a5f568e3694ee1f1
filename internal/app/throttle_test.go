package app_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/storetest"
)

// Guessing slows down, twice as much at every failure past the free ones, and never locks:
// the person signs in from another address meanwhile, and from the guesser's address once
// the wait is over. Each wait is recorded once, however many tries it refuses.
func TestLoginThrottling(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		clock := newTestClock()
		e := newEnv(t, cfg, behindProxy, withClock(clock))
		e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		guesser := func() *client { return e.client().at("198.51.100.66") }
		for i := range 5 {
			if res := guesser().login("ada@example.com", "wrong password "+strconv.Itoa(i)); res.status != http.StatusUnauthorized {
				t.Fatalf("failure %d: status %d", i+1, res.status)
			}
		}
		// The guesser must wait now, right password or not, and learns nothing from trying.
		for range 10 {
			res := guesser().login("ada@example.com", testPassword)
			if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") != "15" {
				t.Fatalf("after 5 failures: status %d, Retry-After %q; want 429 and 15", res.status, res.header.Get("Retry-After"))
			}
		}
		// Ada is not locked out: from where she is, she signs in.
		if res := e.client().at("203.0.113.10").login("ada@example.com", testPassword); res.status != http.StatusSeeOther {
			t.Fatalf("Ada from her own address while the guesser waits: status %d", res.status)
		}
		// After the wait one more guess is checked, and the next wait is twice as long.
		clock.advance(15 * time.Second)
		if res := guesser().login("ada@example.com", "wrong again"); res.status != http.StatusUnauthorized {
			t.Fatalf("after the wait: status %d, want a checked guess", res.status)
		}
		if res := guesser().login("ada@example.com", testPassword); res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") != "30" {
			t.Fatalf("after 6 failures: status %d, Retry-After %q; want 429 and 30", res.status, res.header.Get("Retry-After"))
		}
		clock.advance(30 * time.Second)
		if res := guesser().login("ada@example.com", testPassword); res.status != http.StatusSeeOther {
			t.Fatalf("the right password after the second wait: status %d", res.status)
		}
		n, err := e.store.CountAudit(e.ctx, store.AuditFilter{Action: "login.throttled"})
		if err != nil || n != 2 {
			t.Errorf("%d throttled entries in the audit log (%v), want 2: one per wait, not one per refused try", n, err)
		}
		if n, err := e.store.CountAudit(e.ctx, store.AuditFilter{Action: "login.failed"}); err != nil || n != 6 {
			t.Errorf("%d failed sign-ins in the audit log (%v), want 6", n, err)
		}
	})
}

// One address guessing at many accounts waits after 20 failures, whatever the email; other
// addresses are not slowed by it.
func TestLoginThrottlingByAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)}, behindProxy)
	e.person("Bo Member", "bo@example.com", 0, store.Member)
	for i := range 20 {
		if res := e.client().at("198.51.100.7").login("nobody"+strconv.Itoa(i)+"@example.com", "wrong password"); res.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d", i+1, res.status)
		}
	}
	if res := e.client().at("198.51.100.7").login("bo@example.com", testPassword); res.status != http.StatusTooManyRequests {
		t.Fatalf("after 20 failures from one address: status %d, want 429", res.status)
	}
	if res := e.client().at("198.51.100.8").login("bo@example.com", testPassword); res.status != http.StatusSeeOther {
		t.Fatalf("from another address: status %d", res.status)
	}
}

// Guesses at one account from many addresses (a botnet) wait after 50, except at an address
// the person has signed in from: they keep signing in where they always do.
func TestLoginThrottlingFromManyAddresses(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)}, behindProxy)
	e.person("Ada Admin", "ada@example.com", 0, store.Admin)
	if res := e.client().at("203.0.113.10").login("ada@example.com", testPassword); res.status != http.StatusSeeOther {
		t.Fatalf("Ada's usual sign-in: status %d", res.status)
	}
	for i := range 50 {
		addr := "198.51.100." + strconv.Itoa(i+1)
		if res := e.client().at(addr).login("ada@example.com", "wrong password"); res.status != http.StatusUnauthorized {
			t.Fatalf("failure %d from %s: status %d", i+1, addr, res.status)
		}
	}
	if res := e.client().at("198.51.100.200").login("ada@example.com", testPassword); res.status != http.StatusTooManyRequests {
		t.Fatalf("from a new address after 50 failures from many: status %d, want 429", res.status)
	}
	if res := e.client().at("203.0.113.10").login("ada@example.com", testPassword); res.status != http.StatusSeeOther {
		t.Fatalf("from Ada's usual address: status %d", res.status)
	}
}

// Guesses sent all at once are counted as if one after another, and an email without an
// account is throttled like one with: the answers cannot tell which emails have accounts.
func TestLoginThrottlingHoldsUnderLoad(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		for _, email := range []string{"ada@example.com", "nobody@example.com"} {
			statuses := make([]int, 12)
			done := make(chan struct{})
			for i := range statuses {
				go func() {
					defer func() { done <- struct{}{} }()
					statuses[i] = e.client().login(email, "wrong password "+strconv.Itoa(i)).status
				}()
			}
			for range statuses {
				<-done
			}
			counts := map[int]int{}
			for _, st := range statuses {
				counts[st]++
			}
			if counts[http.StatusUnauthorized] != 5 || counts[http.StatusTooManyRequests] != 7 {
				t.Errorf("%s, 12 guesses at once: statuses %v, want 5 × 401 and 7 × 429", email, counts)
			}
		}
		n, err := e.store.CountAudit(e.ctx, store.AuditFilter{Action: "login.failed"})
		if err != nil || n != 10 {
			t.Errorf("audit has %d failed logins (%v), want 10", n, err)
		}
	})
}

// With every password slot taken, a sign-in is answered 503 with Retry-After, at once: the
// server never holds more hashes than its pool.
func TestPasswordPoolFull(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)}, withPool(auth.Pool{Slots: 1}))
	e.person("Ada Admin", "ada@example.com", 0, store.Admin)
	c := e.client()
	c.csrf() // the sign-in page first, as a browser would
	release, err := e.app.Hasher().Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	res := c.login("ada@example.com", testPassword)
	release()
	if res.status != http.StatusServiceUnavailable || res.header.Get("Retry-After") == "" {
		t.Fatalf("with the pool full: status %d, Retry-After %q; want 503 with Retry-After", res.status, res.header.Get("Retry-After"))
	}
	mustContain(t, res.body, "Try again in a few seconds")
	if res := c.login("ada@example.com", testPassword); res.status != http.StatusSeeOther {
		t.Fatalf("with a slot free: status %d", res.status)
	}
	if n, _ := e.store.CountAudit(e.ctx, store.AuditFilter{Action: "login.failed"}); n != 0 {
		t.Errorf("a sign-in refused for a full pool was counted as a failure (%d)", n)
	}
}
