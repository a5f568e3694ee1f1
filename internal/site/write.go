package site

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
)

// WriteDir writes the site into out as one step: every file goes into a new folder beside out,
// which then takes out's place, so a failed build leaves out as it was. out may be missing,
// empty, or an earlier build (it holds framework.json); any other folder is refused, so that a
// mistyped -o never replaces someone's work.
func (s *Site) WriteDir(out string) error {
	out = filepath.Clean(out)
	if st, err := os.Stat(out); err == nil && !st.IsDir() {
		return fmt.Errorf("%s is a file; name the folder to write the site into", out)
	}
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

// writers is how many files are written at once. Creating a file costs the file system far more
// than copying its bytes (close to a millisecond each on some virtual disks), and those waits
// overlap, so many writers finish sooner than one per core.
const writers = 32

// writeFiles writes every file under dir: each folder once, then each file, many at a time.
func (s *Site) writeFiles(dir string) error {
	paths := s.Paths()
	// Folders by depth, so that each level's parents exist before it is made.
	var depths [][]string
	made := map[string]bool{}
	for _, p := range paths {
		for d := path.Dir(p); d != "." && !made[d]; d = path.Dir(d) {
			made[d] = true
			n := strings.Count(d, "/")
			for len(depths) <= n {
				depths = append(depths, nil)
			}
			depths[n] = append(depths[n], d)
		}
	}
	for _, level := range depths {
		err := parallel(level, func(d string) error {
			return os.Mkdir(filepath.Join(dir, filepath.FromSlash(d)), 0o755)
		})
		if err != nil {
			return err
		}
	}
	return parallel(paths, func(p string) error {
		return os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), s.Files[p].Body, 0o644)
	})
}

// parallel calls fn for every item, writers at a time, and returns the first error.
func parallel(items []string, fn func(string) error) error {
	next := make(chan string)
	errs := make(chan error, len(items))
	var wg sync.WaitGroup
	for range min(writers, len(items)) {
		wg.Go(func() {
			for it := range next {
				if err := fn(it); err != nil {
					errs <- err
				}
			}
		})
	}
	for _, it := range items {
		next <- it
	}
	close(next)
	wg.Wait()
	close(errs)
	return <-errs
}
