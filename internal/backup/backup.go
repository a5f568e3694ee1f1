// Package backup writes the people app's backups to files: one on demand (rungs admin
// backup), or on a schedule from rungs serve, keeping the newest few. The format itself is
// the store's (store.Backup).
package backup

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/fsutil"
	"github.com/rungs/rungs/internal/store"
)

// Ext is the file extension of a backup.
const Ext = ".rungs-backup"

// WriteFile writes a backup of st to path, whole or not at all (a temporary file renamed into
// place), readable by its owner only: it holds people's records and password hashes.
func WriteFile(ctx context.Context, st *store.Store, path, rungsVersion string) (store.BackupInfo, error) {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return store.BackupInfo{}, err
		}
	}
	var info store.BackupInfo
	err := fsutil.WriteAtomic(path, 0o600, func(w io.Writer) error {
		var err error
		info, err = st.Backup(ctx, w, rungsVersion)
		return err
	})
	return info, err
}

// Schedule takes a backup every so often into a folder and keeps the newest few.
type Schedule struct {
	Dir   string
	Every time.Duration
	Keep  int // how many backups to keep; older ones are removed after each new one
	// Rungs is the version written into each backup.
	Rungs string
	Log   *slog.Logger
	// Done, if set, is told of every backup taken, its file or its error (for metrics).
	Done func(path string, took time.Duration, err error)
	// Now and After are the clock; nil means the system's. Tests drive their own.
	Now   func() time.Time
	After func(time.Duration) <-chan time.Time
}

// Validate checks the schedule's settings.
func (s *Schedule) Validate() error {
	switch {
	case s.Dir == "":
		return fmt.Errorf("backups need a folder")
	case s.Every < time.Minute:
		return fmt.Errorf("backups every %s: at least a minute apart", s.Every)
	case s.Keep < 1:
		return fmt.Errorf("keep %d backups: at least 1", s.Keep)
	}
	return nil
}

// fileTime is how a backup's time is written in its name: UTC, sorting as time does.
const fileTime = "20060102T150405Z"

// name is the file a backup taken at t goes to.
func name(t time.Time) string { return "rungs-" + t.UTC().Format(fileTime) + Ext }

// Backups lists the scheduled backups in dir, oldest first, with when each was taken.
func Backups(dir string) ([]string, []time.Time, error) {
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return nil, nil, err
	}
	var names []string
	var times []time.Time
	for _, e := range entries {
		stamp, ok := strings.CutPrefix(e.Name(), "rungs-")
		stamp, ok2 := strings.CutSuffix(stamp, Ext)
		if !ok || !ok2 || !e.Type().IsRegular() {
			continue
		}
		t, err := time.Parse(fileTime, stamp)
		if err != nil {
			continue // not one of ours
		}
		names = append(names, e.Name())
		times = append(times, t)
	}
	return names, times, nil // ReadDir sorts by name, and the names sort by time
}

// Run takes backups of st on the schedule until ctx ends. The first is due one period after
// the newest backup already in the folder (at once when there is none, or it is older than
// that), so that a rungs restarted more often than the period still takes its backups.
func (s *Schedule) Run(ctx context.Context, st *store.Store) {
	now, after := s.Now, s.After
	if now == nil {
		now = time.Now
	}
	if after == nil {
		after = time.After
	}
	_, times, err := Backups(s.Dir)
	if err != nil {
		s.Log.Error("scheduled backups: read the folder", "dir", s.Dir, "err", err)
	}
	next := now()
	if len(times) > 0 {
		next = times[len(times)-1].Add(s.Every)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-after(max(0, next.Sub(now()))):
		}
		start := now()
		path, err := s.take(ctx, st, start)
		took := now().Sub(start)
		if s.Done != nil {
			s.Done(path, took, err)
		}
		if ctx.Err() != nil {
			return
		}
		next = start.Add(s.Every)
		if err != nil {
			s.Log.Error("scheduled backup failed", "dir", s.Dir, "err", err)
			continue
		}
		s.Log.Info("scheduled backup written", "file", path, "duration_ms", took.Milliseconds())
	}
}

// take writes one backup named for at, then removes the oldest beyond Keep.
func (s *Schedule) take(ctx context.Context, st *store.Store, at time.Time) (string, error) {
	path := filepath.Join(s.Dir, name(at))
	if _, err := WriteFile(ctx, st, path, s.Rungs); err != nil {
		return "", err
	}
	names, _, err := Backups(s.Dir)
	if err != nil {
		return path, err
	}
	if extra := len(names) - s.Keep; extra > 0 {
		for _, old := range slices.Clone(names[:extra]) {
			if err := os.Remove(filepath.Join(s.Dir, old)); err != nil {
				return path, fmt.Errorf("remove an old backup: %w", err)
			}
		}
	}
	return path, nil
}
