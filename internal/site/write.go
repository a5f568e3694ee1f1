package site

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// WriteDir writes the site into out as one step: every file goes into a new folder beside out,
// which then takes out's place, so a failed build leaves out as it was. out may be missing,
// empty, or an earlier build (it holds framework.json); any other folder is refused, so that a
// mistyped -o never replaces someone's work.
func (s *Site) WriteDir(out string) error {
	out = filepath.Clean(out)
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(out, "framework.json")); err != nil {
			return fmt.Errorf("%s is not empty and does not look like an earlier build (no framework.json); choose another folder or empty it", out)
		}
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".new-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // gone after the rename; cleans up after a failure
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := s.writeFiles(tmp); err != nil {
		return err
	}
	old := ""
	if _, err := os.Stat(out); err == nil {
		old = filepath.Join(parent, "."+filepath.Base(out)+".old-"+filepath.Base(tmp))
		if err := os.Rename(out, old); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		if old != "" {
			_ = os.Rename(old, out) // put the earlier build back
		}
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// writeFiles writes every file under dir: folders first, then the files on every core, since a
// large site is thousands of files and most of the time is spent waiting on the file system.
func (s *Site) writeFiles(dir string) error {
	paths := s.Paths()
	made := map[string]bool{}
	for _, p := range paths {
		d := filepath.Dir(filepath.Join(dir, filepath.FromSlash(p)))
		if !made[d] {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return err
			}
			made[d] = true
		}
	}
	next := make(chan string)
	errs := make(chan error, len(paths))
	var wg sync.WaitGroup
	for range max(runtime.GOMAXPROCS(0), 2) {
		wg.Go(func() {
			for p := range next {
				if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), s.Files[p].Body, 0o644); err != nil {
					errs <- err
				}
			}
		})
	}
	for _, p := range paths {
		next <- p
	}
	close(next)
	wg.Wait()
	close(errs)
	return <-errs
}
