package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
)

// Open opens the store of cfg and closes it when the test ends.
func Open(t testing.TB, cfg store.Config) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// EachStore is EachBackend with the store opened, and closed at the end.
func EachStore(t *testing.T, test func(t *testing.T, s *store.Store)) {
	t.Helper()
	EachBackend(t, func(t *testing.T, cfg store.Config) { test(t, Open(t, cfg)) })
}

// EachStoreAt is EachStore with each store on a clock of its own, starting at start, which
// the test moves.
func EachStoreAt(t *testing.T, start time.Time, test func(t *testing.T, s *store.Store, clk *Clock)) {
	t.Helper()
	EachBackend(t, func(t *testing.T, cfg store.Config) {
		clk := &Clock{now: start}
		cfg.Now = clk.Now
		test(t, Open(t, cfg), clk)
	})
}

// Clock is a time that moves only when told, so that expiry is tested without sleeping.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock is a clock at now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now is the clock's time, for store.Config.Now.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Day is the date s (YYYY-MM-DD), or a panic: for dates written in tests.
func Day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// Person creates a person who started on 2024-03-01, or fails the test.
func Person(t testing.TB, s *store.Store, name, email string, manager int64) store.Person {
	t.Helper()
	p, err := s.CreatePerson(context.Background(), store.Person{Name: name, Email: email, ManagerID: manager, StartDate: Day("2024-03-01")})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return p
}

// CheckFailure fails the test unless err is the failure a case named name wants: want
// itself (store.ErrNotFound, store.ErrConflict), or with want nil a validation error, which is
// neither of them.
func CheckFailure(t testing.TB, name string, err, want error) {
	t.Helper()
	switch {
	case err == nil:
		t.Errorf("%s: no error", name)
	case want != nil && !errors.Is(err, want):
		t.Errorf("%s: %v, want %v", name, err, want)
	case want == nil && (errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict)):
		t.Errorf("%s: %v is a data error, want a validation error", name, err)
	}
}
