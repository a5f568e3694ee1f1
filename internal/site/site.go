// Package site renders a framework into the pages of its website. `rungs build` writes them to
// disk and `rungs serve` serves them from memory: both use the same renderer, so they show the
// same HTML.
package site

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/rungs/rungs/internal/changes"
	"github.com/rungs/rungs/internal/ladder"
)

// Options change how a site is rendered.
type Options struct {
	// BaseURL is where the site will live, such as https://acme.github.io/careers/. Its path
	// prefixes every link, so a site in a sub-folder works; its host makes sitemap URLs absolute.
	// Empty means the root of whatever host serves it.
	BaseURL string
	// LiveReload adds the script that reloads the page when `rungs serve` rebuilds.
	LiveReload bool
	// History is what the "What changed" page lists, newest first; without it there is no page.
	History []changes.Entry
	// HistorySource says where History came from: changes.FromGit or changes.FromChangelog.
	HistorySource string
	// PeopleApp adds a link to the people app, which serve runs beside the site with a database.
	PeopleApp bool
	// Progress, when set, is told after each page or data file is rendered how many of how
	// many are done, one call at a time, on the rendering goroutines: it must be quick.
	Progress func(done, total int)
}

// File is one rendered file of the site.
type File struct {
	Path string // slash-separated, relative to the site root, such as "ladders/eng/index.html"
	Body []byte
	Type string // its Content-Type
}

// Site is every file of a rendered site, in memory.
type Site struct {
	Files map[string]*File
}

// Paths returns the paths of all files, sorted.
func (s *Site) Paths() []string {
	paths := make([]string, 0, len(s.Files))
	for p := range s.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// Render renders the whole site of framework f, whose files are in fsys (for the logo), into
// memory: what `rungs serve` serves.
func Render(f *ladder.Framework, fsys fs.FS, opts Options) (*Site, error) {
	s := &Site{Files: map[string]*File{}}
	if _, err := render(context.Background(), f, fsys, opts, &memSink{site: s}); err != nil {
		return nil, err
	}
	return s, nil
}

// render renders every file of the site into out and returns how many there are. Files go to
// out as soon as they are rendered, so that a site written to disk is never held in memory
// whole; what is kept until the end is what later files need (the sitemap's list of pages).
// Once ctx is cancelled no more files are rendered, and ctx's error is returned.
func render(ctx context.Context, f *ladder.Framework, fsys fs.FS, opts Options, out sink) (int, error) {
	base, err := basePath(opts.BaseURL)
	if err != nil {
		return 0, err
	}
	r := &renderer{f: f, fsys: fsys, opts: opts, base: base, out: out}
	r.init()
	if err := r.assets(); err != nil {
		return 0, err
	}
	jobs := append(r.dataJobs(), r.pages()...)
	if err := run(ctx, counted(jobs, opts.Progress), out.workers()); err != nil {
		return 0, err
	}
	if err := r.sitemap(); err != nil { // lists the pages, so it comes last
		return 0, err
	}
	return int(r.files.Load()), nil
}

// basePath is the path part of the base URL, always starting and ending with "/".
func basePath(baseURL string) (string, error) {
	if baseURL == "" {
		return "/", nil
	}
	p := baseURL
	if i := strings.Index(p, "://"); i >= 0 {
		rest := p[i+3:]
		j := strings.Index(rest, "/")
		if j < 0 {
			return "/", nil
		}
		p = rest[j:]
	}
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("base URL %q: write it as https://host/path/ or /path/", baseURL)
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p, nil
}

// renderer carries what every page needs while a site is rendered.
type renderer struct {
	f    *ladder.Framework
	fsys fs.FS
	opts Options
	base string
	out  sink

	files    atomic.Int64 // written so far
	mu       sync.Mutex
	pagesOut []string // the HTML pages written, for the sitemap

	assetURL    map[string]string // logical asset name -> fingerprinted URL
	logoURL     string
	chromeCache sync.Map  // "header\x00section" -> template.HTML
	mdPool      sync.Pool // of goldmark.Markdown, see lazyMarkdown
	version     func() (string, error)
	links       func() *ladderLinks
}

// init prepares what jobs share, made by whichever job needs it first.
func (r *renderer) init() {
	// framework.json is published and also versions the self-assessment: written once and
	// hashed as it is written.
	r.version = sync.OnceValues(r.writeFrameworkJSON)
	r.links = sync.OnceValue(r.gatherLinks)
}

// url turns a site path ("ladders/eng/") into a link that works under the base path.
func (r *renderer) url(p string) string {
	return r.base + strings.TrimPrefix(p, "/")
}

// put writes one file of the site; body is not kept.
func (r *renderer) put(p string, body []byte) error {
	r.note(p)
	return r.out.put(p, body)
}

// stream writes one file of the site piece by piece.
func (r *renderer) stream(p string, write func(io.Writer) error) error {
	r.note(p)
	return r.out.stream(p, write)
}

// note counts a file and remembers the pages the sitemap lists: every HTML page but the 404.
func (r *renderer) note(p string) {
	r.files.Add(1)
	if strings.HasSuffix(p, "index.html") {
		r.mu.Lock()
		r.pagesOut = append(r.pagesOut, p)
		r.mu.Unlock()
	}
}

// contentType is the Content-Type of a site file, by its extension.
func contentType(p string) string {
	switch path.Ext(p) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".json":
		return "application/json"
	case ".xml":
		return "application/xml; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	}
	if typ := mime.TypeByExtension(path.Ext(p)); typ != "" {
		return typ
	}
	return "application/octet-stream"
}

// pageJob renders one page, or one data file.
type pageJob func() error

// counted has each job report to progress, when there is one, once it has run.
func counted(jobs []pageJob, progress func(done, total int)) []pageJob {
	if progress == nil {
		return jobs
	}
	var mu sync.Mutex
	done := 0
	out := make([]pageJob, len(jobs))
	for i, job := range jobs {
		out[i] = func() error {
			if err := job(); err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			done++
			progress(done, len(jobs))
			return nil
		}
	}
	return out
}

// run runs the jobs on workers goroutines. After the first failure, or once ctx is cancelled,
// no new job starts, and that failure (or ctx's error) is returned.
func run(ctx context.Context, jobs []pageJob, workers int) error {
	next := make(chan pageJob)
	var (
		failed atomic.Bool
		once   sync.Once
		first  error
		wg     sync.WaitGroup
	)
	for range min(workers, len(jobs)) {
		wg.Go(func() {
			for job := range next {
				if failed.Load() {
					continue
				}
				if err := job(); err != nil {
					once.Do(func() { first = err })
					failed.Store(true)
				}
			}
		})
	}
	for _, j := range jobs {
		if failed.Load() {
			break
		}
		if err := ctx.Err(); err != nil {
			once.Do(func() { first = err })
			failed.Store(true)
			break
		}
		next <- j
	}
	close(next)
	wg.Wait()
	return first
}

// Site paths of the pages. Levels live under their ladder; the matrix and compare pages are
// outside /ladders/ so that no level id can collide with them.
func ladderPath(l *ladder.Ladder) string { return "ladders/" + l.ID + "/" }
func levelPath(l *ladder.Ladder, lv *ladder.Level) string {
	return "ladders/" + l.ID + "/" + lv.ID + "/"
}
func matrixPath(l *ladder.Ladder) string { return "matrix/" + l.ID + "/" }
func pagePath(p *ladder.Page) string     { return "pages/" + p.ID + "/" }

// file turns a page path ("ladders/eng/") into the file that holds it.
func file(p string) string {
	if p == "" || strings.HasSuffix(p, "/") {
		return p + "index.html"
	}
	return p
}
