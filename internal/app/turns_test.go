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
	reads := make(turns, 1)
	if !reads.take(context.Background()) {
		t.Fatal("a free turn was not taken")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if reads.take(ctx) {
		t.Fatal("a turn was taken while the only one was in use")
	}
	got := make(chan bool)
	go func() { got <- reads.take(context.Background()) }()
	reads.done()
	if !<-got {
		t.Fatal("a waiting read did not get the turn that ended")
	}
	if len(reads) != 1 {
		t.Fatalf("%d turns in use, want 1: the one given up was not taken", len(reads))
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
