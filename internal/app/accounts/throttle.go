package accounts

import (
	"context"
	"hash/fnv"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
)

// Password guessing is slowed, never locked: after a few free failures each further try
// must wait, twice as long as the one before, from the last failure. Nothing here can keep a
// person out for good, and a stranger's guesses cannot make a person wait where they sign in:
//
//   - per email and client address: the guesses of one client at one account;
//   - per client address, whatever the email: one client trying many accounts;
//   - per email from addresses that never signed in to it: many clients at one account (a
//     botnet), without slowing the person down at the addresses they use.
//
// A second factor's codes are throttled alike, counted apart from the passwords (but with
// them in the count per address), with "two-factor: " before the email in the detail.
//
// The counts are read from the audit log, which records every wrong password ("login.failed",
// with the email as typed, whether or not it is anyone's, so that the answers cannot tell
// which emails have accounts), so they hold across several rungs processes. A try refused
// while waiting is not checked and not recorded one by one: the first refusal of each wait
// is recorded once ("login.throttled"), however many follow it.

// Throttling limits.
const (
	throttleWindow      = time.Hour // failures older than this are forgotten
	freePairFailures    = 5
	freeAddressFailures = 20
	freeAccountFailures = 50
	firstWait           = 15 * time.Second
	longestWait         = 15 * time.Minute
)

// waitAfter is how long a try must wait after the last of n failures when free of them are
// allowed without waiting: firstWait after the free ones, doubling with each failure after.
func waitAfter(n, free int) time.Duration {
	if n < free {
		return 0
	}
	d := firstWait
	for range n - free {
		if d *= 2; d >= longestWait {
			return longestWait
		}
	}
	return d
}

// guessLocks make the checks of one email or one address wait for each other within a
// process, from the count to the record of the outcome: otherwise many guesses sent at once
// would all be counted against the failures before any of them. Across n processes, up to n
// guesses can still run at once. Striped, so the memory is fixed however many keys are seen.
var guessLocks [64]sync.Mutex

// guess is one password check, holding the locks of its email and address until done.
type guess struct {
	srv     *web.Server
	r       *http.Request
	key     string // the detail failures are recorded and counted by
	address string
	subject int64 // the person whose password it is, 0 when the email is no one's
	locks   []*sync.Mutex
}

// What is guessed: a password, or a second factor (a code or a recovery code) after the
// right password. Each is counted apart, by the email address it is for.
const (
	guessPassword = "email: "
	guessCode     = "two-factor: "
)

// startGuess takes the locks for a check of email's password (what is guessPassword) or
// second factor (guessCode) from r's address; subject is the person the email is, or 0.
func startGuess(srv *web.Server, r *http.Request, what, email string, subject int64) *guess {
	g := &guess{srv: srv, r: r, key: what + strings.ToLower(web.Truncate(strings.TrimSpace(email), 254)),
		address: srv.ClientAddress(r), subject: subject}
	i, j := stripe(g.key), stripe("address: "+g.address)
	// Always in the same order, so two checks cannot each hold the lock the other waits for.
	g.locks = []*sync.Mutex{&guessLocks[min(i, j)]}
	if i != j {
		g.locks = append(g.locks, &guessLocks[max(i, j)])
	}
	for _, l := range g.locks {
		l.Lock()
	}
	return g
}

func stripe(key string) int {
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % uint32(len(guessLocks)))
}

// done releases the guess's locks.
func (g *guess) done() {
	for i := len(g.locks) - 1; i >= 0; i-- {
		g.locks[i].Unlock()
	}
}

// scope is one of the three counts: the failures it counts, how many are free, and the
// detail its refusals are recorded under.
type scope struct {
	failures store.AuditFilter
	free     int
	refusal  store.AuditFilter
}

// wait says how long the guess must wait before it may be checked: 0 when it may be now. A
// first refusal in a wait is recorded in the audit log.
func (g *guess) wait(ctx context.Context) (time.Duration, error) {
	s := g.srv.Store()
	now := g.srv.Now()
	since := now.Add(-throttleWindow)
	pairSince, accountSince := since, since
	knownHere := false
	if g.subject != 0 {
		// Failures before a sign-in do not count against the next ones: only those in a row.
		here, err := newest(ctx, s, store.AuditFilter{Action: "login", Subject: g.subject, Address: g.address})
		if err != nil {
			return 0, err
		}
		knownHere = !here.IsZero()
		pairSince = later(pairSince, here)
		anywhere, err := newest(ctx, s, store.AuditFilter{Action: "login", Subject: g.subject})
		if err != nil {
			return 0, err
		}
		accountSince = later(accountSince, anywhere)
	}
	scopes := []scope{
		{store.AuditFilter{Action: "login.failed", Detail: g.key, Address: g.address, Since: pairSince}, freePairFailures,
			store.AuditFilter{Action: "login.throttled", Detail: g.key, Address: g.address}},
		{store.AuditFilter{Action: "login.failed", Address: g.address, Since: since}, freeAddressFailures,
			store.AuditFilter{Action: "login.throttled", Detail: "many emails from this address", Address: g.address}},
	}
	if !knownHere {
		scopes = append(scopes, scope{store.AuditFilter{Action: "login.failed", Detail: g.key, Since: accountSince}, freeAccountFailures,
			store.AuditFilter{Action: "login.throttled", Detail: g.key + " (from many addresses)", Address: g.address}})
	}
	var longest time.Duration
	var refusal store.AuditFilter
	for _, sc := range scopes {
		n, err := s.CountAudit(ctx, sc.failures)
		if err != nil {
			return 0, err
		}
		if n < sc.free {
			continue
		}
		last, err := newest(ctx, s, sc.failures)
		if err != nil {
			return 0, err
		}
		if left := last.Add(waitAfter(n, sc.free)).Sub(now); left > longest {
			longest, refusal = left, sc.refusal
			refusal.Since = last
		}
	}
	if longest <= 0 {
		return 0, nil
	}
	// One record per wait: the refusals after the first add nothing an admin needs to read.
	if n, err := s.CountAudit(ctx, refusal); err != nil {
		return 0, err
	} else if n == 0 {
		if err := g.srv.Audit(s, g.r, nil, "login.throttled", g.subject, refusal.Detail); err != nil {
			return 0, err
		}
	}
	return longest, nil
}

// failed records a wrong password or code for the email.
func (g *guess) failed() error {
	return g.srv.Audit(g.srv.Store(), g.r, nil, "login.failed", g.subject, g.key)
}

// newest is the time of the newest audit entry f chooses, zero when there is none.
func newest(ctx context.Context, s *store.Store, f store.AuditFilter) (time.Time, error) {
	f.Limit = 1
	entries, err := s.AuditLog(ctx, f)
	if err != nil || len(entries) == 0 {
		return time.Time{}, err
	}
	return entries[0].At, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// retryAfter is a wait as the whole seconds of a Retry-After header, rounded up.
func retryAfter(d time.Duration) int { return int((d + time.Second - 1) / time.Second) }
