// Package hugo moves career ladders between rungs and Markdown: it imports the ladder pages of
// a Hugo site, or a plain folder (or file) of Markdown level pages, into a framework, and exports
// a framework as a Hugo site for the Hextra theme that imports back as the same framework.
package hugo

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/rungs/rungs/internal/ladder"
)

// Result is a framework read from a Hugo site or from Markdown, with a warning for each thing
// that could not be mapped as it was.
type Result struct {
	Framework *ladder.Framework
	Warnings  []Warning
}

// ErrNotASite means the folder has no content/ folder.
var ErrNotASite = errors.New("no content/ folder: is this a Hugo site?")

// DataDir is where an exported site keeps the framework's YAML (rungs.yaml, crosswalk.yaml and
// ladders/<ladder>.yaml), which Hugo and Hextra ignore; Import reads it back, so an export
// imports as the very same framework.
const DataDir = "data/rungs"

// importer holds what is learnt while reading the source.
type importer struct {
	fsys   fs.FS
	docs   string // the folder that holds the ladders: content/docs of a Hugo site, "." else
	warn   warnings
	byURL  map[string]*target // page URL (and content path) -> where it ends up
	byFile map[string]*target // content file -> where it ends up
	texts  []*text            // every imported text, for the link pass at the end
	// inFile maps a file and an anchor in it ("ladder.md#senior") to a level, for links between
	// the levels of one file.
	inFile map[string]*target
	// hugo is set when reading a Hugo site: shortcodes are read, and headings other than the
	// usual ladder sections are pointed out.
	hugo bool
	// shape is the framework's own YAML when the source has it, and shapeFiles maps each of its
	// files to where it is in the source, for messages.
	shape        *ladder.Shape
	shapeFiles   map[string]string
	shapeLadders []*ladder.Ladder // the shape's ladders: the framework's list is rebuilt from the pages
}

func newImporter(fsys fs.FS) *importer {
	return &importer{fsys: fsys, docs: ".", byURL: map[string]*target{}, byFile: map[string]*target{}, inFile: map[string]*target{}}
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

// Import reads the ladders and pages of the Hugo site in fsys (its root folder). A site that
// rungs exported has the framework's YAML under data/rungs/, and imports as the same framework.
func Import(fsys fs.FS) (*Result, error) {
	im := newImporter(fsys)
	im.hugo = true
	if st, err := fs.Stat(fsys, "content"); err != nil || !st.IsDir() {
		return nil, ErrNotASite
	}
	docs := "content"
	if st, err := fs.Stat(fsys, "content/docs"); err == nil && st.IsDir() {
		docs = "content/docs"
	}
	im.docs = docs
	if err := im.readShape(DataDir); err != nil {
		return nil, err
	}
	pages, err := im.readPages(docs)
	if err != nil {
		return nil, err
	}
	f := im.framework(im.siteTitle(), "a Hugo site")

	// Sort pages into the docs root, ladders (folders with level pages) and other folders.
	root, folders := splitFolders(docs, pages)
	var ladderPages []*page // pages found in ladder folders, listed after the root's
	for _, name := range sortedFolders(folders) {
		fp := folders[name]
		var leaves, others []*page
		var index *page
		for _, p := range fp {
			switch {
			case path.Base(p.file) == "_index.md" && path.Dir(p.file) == path.Join(docs, name):
				index = p
			case isLeaf(docs, name, p):
				leaves = append(leaves, p)
			default:
				others = append(others, p)
			}
		}
		shape, listed := im.shapeLadder(name)
		levels, rest := levelPages(leaves, shape, listed)
		others = append(rest, others...)
		if len(levels) == 0 {
			if index != nil {
				others = append([]*page{index}, others...)
			}
			ladderPages = append(ladderPages, others...)
			continue
		}
		f.Ladders = append(f.Ladders, im.ladder(ladderSource{name: name, index: index, levels: im.orderLevels(levels, index, listed), shape: shape}))
		sortPages(others)
		ladderPages = append(ladderPages, others...)
	}
	if len(f.Ladders) == 0 {
		return nil, fmt.Errorf("found no ladder in %s: a ladder is a folder %s/<function>/ with level pages (pages whose headings hold bullets, or that have a ## ... Competencies or ## Broad Indicators section)", docs, docs)
	}
	sortPages(root)
	var rootIndex *page
	for _, p := range root {
		if path.Base(p.file) == "_index.md" {
			rootIndex = p
			if d := p.str("description"); d != "" && im.shape == nil {
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
	pageTaken := map[string]bool{}
	for _, p := range append(root, ladderPages...) {
		if p == rootIndex && strings.TrimSpace(dropComments(p.body)) == "" {
			continue
		}
		f.Pages = append(f.Pages, im.page(p, pageTaken))
	}
	if home, err := fs.ReadFile(fsys, "content/_index.md"); err == nil && docs != "content" && im.shape == nil {
		if hp, err := parsePage("content/_index.md", home); err == nil && strings.TrimSpace(dropComments(hp.body)) != "" {
			im.warn.add("content/_index.md", "the site's home page was not imported: rungs makes its own from the framework")
		}
	}
	return im.finish(f)
}

// framework starts the framework: from the source's YAML when it has it, else with the given
// title and the default scale.
func (im *importer) framework(title, what string) *ladder.Framework {
	if im.shape != nil {
		f := im.shape.Framework
		f.Ladders = nil
		return f
	}
	im.warn.add("", "%s has no rating scale; gave the framework the scale Not yet, Sometimes, Consistently (edit it in rungs.yaml)", what)
	return &ladder.Framework{Format: ladder.FormatVersion, Title: title, Scale: ladder.DefaultScale()}
}

// finish rewrites links, gives expectations without an id one, and reads what in the source's
// YAML refers to levels (branches, equivalences, the crosswalk, promotion guidance).
func (im *importer) finish(f *ladder.Framework) (*Result, error) {
	im.rewriteLinks()
	ladder.AssignIDs(f)
	if im.shape != nil {
		// The ladders in the order the framework's YAML lists them; folders are read by name.
		order := map[string]int{}
		for i, ld := range im.shapeLadders {
			order[ld.ID] = i
		}
		rank := func(ld *ladder.Ladder) int {
			if i, ok := order[ld.ID]; ok {
				return i
			}
			return len(order)
		}
		sort.SliceStable(f.Ladders, func(i, j int) bool { return rank(f.Ladders[i]) < rank(f.Ladders[j]) })
		for _, ld := range im.shapeLadders {
			if f.Ladder(ld.ID) == nil {
				im.warn.add(im.shapeFiles[ld.Path], "ladder %q has no level pages in the source; left it out", ld.ID)
			}
		}
		diags := im.shape.Resolve()
		var errs []string
		for _, d := range diags {
			d.Pos.File = firstNonEmpty(im.shapeFiles[d.Pos.File], d.Pos.File)
			if d.Severity == ladder.Error {
				errs = append(errs, d.String())
			} else {
				im.warn.add("", "%s", d.String())
			}
		}
		if len(errs) > 0 {
			return nil, fmt.Errorf("the framework's YAML does not fit the pages:\n%s", strings.Join(errs, "\n"))
		}
	}
	return &Result{Framework: f, Warnings: im.warn.result()}, nil
}

// readShape reads the framework's YAML from dir of the source, if it is there: rungs.yaml,
// crosswalk.yaml, and ladders/<ladder>/ladder.yaml or (as an exported site keeps it)
// ladders/<ladder>.yaml.
func (im *importer) readShape(dir string) error {
	if _, err := fs.Stat(im.fsys, path.Join(dir, ladder.FrameworkFile)); err != nil {
		return nil
	}
	m := fstest.MapFS{}
	im.shapeFiles = map[string]string{}
	add := func(fw, src string) error {
		b, err := fs.ReadFile(im.fsys, src)
		if err != nil {
			return err
		}
		m[fw] = &fstest.MapFile{Data: b}
		im.shapeFiles[fw] = src
		return nil
	}
	if err := add(ladder.FrameworkFile, path.Join(dir, ladder.FrameworkFile)); err != nil {
		return err
	}
	if _, err := fs.Stat(im.fsys, path.Join(dir, ladder.CrosswalkFile)); err == nil {
		if err := add(ladder.CrosswalkFile, path.Join(dir, ladder.CrosswalkFile)); err != nil {
			return err
		}
	}
	entries, _ := fs.ReadDir(im.fsys, path.Join(dir, "ladders"))
	for _, e := range entries {
		name := e.Name()
		src := path.Join(dir, "ladders", name)
		switch {
		case e.IsDir():
			if _, err := fs.Stat(im.fsys, path.Join(src, ladder.LadderFile)); err != nil {
				continue
			}
			src = path.Join(src, ladder.LadderFile)
		case strings.HasSuffix(name, ".yaml"):
			name = strings.TrimSuffix(name, ".yaml")
		default:
			continue
		}
		if err := add(path.Join("ladders", name, ladder.LadderFile), src); err != nil {
			return err
		}
	}
	shape, diags, err := ladder.LoadShape(m)
	if err != nil {
		return err
	}
	var errs []string
	for _, d := range diags {
		d.Pos.File = firstNonEmpty(im.shapeFiles[d.Pos.File], d.Pos.File)
		if d.Severity == ladder.Error {
			errs = append(errs, d.String())
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("the framework's YAML in %s has errors:\n%s", dir, strings.Join(errs, "\n"))
	}
	im.shape = shape
	im.shapeLadders = shape.Framework.Ladders
	return nil
}

// shapeLadder is the ladder the source's YAML describes for a folder, with its level ids in
// order, or nil.
func (im *importer) shapeLadder(folder string) (*ladder.Ladder, []string) {
	if im.shape == nil {
		return nil, nil
	}
	for _, ld := range im.shapeLadders {
		if ld.ID == folder {
			return ld, im.shape.Levels[ld.ID]
		}
	}
	return nil, nil
}

// readPages reads every Markdown file under the docs folder and notes other content sections.
func (im *importer) readPages(docs string) ([]*page, error) {
	var pages []*page
	err := fs.WalkDir(im.fsys, docs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && p != docs {
				return fs.SkipDir
			}
			return nil
		}
		ext := path.Ext(p)
		if ext != ".md" && ext != ".markdown" {
			if ext == ".html" || ext == ".adoc" || ext == ".org" || ext == ".rst" {
				im.warn.add(p, "not imported: only Markdown content is read")
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
	if docs == "content/docs" {
		entries, _ := fs.ReadDir(im.fsys, "content")
		for _, e := range entries {
			if e.IsDir() && e.Name() != "docs" {
				im.warn.add("content/"+e.Name(), "not imported: only content/docs holds the ladders and their pages")
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
			im.warn.add(name, "could not read the site configuration: %v", err)
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
	warn := func(msg string) { im.warn.add(file, "%s", msg) }
	s = dropComments(s)
	if im.hugo {
		s = renderShortcodes(parseShortcodes(s), warn)
		// What an export escaped so that Hugo would not read it as a shortcode.
		s = strings.ReplaceAll(s, "&#123;&#123;", "{{")
	}
	s = hardBreaks(s)
	s = convertHTMLBlocks(s, warn)
	return strings.Trim(collapseBlank(s), "\n")
}

// track remembers a text for the link pass.
func (im *importer) track(s *string, content, fw string) {
	im.texts = append(im.texts, &text{s: s, content: content, fw: fw})
}

func (im *importer) page(p *page, taken map[string]bool) *ladder.Page {
	name := pageName(p.file)
	if isIndexPage(p.file) && path.Dir(p.file) == im.docs {
		name = firstNonEmpty(p.title(), "overview")
	}
	id := name
	if !ladder.ValidID(id) || taken[id] {
		id = ladder.Slug(name, taken)
	}
	taken[id] = true
	pg := &ladder.Page{ID: id, Title: firstNonEmpty(p.title(), p.str("linktitle"), titleFromName(name)), Path: "pages/" + id + ".md"}
	im.register(p, &target{file: pg.Path})
	pg.Body = im.convert(p.file, dropTitle(p.body, pg.Title))
	im.track(&pg.Body, p.file, pg.Path)
	return pg
}
