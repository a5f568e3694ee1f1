package store_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// eachBackend and eachEmptyBackend are storetest's: new databases, migrated or empty.
var (
	eachBackend      = storetest.EachBackend
	eachEmptyBackend = storetest.EachEmptyBackend
)

// eachStore is eachBackend with the store opened, and closed at the end.
func eachStore(t *testing.T, test func(t *testing.T, s *store.Store)) {
	t.Helper()
	eachBackend(t, func(t *testing.T, cfg store.Config) { test(t, open(t, cfg)) })
}

// eachStoreAt is eachStore with each store on a clock of its own, which the test moves.
func eachStoreAt(t *testing.T, test func(t *testing.T, s *store.Store, clk *clock)) {
	t.Helper()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		clk := &clock{now: time.Now()}
		cfg.Now = clk.Now
		test(t, open(t, cfg), clk)
	})
}

// clock is a time that moves only when told, so that expiry is tested without sleeping.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func open(t *testing.T, cfg store.Config) *store.Store {
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

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// mustPerson creates a person or fails the test.
func mustPerson(t *testing.T, s *store.Store, name, email string, manager int64) store.Person {
	t.Helper()
	p, err := s.CreatePerson(context.Background(), store.Person{Name: name, Email: email, ManagerID: manager, StartDate: day("2024-03-01")})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return p
}

// checkFailure fails the test unless err is the failure a case named name wants: want itself
// (ErrNotFound, ErrConflict), or with want nil a validation error, which is neither of them.
func checkFailure(t *testing.T, name string, err, want error) {
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
