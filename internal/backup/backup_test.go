package backup_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/backup"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// clock is the schedule's time: it moves when the test says, and each wait the schedule
// asks for is handed to the test, which ends it.
type clock struct {
	mu    sync.Mutex
	now   time.Time
	waits chan wait
}

type wait struct {
	d    time.Duration
	fire chan time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) After(d time.Duration) <-chan time.Time {
	w := wait{d: d, fire: make(chan time.Time, 1)}
	c.waits <- w
	return w.fire
}

// pass moves the clock by the wait the schedule asked for and ends the wait.
func (c *clock) pass(t *testing.T, want time.Duration) {
	t.Helper()
	w := <-c.waits
	if w.d != want {
		t.Fatalf("the schedule waits %s, want %s", w.d, want)
	}
	c.mu.Lock()
	c.now = c.now.Add(w.d)
	c.mu.Unlock()
	w.fire <- c.Now()
}

func TestScheduleTakesBackupsAndKeepsTheNewest(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := store.Open(ctx, store.Config{SQLitePath: storetest.SQLite(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.CreatePerson(ctx, store.Person{Name: "Ada", Email: "ada@example.com", StartDate: time.Date(2020, 1, 6, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	start := time.Date(2025, 1, 31, 2, 0, 0, 0, time.UTC)
	// A backup from 10 hours ago: with one every day, the next is due in 14 hours. A file not
	// named as the schedule names its own is never touched.
	for _, f := range []string{"rungs-20250130T160000Z.rungs-backup", "before-the-upgrade.rungs-backup"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	clk := &clock{now: start, waits: make(chan wait, 1)} // buffered: the last wait is left unanswered
	done := make(chan string)
	s := &backup.Schedule{Dir: dir, Every: 24 * time.Hour, Keep: 2, Rungs: "v-test", Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: clk.Now, After: clk.After, Done: func(path string, _ time.Duration, err error) {
			if err != nil {
				t.Error(err)
			}
			done <- path
		}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	go s.Run(ctx, st)

	clk.pass(t, 14*time.Hour)
	if got := <-done; filepath.Base(got) != "rungs-20250131T160000Z.rungs-backup" {
		t.Errorf("first backup at %s", got)
	}
	for range 2 {
		clk.pass(t, 24*time.Hour)
		<-done
	}
	names, _, err := backup.Backups(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"rungs-20250201T160000Z.rungs-backup", "rungs-20250202T160000Z.rungs-backup"}; !slices.Equal(names, want) {
		t.Errorf("kept %v, want %v", names, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "before-the-upgrade.rungs-backup")); err != nil {
		t.Errorf("a file of the operator's was removed: %v", err)
	}
	for _, n := range names {
		f, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		info, err := store.ReadBackup(f)
		f.Close()
		if err != nil || info.Rungs != "v-test" || info.Tables[0].Name != "people" || info.Tables[0].Rows != 1 {
			t.Errorf("%s: %+v, %v", n, info, err)
		}
		if st, _ := os.Stat(filepath.Join(dir, n)); st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %s, want 0600", n, st.Mode().Perm())
		}
	}
	cancel()
}

func TestScheduleValidate(t *testing.T) {
	t.Parallel()
	for _, s := range []backup.Schedule{
		{Dir: "", Every: time.Hour, Keep: 1},
		{Dir: "b", Every: time.Second, Keep: 1},
		{Dir: "b", Every: time.Hour, Keep: 0},
	} {
		if err := s.Validate(); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
}
