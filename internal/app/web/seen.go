package web

import (
	"crypto/sha256"
	"sync"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

// Seen is what a page may know of its viewer before the session's read says who they are:
// who the session's cookie opened at its last request to this process. A page whose reads
// turn on who views it (the home: the viewer's own items, their team) makes them for the
// viewer seen, with the session's read (see EarlyReads); LoadViewerWith drops them unless the
// session turns out to open that same viewer (SeenOf). Nothing is shown or written on the
// strength of a Seen: what was read for a viewer who is not the one is dropped, and read again.
type Seen struct {
	Account, Person int64
	Role            store.Role
	Manager         bool // someone reports to them directly
	Reviewer        bool // they review promotion cases (policy.Reviews)
}

// SeenOf is v as a page's early reads see it; the zero Seen for nobody.
func SeenOf(v *policy.Viewer) Seen {
	if v == nil {
		return Seen{}
	}
	return Seen{Account: v.Account.ID, Person: v.Person.ID, Role: v.Account.Role, Manager: v.Manager, Reviewer: policy.Reviews(v)}
}

// Viewer is a viewer who is only what s knows, for deciding what to read for them; nil for
// a session not seen.
func (s Seen) Viewer() *policy.Viewer {
	if s.Person == 0 {
		return nil
	}
	v := &policy.Viewer{Account: access.Account{ID: s.Account, PersonID: s.Person, Role: s.Role, Status: store.Active},
		Person: store.Person{ID: s.Person}, Manager: s.Manager}
	policy.KnowReviewer(v, s.Reviewer)
	return v
}

// seenMost is how many sessions a process keeps the viewer of: more than sign in to one
// process within a session's life in most organisations. Past it, they are all forgotten
// and seen anew, each at its next request.
const seenMost = 1 << 16

// seenSessions are the viewers sessions opened, by the SHA-256 of their cookie's value (the
// value itself, a secret, is not kept).
type seenSessions struct {
	mu sync.RWMutex
	m  map[[sha256.Size]byte]Seen
}

// seenKey is the key of the session of the cookie value token.
func seenKey(token string) [sha256.Size]byte { return sha256.Sum256([]byte(token)) }

// of is who the session of key opened at its last request here.
func (ss *seenSessions) of(key [sha256.Size]byte) Seen {
	ss.mu.RLock()
	defer ss.mu.RUnlock()
	return ss.m[key]
}

// keep records that the session of key opened v now, another viewer than of(key) said.
func (ss *seenSessions) keep(key [sha256.Size]byte, v Seen) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.m == nil || len(ss.m) >= seenMost {
		ss.m = make(map[[sha256.Size]byte]Seen)
	}
	ss.m[key] = v
}
