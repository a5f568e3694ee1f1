package site

import (
	"context"
	"io/fs"
	"reflect"
	"strings"

	"github.com/rungs/rungs/internal/ladder"
)

// Rerender renders the site of f after an edit, reusing what it can of prev, the site rendered
// from old with the same options. When the edit changed only what some ladders' levels expect
// (their expectations, introductions, time splits: what no other ladder's pages show), only
// those ladders' pages and levels.json are rendered again, with the files that gather every
// ladder: framework.json, the search index and the self-assessment (which names the
// framework's version). Any other edit renders the whole site. It returns the new site and how
// many files it rendered; prev is left as it was.
func Rerender(prev *Site, old, f *ladder.Framework, fsys fs.FS, opts Options) (*Site, int, error) {
	changed, ok := changedLadders(old, f)
	if prev == nil || !ok {
		s, err := Render(f, fsys, opts)
		if err != nil {
			return nil, 0, err
		}
		return s, len(s.Files), nil
	}
	next := &Site{Files: make(map[string]*File, len(prev.Files))}
	for p, file := range prev.Files {
		if !redone(p, changed) {
			next.Files[p] = file
		}
	}
	base, err := basePath(opts.BaseURL)
	if err != nil {
		return nil, 0, err
	}
	out := &memSink{site: next}
	r := &renderer{f: f, fsys: fsys, opts: opts, base: base, out: out}
	r.init()
	// The assets are written again: the logo may be what changed.
	if err := r.assets(); err != nil {
		return nil, 0, err
	}
	c := r.chrome()
	home := link{Title: "Home", URL: r.url("")}
	jobs := []pageJob{
		func() error { _, err := r.version(); return err },
		r.searchIndex,
		func() error { return r.assessPage(c, home) },
	}
	for _, l := range f.Ladders {
		if !changed[l.ID] {
			continue
		}
		jobs = append(jobs,
			func() error { return r.levelsJSON(l) },
			func() error { return r.ladderPage(c, home, l) },
			func() error { return r.matrixPage(c, home, l) })
		for i := range l.Levels {
			jobs = append(jobs, func() error { return r.levelPage(c, home, l, i) })
		}
	}
	if err := run(context.Background(), jobs, out.workers()); err != nil {
		return nil, 0, err
	}
	for p, file := range prev.Files {
		if strings.HasPrefix(p, "assets/") && !sameFile(next.Files[p], file) {
			// Another logo: every page's header names it.
			s, err := Render(f, fsys, opts)
			if err != nil {
				return nil, 0, err
			}
			return s, len(s.Files), nil
		}
	}
	return next, int(r.files.Load()), nil
}

// redone reports whether a file of the site is rendered again when the ladders in changed
// have changed.
func redone(p string, changed map[string]bool) bool {
	switch {
	case p == "framework.json", p == file(assessPath), strings.HasPrefix(p, "search/") && p != "search/index.html":
		return true
	case strings.HasPrefix(p, "assets/"):
		return true // rendered again, and compared
	}
	for _, prefix := range []string{"ladders/", "matrix/"} {
		if rest, ok := strings.CutPrefix(p, prefix); ok {
			id, _, _ := strings.Cut(rest, "/")
			return changed[id]
		}
	}
	return false
}

func sameFile(a, b *File) bool {
	return a != nil && b != nil && string(a.Body) == string(b.Body)
}

// changedLadders compares two versions of a framework. When they differ only in what some
// ladders' levels expect, it returns those ladders and true; when anything else differs (or
// old is nil), false.
func changedLadders(old, f *ladder.Framework) (map[string]bool, bool) {
	if old == nil || len(old.Ladders) != len(f.Ladders) {
		return nil, false
	}
	a, b := *old, *f
	a.Ladders, b.Ladders = nil, nil
	if !reflect.DeepEqual(a, b) {
		return nil, false
	}
	changed := map[string]bool{}
	for i, lo := range old.Ladders {
		ln := f.Ladders[i]
		if reflect.DeepEqual(lo, ln) {
			continue
		}
		if !sameOutline(lo, ln) {
			return nil, false
		}
		changed[ln.ID] = true
	}
	return changed, true
}

// sameOutline reports whether two versions of a ladder agree on everything other ladders'
// pages and the site's shared pages show of it: all but what its levels expect.
func sameOutline(a, b *ladder.Ladder) bool {
	la, lb := *a, *b
	la.Levels, lb.Levels = nil, nil
	la.Groups, lb.Groups = nil, nil // shown on this ladder's pages and in the search index only
	if !reflect.DeepEqual(la, lb) || len(a.Levels) != len(b.Levels) {
		return false
	}
	for i, va := range a.Levels {
		vb := b.Levels[i]
		if va.ID != vb.ID || va.Title != vb.Title || va.Code != vb.Code || va.Summary != vb.Summary ||
			va.Path != vb.Path || !reflect.DeepEqual(va.Tenure, vb.Tenure) {
			return false
		}
	}
	return true
}
