// Package hugo moves career ladders between rungs and Hugo docs sites: it imports the ladder
// pages of a Hugo site into a framework, and exports a framework as a Hugo site for the Hextra
// theme.
package hugo

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/rungs/rungs/internal/ladder"
)

// Result is a framework read from a Hugo site, with a warning for each thing that could not be
// mapped as it was.
type Result struct {
	Framework *ladder.Framework
	Warnings  []string
}

// ErrNotASite means the folder has no content/ folder.
var ErrNotASite = errors.New("no content/ folder: is this a Hugo site?")

// importer holds what is learnt while reading the site.
type importer struct {
	fsys     fs.FS
	docs     string // content/docs, or content when the site has no docs section
	warnings []string
	byURL    map[string]*target // page URL (and content path) -> where it ends up
	byFile   map[string]*target // content file -> where it ends up
	texts    []*text            // every imported text, for the link pass at the end
}

// target is where a content file ends up in the framework.
type target struct {
	file  string // framework path
	level *ladder.Level
	// anchors maps a heading id Hugo gives a section of the level to the area id it became.
	anchors map[string]string
}

// text is an imported Markdown text, with the files it came from and goes to, so its links can
// be rewritten once every page has a place.
type text struct {
	s       *string
	content string // the content file it came from
	fw      string // the framework file it goes to
}

func (im *importer) warnf(file string, format string, args ...any) {
	w := fmt.Sprintf(format, args...)
	if file != "" {
		w = file + ": " + w
	}
	for _, x := range im.warnings {
		if x == w {
			return // the same thing said twice about one file helps nobody
		}
	}
	im.warnings = append(im.warnings, w)
}

// Import reads the ladders and pages of the Hugo site in fsys (its root folder).
func Import(fsys fs.FS) (*Result, error) {
	im := &importer{fsys: fsys, byURL: map[string]*target{}, byFile: map[string]*target{}}
	if st, err := fs.Stat(fsys, "content"); err != nil || !st.IsDir() {
		return nil, ErrNotASite
	}
	im.docs = "content"
	if st, err := fs.Stat(fsys, "content/docs"); err == nil && st.IsDir() {
		im.docs = "content/docs"
	}
	pages, err := im.readPages()
	if err != nil {
		return nil, err
	}
	f := &ladder.Framework{Format: ladder.FormatVersion, Title: im.siteTitle(), Scale: ladder.DefaultScale()}
	im.warnf("", "a Hugo site has no rating scale; gave the framework the scale Not yet, Sometimes, Consistently (edit it in rungs.yaml)")

	// Sort pages into the docs root, ladders (folders with level pages) and other folders.
	root, folders := splitFolders(im.docs, pages)
	pageTaken := map[string]bool{}
	var ladderPages []*page // pages found in ladder folders, listed after the root's
	for _, name := range sortedFolders(folders) {
		fp := folders[name]
		var levels, others []*page
		var index *page
		for _, p := range fp {
			switch {
			case path.Base(p.file) == "_index.md" && path.Dir(p.file) == path.Join(im.docs, name):
				index = p
			case isLeaf(im.docs, name, p) && looksLikeLevel(p.body):
				levels = append(levels, p)
			default:
				others = append(others, p)
			}
		}
		if len(levels) == 0 {
			if index != nil {
				others = append([]*page{index}, others...)
			}
			ladderPages = append(ladderPages, others...)
			continue
		}
		ld := im.ladder(name, index, levels)
		f.Ladders = append(f.Ladders, ld)
		ladderPages = append(ladderPages, others...)
	}
	if len(f.Ladders) == 0 {
		return nil, fmt.Errorf("found no ladder in %s: a ladder is a folder %s/<function>/ with level pages (pages with a ## ... Competencies or ## Broad Indicators section)", im.docs, im.docs)
	}
	sortPages(root)
	var rootIndex *page
	for _, p := range root {
		if path.Base(p.file) == "_index.md" {
			rootIndex = p
			if d := p.str("description"); d != "" {
				f.Description = d
			}
			if t := p.str("title"); t != "" && f.Title == "" {
				f.Title = t
			}
		}
	}
	if f.Title == "" {
		f.Title = "Career Framework"
	}
	for _, p := range append(root, ladderPages...) {
		if p == rootIndex && strings.TrimSpace(dropComments(p.body)) == "" {
			continue
		}
		f.Pages = append(f.Pages, im.page(p, pageTaken))
	}
	im.rewriteLinks()
	ladder.AssignIDs(f)
	if home, err := fs.ReadFile(fsys, "content/_index.md"); err == nil && im.docs != "content" {
		if hp, err := parsePage("content/_index.md", home); err == nil && strings.TrimSpace(dropComments(hp.body)) != "" {
			im.warnf("content/_index.md", "the site's home page was not imported: rungs makes its own from the framework")
		}
	}
	return &Result{Framework: f, Warnings: im.warnings}, nil
}

// readPages reads every Markdown file under the docs folder and notes other content sections.
func (im *importer) readPages() ([]*page, error) {
	var pages []*page
	err := fs.WalkDir(im.fsys, im.docs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && p != im.docs {
				return fs.SkipDir
			}
			return nil
		}
		ext := path.Ext(p)
		if ext != ".md" && ext != ".markdown" {
			if ext == ".html" || ext == ".adoc" || ext == ".org" || ext == ".rst" {
				im.warnf(p, "not imported: only Markdown content is read")
			}
			return nil
		}
		src, err := fs.ReadFile(im.fsys, p)
		if err != nil {
			return err
		}
		pg, err := parsePage(p, src)
		if err != nil {
			return err
		}
		if b, ok := pg.front["headless"].(bool); ok && b {
			return nil
		}
		pages = append(pages, pg)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if im.docs == "content/docs" {
		entries, _ := fs.ReadDir(im.fsys, "content")
		for _, e := range entries {
			if e.IsDir() && e.Name() != "docs" {
				im.warnf("content/"+e.Name(), "not imported: only content/docs holds the ladders and their pages")
			}
		}
	}
	return pages, nil
}

// siteTitle reads the title from the site's configuration, if it has one.
func (im *importer) siteTitle() string {
	for _, name := range []string{"hugo.yaml", "hugo.yml", "hugo.toml", "hugo.json", "config.yaml", "config.yml", "config.toml", "config.json", "config/_default/hugo.yaml", "config/_default/hugo.toml", "config/_default/config.yaml", "config/_default/config.toml"} {
		src, err := fs.ReadFile(im.fsys, name)
		if err != nil {
			continue
		}
		var fm string
		switch path.Ext(name) {
		case ".toml":
			fm = "+++\n" + string(src) + "\n+++\n"
		case ".json":
			fm = string(src)
		default:
			fm = "---\n" + string(src) + "\n---\n"
		}
		p, err := parsePage(name, []byte(fm))
		if err != nil {
			im.warnf(name, "could not read the site configuration: %v", err)
			return ""
		}
		return p.str("title")
	}
	return ""
}

// splitFolders separates the pages directly in the docs folder from those in each sub-folder.
func splitFolders(docs string, pages []*page) (root []*page, folders map[string][]*page) {
	folders = map[string][]*page{}
	for _, p := range pages {
		rel := strings.TrimPrefix(p.file, docs+"/")
		dir, _, nested := strings.Cut(rel, "/")
		// A page bundle (name/index.md) at the top is a page, not a folder of pages.
		if !nested || (path.Base(rel) == "index.md" && strings.Count(rel, "/") == 1) {
			root = append(root, p)
			continue
		}
		folders[dir] = append(folders[dir], p)
	}
	return root, folders
}

// isLeaf reports whether p sits directly in the ladder's folder (x.md or x/index.md).
func isLeaf(docs, name string, p *page) bool {
	rel := strings.TrimPrefix(p.file, path.Join(docs, name)+"/")
	return !strings.Contains(rel, "/") || (path.Base(rel) == "index.md" && strings.Count(rel, "/") == 1)
}

// pageName is the file name a page goes by: x for x.md and for the bundle x/index.md.
func pageName(file string) string {
	if b := path.Base(file); b == "index.md" || b == "_index.md" {
		return path.Base(path.Dir(file))
	}
	return strings.TrimSuffix(path.Base(file), path.Ext(file))
}

func sortedFolders(m map[string][]*page) []string {
	type folder struct {
		name   string
		weight float64
		has    bool
	}
	var fs []folder
	for name, pages := range m {
		f := folder{name: name}
		for _, p := range pages {
			if path.Base(p.file) == "_index.md" && strings.Count(strings.TrimPrefix(p.file, "content/"), "/") <= 2 {
				f.weight, f.has = p.weight()
			}
		}
		fs = append(fs, f)
	}
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.has != b.has {
			return a.has
		}
		if a.weight != b.weight {
			return a.weight < b.weight
		}
		return a.name < b.name
	})
	var out []string
	for _, f := range fs {
		out = append(out, f.name)
	}
	return out
}

// sortPages orders pages as Hugo does: by weight (pages without one last), then by title, then
// by file.
func sortPages(ps []*page) {
	sort.SliceStable(ps, func(i, j int) bool {
		wi, hi := ps[i].weight()
		wj, hj := ps[j].weight()
		if hi != hj {
			return hi
		}
		if wi != wj {
			return wi < wj
		}
		ti, tj := firstNonEmpty(ps[i].str("linktitle"), ps[i].str("title")), firstNonEmpty(ps[j].str("linktitle"), ps[j].str("title"))
		if ti != tj {
			return ti < tj
		}
		return ps[i].file < ps[j].file
	})
}

// url is the address Hugo gives a content file, honouring url and slug.
func url(p *page) string {
	if u := p.str("url"); u != "" {
		return "/" + strings.Trim(strings.ToLower(u), "/") + "/"
	}
	rel := strings.TrimPrefix(p.file, "content/")
	dir := path.Dir(rel)
	switch path.Base(rel) {
	case "_index.md", "index.md":
		rel = dir
	default:
		name := pageName(rel)
		if s := p.str("slug"); s != "" {
			name = s
		}
		rel = path.Join(dir, name)
	}
	return "/" + strings.Trim(strings.ToLower(rel), "/") + "/"
}

// register records where a content file ends up, under its URL and its content path.
func (im *importer) register(p *page, t *target) {
	im.byFile[p.file] = t
	im.byURL[url(p)] = t
	rel := strings.TrimPrefix(p.file, "content/")
	im.byURL["ref:"+strings.ToLower(rel)] = t
	im.byURL["ref:"+strings.ToLower(strings.TrimSuffix(rel, path.Ext(rel)))] = t
}

// convert turns a content file's Markdown into plain Markdown: comments dropped, shortcodes and
// raw HTML rewritten; links are rewritten later, when every page has its place.
func (im *importer) convert(file, s string) string {
	warn := func(msg string) { im.warnf(file, "%s", msg) }
	s = dropComments(s)
	s = renderShortcodes(parseShortcodes(s), warn)
	s = convertHTMLBlocks(s, warn)
	return strings.Trim(collapseBlank(s), "\n")
}

// track remembers a text for the link pass.
func (im *importer) track(s *string, content, fw string) {
	im.texts = append(im.texts, &text{s: s, content: content, fw: fw})
}

func (im *importer) page(p *page, taken map[string]bool) *ladder.Page {
	name := pageName(p.file)
	if path.Base(p.file) == "_index.md" && path.Dir(p.file) == im.docs {
		name = firstNonEmpty(p.str("title"), "overview")
	}
	id := name
	if !ladder.ValidID(id) || taken[id] {
		id = ladder.Slug(name, taken)
	}
	taken[id] = true
	pg := &ladder.Page{ID: id, Title: firstNonEmpty(p.str("title"), p.str("linktitle"), name), Path: "pages/" + id + ".md"}
	im.register(p, &target{file: pg.Path})
	pg.Body = im.convert(p.file, p.body)
	im.track(&pg.Body, p.file, pg.Path)
	return pg
}
