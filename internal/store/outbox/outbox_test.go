package outbox_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/outbox"
	"github.com/rungs/rungs/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// A message added in a transaction exists only if the transaction commits; one sender takes
// it, another cannot; a failed try waits until its retry; sent and given-up messages leave
// the waiting list and are pruned after a while.
func TestOutbox(t *testing.T) {
	t.Parallel()
	storetest.EachBackend(t, func(t *testing.T, cfg store.Config) {
		ctx := context.Background()
		s, err := store.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		p, err := s.CreatePerson(ctx, store.Person{Name: "Sam Self", Email: "sam@example.com", StartDate: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		type facts struct{ Cycle int64 }
		// Rolled back with its event: no message.
		_ = s.WithTx(ctx, func(tx *store.Store) error {
			if err := outbox.Add(ctx, tx, "assessment-due", p.ID, facts{1}); err != nil {
				t.Fatal(err)
			}
			return store.ErrConflict
		})
		if err := s.WithTx(ctx, func(tx *store.Store) error { return outbox.Add(ctx, tx, "assessment-due", p.ID, facts{2}) }); err != nil {
			t.Fatal(err)
		}
		now := time.Now().Add(time.Second)
		waiting, err := outbox.Waiting(ctx, s, now, 10)
		if err != nil || len(waiting) != 1 || string(waiting[0].Data) != `{"Cycle":2}` || waiting[0].PersonID != p.ID {
			t.Fatalf("waiting: %+v, %v", waiting, err)
		}
		m := waiting[0]
		if ok, err := outbox.Take(ctx, s, m, now.Add(time.Minute)); err != nil || !ok {
			t.Fatalf("take: %v %v", ok, err)
		}
		if ok, err := outbox.Take(ctx, s, m, now.Add(time.Minute)); err != nil || ok {
			t.Fatalf("taken twice: %v %v", ok, err)
		}
		if err := outbox.Retry(ctx, s, m.ID, "421 try later"); err != nil {
			t.Fatal(err)
		}
		if w, _ := outbox.Waiting(ctx, s, now, 10); len(w) != 0 {
			t.Errorf("waiting again before its retry: %+v", w)
		}
		w, err := outbox.Waiting(ctx, s, now.Add(2*time.Minute), 10)
		if err != nil || len(w) != 1 || w[0].Attempts != 1 || w[0].LastError != "421 try later" {
			t.Fatalf("after its retry time: %+v, %v", w, err)
		}
		if ok, err := outbox.Take(ctx, s, w[0], now.Add(time.Hour)); err != nil || !ok {
			t.Fatalf("take again: %v %v", ok, err)
		}
		if err := outbox.Sent(ctx, s, m.ID); err != nil {
			t.Fatal(err)
		}
		got, err := outbox.Get(ctx, s, m.ID)
		if err != nil || got.SentAt.IsZero() || got.LastError != "" || got.Attempts != 2 {
			t.Errorf("sent: %+v, %v", got, err)
		}
		if w, _ := outbox.Waiting(ctx, s, now.Add(24*time.Hour), 10); len(w) != 0 {
			t.Errorf("a sent message still waits: %+v", w)
		}
		if n, err := outbox.Prune(ctx, s, time.Now().Add(-time.Hour)); err != nil || n != 0 {
			t.Errorf("pruned a fresh message: %d, %v", n, err)
		}
		if n, err := outbox.Prune(ctx, s, time.Now().Add(time.Hour)); err != nil || n != 1 {
			t.Errorf("prune: %d, %v", n, err)
		}
	})
}
