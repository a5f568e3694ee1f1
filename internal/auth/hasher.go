package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"runtime"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
)

// A Hasher hashes and checks passwords a few at a time. Each argon2id hash takes
// Params.Memory (64 MiB by default) for its whole run, so a server that hashed every sign-in
// at once would grow by that much per sign-in until the system ran out: sixteen sign-ins at
// once took a server from 98 MiB to 928 MiB. A Hasher has a fixed number of slots; a hash
// waits for a free one, a bounded number of hashes may wait, and past that, or after
// maxWait, the caller is told ErrBusy at once (a server answers 503 with Retry-After).
type Hasher struct {
	params  Params
	slots   chan struct{}
	queue   int64
	waiting atomic.Int64
	maxWait time.Duration
	dummy   string
}

// ErrBusy is returned when every slot is taken and no more hashes may wait for one.
var ErrBusy = errors.New("too many passwords are being checked at once: try again in a moment")

// Pool sizes a Hasher: how many hashes run at once and how many may wait for a slot.
type Pool struct {
	Slots int // hashes at once; at least 1
	Queue int // hashes that may wait; 0: none waits, a full pool answers ErrBusy at once
}

// maxWait is how long a hash waits for a slot at most: a person signing in would rather be
// told to try again than watch a page load for longer.
const maxWait = 10 * time.Second

// DefaultPool is the pool a server uses for hashes with p: DefaultSlots slots, and up to
// eight times as many hashes waiting, which the slots work through in a couple of seconds.
func DefaultPool(p Params) Pool {
	n := DefaultSlots(p)
	return Pool{Slots: n, Queue: 8 * n}
}

// DefaultSlots is how many hashes with p run at once: two per processor Go may use (argon2id
// spreads one hash over p.Threads goroutines, and a second keeps the processors busy while
// the first waits for memory), but never more than half the memory the system has
// available, whichever is fewer; at least one.
func DefaultSlots(p Params) int {
	n := 2 * runtime.GOMAXPROCS(0)
	if avail := AvailableMemory(); avail > 0 && p.MemoryBytes() > 0 {
		n = min(n, int(avail/p.MemoryBytes()/2))
	}
	return max(n, 1)
}

// NewHasher returns a Hasher that makes new hashes with p, running pool.Slots hashes at once.
func NewHasher(p Params, pool Pool) *Hasher {
	h := &Hasher{params: p, slots: make(chan struct{}, max(pool.Slots, 1)), queue: int64(max(pool.Queue, 0)), maxWait: maxWait}
	h.dummy = p.Dummy()
	return h
}

// Params are the settings new hashes are made with.
func (h *Hasher) Params() Params { return h.params }

// Slots is how many hashes run at once.
func (h *Hasher) Slots() int { return cap(h.slots) }

// Acquire takes a slot, waiting for one as Hash and Verify do, and returns the function
// that gives it back. It is for work that needs a hash's memory outside Hash and Verify, and
// for tests that fill the pool.
func (h *Hasher) Acquire(ctx context.Context) (release func(), err error) {
	select {
	case h.slots <- struct{}{}:
		return h.release, nil
	default:
	}
	if h.waiting.Add(1) > h.queue {
		h.waiting.Add(-1)
		return nil, ErrBusy
	}
	defer h.waiting.Add(-1)
	t := time.NewTimer(h.maxWait)
	defer t.Stop()
	select {
	case h.slots <- struct{}{}:
		return h.release, nil
	case <-t.C:
		return nil, ErrBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash hashes password with the Hasher's settings and a new random salt, in a slot.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	release, err := h.Acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return h.params.Hash(password)
}

// Verify tells whether password is the one encoded was made from, checking in a slot. An
// encoded hash it cannot read is an error wrapping ErrFormat, never a match.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (bool, error) {
	if encoded == NoPassword {
		return false, nil
	}
	p, salt, want, err := decode(encoded)
	if err != nil {
		return false, err
	}
	if len(password) > MaxBytes {
		return false, nil // no stored password is this long; skip the work
	}
	release, err := h.Acquire(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// Dummy is a hash with the Hasher's settings that no password matches, to verify against
// when a sign-in names no account, so that it takes as long as one that does.
func (h *Hasher) Dummy() string { return h.dummy }

// NeedsRehash tells whether encoded was made with other settings than the Hasher's.
func (h *Hasher) NeedsRehash(encoded string) bool { return h.params.NeedsRehash(encoded) }
