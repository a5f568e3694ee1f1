package site

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/rungs/rungs/internal/fsutil"
)

// WriteDir writes the site into out as one step: every file goes into a new folder beside out,
// which then takes out's place, so a failed or cancelled build leaves out as it was. out may be
// missing, empty, or an earlier build (fsutil.ReplaceDir stamps each one); any other folder is
// refused, so that a mistyped -o never replaces someone's work.
func (s *Site) WriteDir(ctx context.Context, out string) error {
	return fsutil.ReplaceDir(ctx, out, func(tmp string) error { return s.WriteFiles(ctx, tmp) })
}

// writers is how many files are written at once. Creating a file costs the file system far more
// than copying its bytes (close to a millisecond each on some virtual disks), and those waits
// overlap, so many writers finish sooner than one per core.
const writers = 32

// WriteFiles writes every file under dir, an empty folder: each folder once, then each file,
// many at a time. Once ctx is cancelled it starts no more and returns ctx's error.
func (s *Site) WriteFiles(ctx context.Context, dir string) error {
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
		err := parallel(ctx, level, func(d string) error {
			return os.Mkdir(filepath.Join(dir, filepath.FromSlash(d)), 0o755)
		})
		if err != nil {
			return err
		}
	}
	return parallel(ctx, paths, func(p string) error {
		return os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), s.Files[p].Body, 0o644)
	})
}

// parallel calls fn for every item, writers at a time, and returns the first error; once ctx is
// cancelled it starts no more.
func parallel(ctx context.Context, items []string, fn func(string) error) error {
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
		if ctx.Err() != nil {
			errs <- ctx.Err()
			break
		}
		next <- it
	}
	close(next)
	wg.Wait()
	close(errs)
	return <-errs
}
