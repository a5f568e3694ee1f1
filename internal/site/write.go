package site

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/rungs/rungs/internal/fsutil"
	"github.com/rungs/rungs/internal/ladder"
)

// sink receives the files of a site as they are rendered, from several goroutines at once.
type sink interface {
	// put stores a whole file; body is the caller's again once put returns.
	put(path string, body []byte) error
	// stream stores a file written piece by piece, for files too large to hold whole.
	stream(path string, write func(io.Writer) error) error
	// workers is how many files are best rendered at once.
	workers() int
}

// memSink keeps the files in a Site.
type memSink struct {
	mu   sync.Mutex
	site *Site
}

func (m *memSink) put(p string, body []byte) error {
	file := &File{Path: p, Body: bytes.Clone(body), Type: contentType(p)}
	m.mu.Lock()
	m.site.Files[p] = file
	m.mu.Unlock()
	return nil
}

func (m *memSink) stream(p string, write func(io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	return m.put(p, b.Bytes())
}

func (m *memSink) workers() int { return runtime.GOMAXPROCS(0) }

// dirSink writes the files under a folder, making each folder the first time a file needs it.
type dirSink struct {
	root    string
	folders sync.Map // slash path -> *folder
	// fail, when set, is asked before each file is written; tests use it to make a write fail.
	fail func(path string) error
}

// folder is made once, by the first file that needs it.
type folder struct {
	once sync.Once
	err  error
}

// mkdir makes the folder at slash path dir (and its parents) unless it was made already.
func (d *dirSink) mkdir(dir string) error {
	if dir == "." {
		return nil
	}
	v, _ := d.folders.LoadOrStore(dir, &folder{})
	f := v.(*folder)
	f.once.Do(func() {
		if f.err = d.mkdir(path.Dir(dir)); f.err == nil {
			f.err = os.Mkdir(filepath.Join(d.root, filepath.FromSlash(dir)), 0o755)
		}
	})
	return f.err
}

func (d *dirSink) file(p string) (string, error) {
	if d.fail != nil {
		if err := d.fail(p); err != nil {
			return "", err
		}
	}
	if err := d.mkdir(path.Dir(p)); err != nil {
		return "", err
	}
	return filepath.Join(d.root, filepath.FromSlash(p)), nil
}

func (d *dirSink) put(p string, body []byte) error {
	name, err := d.file(p)
	if err != nil {
		return err
	}
	return fsutil.CreateFile(name, body)
}

func (d *dirSink) stream(p string, write func(io.Writer) error) error {
	name, err := d.file(p)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 256<<10)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}

// Creating a file costs far more than rendering it on some virtual disks (tens of microseconds
// of waiting per file), so more files are rendered at once than there are cores: while some
// wait for the disk, the others render.
func (d *dirSink) workers() int { return 4 * runtime.GOMAXPROCS(0) }

// BuildFiles renders the site of framework f into dir, an empty folder, writing each file as
// it is rendered, so that the site is never held in memory whole. Once ctx is cancelled no more
// files are rendered and ctx's error is returned. It returns how many files the site has.
// `rungs build` calls it inside fsutil.ReplaceDir, so that a failed build leaves the earlier one.
func BuildFiles(ctx context.Context, f *ladder.Framework, fsys fs.FS, opts Options, dir string) (int, error) {
	return render(ctx, f, fsys, opts, &dirSink{root: dir})
}

// WriteDir writes the site into out as one step: every file goes into a new folder beside out,
// which then takes out's place, so a failed or cancelled write leaves out as it was. out may be
// missing, empty, or an earlier build (fsutil.ReplaceDir stamps each one); any other folder is
// refused, so that a mistyped -o never replaces someone's work.
func (s *Site) WriteDir(ctx context.Context, out string) error {
	return fsutil.ReplaceDir(ctx, out, func(tmp string) error { return s.WriteFiles(ctx, tmp) })
}

// WriteFiles writes every file of the site under dir, an empty folder, many at a time. Once
// ctx is cancelled it starts no more and returns ctx's error.
func (s *Site) WriteFiles(ctx context.Context, dir string) error {
	d := &dirSink{root: dir}
	paths := s.Paths()
	jobs := make([]pageJob, len(paths))
	for i, p := range paths {
		jobs[i] = func() error { return d.put(p, s.Files[p].Body) }
	}
	return run(ctx, jobs, d.workers())
}
