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

// Password guessing is throttled from the audit log: the failures recorded for an email
// address, whether or not it is anyone's (so that the limit cannot tell which are), and the
// failures from a client address, over the last throttleWindow. Counting in the database
// makes the limits hold across several rungs processes.

// Login throttling: this many failures within throttleWindow refuse further tries for an
// account, or from one address, until older failures leave the window.
const (
	throttleWindow     = 15 * time.Minute
	maxAccountFailures = 5
	maxAddressFailures = 20
)

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
	locks   []*sync.Mutex
}

// startGuess takes the locks for a check of email's password from r's address.
func startGuess(srv *web.Server, r *http.Request, email string) *guess {
	g := &guess{srv: srv, r: r, key: "email: " + strings.ToLower(web.Truncate(strings.TrimSpace(email), 200)), address: srv.ClientAddress(r)}
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

// throttled reports whether the email or the address has had too many failures lately. A
// throttled try is recorded too (with subject, the person if known), so the log shows it.
func (g *guess) throttled(ctx context.Context, subject int64) (bool, error) {
	s := g.srv.Store()
	since := g.srv.Now().Add(-throttleWindow)
	fromHere, err := s.CountAudit(ctx, store.AuditFilter{Action: "login.failed", Address: g.address, Since: since})
	if err != nil {
		return false, err
	}
	forEmail, err := s.CountAudit(ctx, store.AuditFilter{Action: "login.failed", Detail: g.key, Since: since})
	if err != nil {
		return false, err
	}
	if fromHere < maxAddressFailures && forEmail < maxAccountFailures {
		return false, nil
	}
	return true, g.srv.Audit(s, g.r, nil, "login.throttled", subject, g.key)
}

// failed records a wrong password for the email, against subject (the person, if known).
func (g *guess) failed(subject int64) error {
	return g.srv.Audit(g.srv.Store(), g.r, nil, "login.failed", subject, g.key)
}
