// Package site renders a framework into the pages of its website. `rungs build` writes them to
// disk and `rungs serve` serves them from memory: both use the same renderer, so they show the
// same HTML.
package site

import (
	"fmt"
	"io/fs"
	"mime"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

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
}

// File is one rendered file of the site.
type File struct {
	Path string // slash-separated, relative to the site root, such as "ladders/eng/index.html"
	Body []byte
	Type string // its Content-Type
}

// Site is every file of a rendered site.
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

// Render renders the whole site of framework f, whose files are in fsys (for the logo).
func Render(f *ladder.Framework, fsys fs.FS, opts Options) (*Site, error) {
	base, err := basePath(opts.BaseURL)
	if err != nil {
		return nil, err
	}
	r := &renderer{f: f, fsys: fsys, opts: opts, base: base, site: &Site{Files: map[string]*File{}}}
	// framework.json is published and also versions the self-assessment: encoded once, by
	// whichever job needs it first.
	r.frameworkJSON = sync.OnceValues(func() ([]byte, error) { return ladder.JSON(f) })
	if err := r.assets(); err != nil {
		return nil, err
	}
	jobs := append(r.dataJobs(), r.pages()...)
	if err := r.run(jobs); err != nil {
		return nil, err
	}
	r.sitemap() // lists the pages, so it comes last
	return r.site, nil
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
	site *Site
	mu   sync.Mutex

	assetURL      map[string]string // logical asset name -> fingerprinted URL
	logoURL       string
	chromeCache   sync.Map // "header\x00section" -> template.HTML
	frameworkJSON func() ([]byte, error)
}

// url turns a site path ("ladders/eng/") into a link that works under the base path.
func (r *renderer) url(p string) string {
	return r.base + strings.TrimPrefix(p, "/")
}

// add stores a file, filling in its type and ETag.
func (r *renderer) add(p string, body []byte) {
	typ := mime.TypeByExtension(path.Ext(p))
	switch path.Ext(p) {
	case ".html":
		typ = "text/html; charset=utf-8"
	case ".json":
		typ = "application/json"
	case ".xml":
		typ = "application/xml; charset=utf-8"
	case ".js":
		typ = "text/javascript; charset=utf-8"
	case ".css":
		typ = "text/css; charset=utf-8"
	}
	if typ == "" {
		typ = "application/octet-stream"
	}
	file := &File{Path: p, Body: body, Type: typ}
	r.mu.Lock()
	r.site.Files[p] = file
	r.mu.Unlock()
}

// pageJob renders one page.
type pageJob func() error

// run renders the pages on every core; each job adds its own file.
func (r *renderer) run(jobs []pageJob) error {
	next := make(chan pageJob)
	errs := make(chan error, len(jobs))
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Go(func() {
			for job := range next {
				if err := job(); err != nil {
					errs <- err
				}
			}
		})
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	close(errs)
	return <-errs
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
