package auth

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
)

// A full pool with no queue answers ErrBusy at once, and works again when a slot is free.
func TestHasherBusy(t *testing.T) {
	t.Parallel()
	h := NewHasher(cheap, Pool{Slots: 2, Queue: 0})
	ctx := context.Background()
	var releases []func()
	for range 2 {
		release, err := h.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, release)
	}
	if _, err := h.Hash(ctx, "correct horse battery"); !errors.Is(err, ErrBusy) {
		t.Fatalf("Hash with every slot taken: %v, want ErrBusy", err)
	}
	hash, _ := cheap.Hash("correct horse battery")
	if _, err := h.Verify(ctx, "correct horse battery", hash); !errors.Is(err, ErrBusy) {
		t.Fatalf("Verify with every slot taken: %v, want ErrBusy", err)
	}
	releases[0]()
	if ok, err := h.Verify(ctx, "correct horse battery", hash); err != nil || !ok {
		t.Fatalf("Verify with a slot free: %v, %v", ok, err)
	}
	releases[1]()
}

// A hash that may wait gets the slot as soon as it is given back, and one whose caller
// leaves stops waiting.
func TestHasherQueue(t *testing.T) {
	t.Parallel()
	h := NewHasher(cheap, Pool{Slots: 1, Queue: 1})
	release, err := h.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		_, err := h.Hash(context.Background(), "correct horse battery")
		got <- err
	}()
	for h.waiting.Load() == 0 {
		runtime.Gosched() // until the hash above waits in the queue
	}
	if _, err := h.Acquire(context.Background()); !errors.Is(err, ErrBusy) {
		t.Fatalf("a second waiter with the queue full: %v, want ErrBusy", err)
	}
	release()
	if err := <-got; err != nil {
		t.Fatalf("the waiting hash: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	release, _ = h.Acquire(context.Background())
	cancel()
	if _, err := h.Hash(ctx, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("Hash for a caller that left: %v, want context.Canceled", err)
	}
	release()
}

// However many ask at once, no more than Slots hashes run at a time.
func TestHasherBoundsConcurrency(t *testing.T) {
	t.Parallel()
	h := NewHasher(cheap, Pool{Slots: 3, Queue: 100})
	var mu sync.Mutex
	running, most := 0, 0
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			release, err := h.Acquire(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			running++
			most = max(most, running)
			mu.Unlock()
			_, _ = cheap.Hash("correct horse battery")
			mu.Lock()
			running--
			mu.Unlock()
			release()
		})
	}
	wg.Wait()
	if most > 3 {
		t.Errorf("%d hashes ran at once, want at most 3", most)
	}
}

func TestDummyMatchesNothing(t *testing.T) {
	t.Parallel()
	h := NewHasher(cheap, Pool{Slots: 1})
	for _, pw := range []string{"", "correct horse battery", "password"} {
		if ok, err := h.Verify(context.Background(), pw, h.Dummy()); err != nil || ok {
			t.Errorf("Verify(%q, dummy) = %v, %v", pw, ok, err)
		}
	}
	if h.NeedsRehash(h.Dummy()) {
		t.Error("the dummy hash does not carry the Hasher's settings")
	}
}

func TestDefaultSlots(t *testing.T) {
	t.Parallel()
	n := DefaultSlots(DefaultParams())
	if n < 1 {
		t.Fatalf("DefaultSlots = %d", n)
	}
	if avail := AvailableMemory(); avail > 0 && uint64(n)*DefaultParams().MemoryBytes() > avail/2+DefaultParams().MemoryBytes() {
		t.Errorf("%d slots of 64 MiB is more than half of the %d MiB available", n, avail>>20)
	}
	huge := Params{Memory: 1 << 30 >> 10 * 512, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32} // 512 GiB a hash
	if got := DefaultSlots(huge); got != 1 {
		t.Errorf("DefaultSlots with 512 GiB a hash = %d, want 1", got)
	}
}
