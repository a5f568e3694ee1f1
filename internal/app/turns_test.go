package app

import (
	"context"
	"testing"
	"time"
)

// A read waits while every turn is taken, gets one as soon as one ends, and gives up
// without taking one when its client goes away.
func TestTurns(t *testing.T) {
	t.Parallel()
	reads := newTurns(1)
	first, ok := reads.take(context.Background())
	if !ok {
		t.Fatal("a free turn was not taken")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, ok := reads.take(ctx); ok {
		t.Fatal("a turn was taken while the only one was in use")
	}
	got := make(chan *turn)
	go func() {
		t, _ := reads.take(context.Background())
		got <- t
	}()
	first.done()
	if <-got == nil {
		t.Fatal("a waiting read did not get the turn that ended")
	}
	if len(reads.work) != 1 {
		t.Fatalf("%d turns in use, want 1: the one given up was not taken", len(reads.work))
	}
}

// A request that waits for the disk lends its turn to the next in line, and when it comes
// back goes on before the requests still in line; all of them end their turns.
func TestTurnLent(t *testing.T) {
	t.Parallel()
	reads := newTurns(1)
	ctx := context.Background()
	a, _ := reads.take(ctx)
	next := make(chan *turn)
	go func() {
		t, _ := reads.take(ctx)
		next <- t
	}()
	a.Lend()
	b := <-next // the turn a lent
	go func() {
		t, _ := reads.take(ctx)
		next <- t
	}()
	a.Back(ctx) // at once, though b holds the only turn of work and another waits for it
	select {
	case <-next:
		t.Fatal("a request in line had a turn while both were held")
	case <-time.After(20 * time.Millisecond):
	}
	a.done()
	b.done()
	c := <-next
	c.done()
	if len(reads.work) != 0 || len(reads.back) != 0 {
		t.Errorf("turns still held: %d of work, %d back", len(reads.work), len(reads.back))
	}
	// Lent and not back (its client went away), the turn ends with nothing to give back.
	d, _ := reads.take(ctx)
	d.Lend()
	d.done()
	if len(reads.work) != 0 {
		t.Errorf("%d turns held after a lent one ended", len(reads.work))
	}
}

func TestTakesTurn(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		method, path string
		want         bool
	}{
		{"GET", "/people", true},
		{"HEAD", "/people/{id}", true},
		{"GET", "/api/v1/people", true},
		{"POST", "/people", false},                   // a form, read from the client
		{"POST", "/import", false},                   // an upload
		{"GET", "/export/people.csv", false},         // written to the client for as long as it takes
		{"GET", "/cycles/{cycle}/report.csv", false}, // the same
		{"GET", "/app-assets/{file}", false},
	} {
		if got := takesTurn(tt.method, tt.path); got != tt.want {
			t.Errorf("takesTurn(%s %s) = %v, want %v", tt.method, tt.path, got, tt.want)
		}
	}
}
