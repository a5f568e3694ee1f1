package hugo

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/rungs/rungs/internal/ladder"
)

// A plain Markdown ladder is read the way a Hugo site's ladders are, with the same reader: level
// pages whose headings are areas, under any names, bullets as expectations. Front matter is
// optional (a page's title is then its # heading, else its file name).
//
//	ladder/                 a folder of level pages is a ladder (sub-folders: one ladder each)
//	  README.md             the ladder's own page: title and description; its links to the
//	                        level pages, in order, give the order of the levels
//	  1-junior.md ...       one page per level; a number in the name, a number or a seniority
//	                        word in the title also give the order
//	  faq.md                a page that is not a level becomes a page of the framework
//
// One file may hold a whole ladder: each heading at the level of its level titles ("## D2 -
// Developer 2") is a level, the headings under it its areas. A folder that is a rungs framework
// (rungs.yaml, ladders/<ladder>/ladder.yaml beside the level files) is read with its YAML, so
// it imports as itself.

// MarkdownSource is a Markdown ladder to import: a folder, or one file in it.
type MarkdownSource struct {
	FS   fs.FS  // the folder
	File string // the file holding a whole ladder, inside FS; "" to read the whole folder
	Name string // the folder's or the file's name, to title what the pages give no title
}

// ImportMarkdown reads the ladders and pages of a folder (or a file) of Markdown level pages.
func ImportMarkdown(src MarkdownSource) (*Result, error) {
	im := newImporter(src.FS)
	if src.File != "" {
		return im.markdownFile(src)
	}
	if err := im.readShape("."); err != nil {
		return nil, err
	}
	var pages []*page
	err := fs.WalkDir(src.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
				return fs.SkipDir
			}
			return nil
		}
		if ext := path.Ext(p); ext != ".md" && ext != ".markdown" {
			return nil
		}
		b, err := fs.ReadFile(src.FS, p)
		if err != nil {
			return err
		}
		pg, err := parsePage(p, b)
		if err != nil {
			return err
		}
		pages = append(pages, pg)
		return nil
	})
	if err != nil {
		return nil, err
	}
	byDir := map[string][]*page{}
	var dirs []string
	for _, p := range pages {
		d := path.Dir(p.file)
		if byDir[d] == nil {
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], p)
	}
	sort.Strings(dirs)

	name := strings.TrimSuffix(src.Name, path.Ext(src.Name))
	f := im.framework(titleFromName(name), "a Markdown ladder")
	var rest []*page
	var rootIndex *page
	for _, dir := range dirs {
		var index *page
		var leaves []*page
		for _, p := range byDir[dir] {
			if isIndexPage(p.file) && index == nil {
				index = p
			} else {
				leaves = append(leaves, p)
			}
		}
		folder := path.Base(dir)
		if dir == "." {
			folder = name
			rootIndex = index
		}
		shape, listed := im.shapeLadder(folder)
		levels, others := levelPages(leaves, shape, listed)
		if len(levels) == 0 {
			if index != nil && dir != "." {
				rest = append(rest, index)
			}
			rest = append(rest, others...)
			continue
		}
		if dir == "." {
			rootIndex = nil // the root is a ladder: its README is the ladder's page
		}
		f.Ladders = append(f.Ladders, im.ladder(ladderSource{name: folder, index: index, levels: im.orderLevels(levels, index, listed), shape: shape}))
		rest = append(rest, others...)
	}
	if len(f.Ladders) == 0 {
		return nil, fmt.Errorf("found no ladder in %s: a ladder is a folder of level pages, Markdown files whose headings (the areas) hold bullets (the expectations), like other level pages of the folder", src.Name)
	}
	if rootIndex != nil && im.shape == nil {
		f.Title = firstNonEmpty(rootIndex.title(), f.Title)
		rest = append([]*page{rootIndex}, rest...)
	}
	im.markdownPages(f, rest)
	return im.finish(f)
}

// markdownPages makes the framework's pages: in the order its YAML lists them when it has one,
// then by path.
func (im *importer) markdownPages(f *ladder.Framework, pages []*page) {
	var listed []string
	if im.shape != nil {
		listed = im.shape.Pages
	}
	rank := func(p *page) int {
		if path.Dir(p.file) == "pages" {
			if i := slices.Index(listed, p.id()); i >= 0 {
				return i
			}
		}
		return len(listed)
	}
	sort.SliceStable(pages, func(i, j int) bool { return rank(pages[i]) < rank(pages[j]) })
	taken := map[string]bool{}
	for _, p := range pages {
		pg := im.page(p, taken)
		if isIndexPage(p.file) && path.Dir(p.file) == "." && pg.ID != "introduction" && !taken["introduction"] {
			delete(taken, pg.ID)
			pg.ID, pg.Path = "introduction", "pages/introduction.md"
			taken[pg.ID] = true
			im.register(p, &target{file: pg.Path})
		}
		f.Pages = append(f.Pages, pg)
	}
}

// markdownFile reads a file that holds a whole ladder.
func (im *importer) markdownFile(src MarkdownSource) (*Result, error) {
	b, err := fs.ReadFile(src.FS, src.File)
	if err != nil {
		return nil, err
	}
	p, err := parsePage(src.File, b)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSuffix(path.Base(src.File), path.Ext(src.File))
	title := firstNonEmpty(p.title(), titleFromName(name))
	body := dropTitle(p.body, title)
	index, levels := splitLevels(p, body)
	if len(levels) == 0 {
		return nil, fmt.Errorf("%s: found no levels: a file holding a ladder has a heading per level (## Senior Engineer), with the areas as headings under it or bullets straight below it", src.File)
	}
	for k, v := range p.front {
		index.front[k] = v // its description is the ladder's summary
	}
	index.front["title"] = title
	f := im.framework(title, "a Markdown ladder")
	id := ladder.Slug(name, nil)
	f.Ladders = append(f.Ladders, im.ladder(ladderSource{name: id, index: index, levels: levels}))
	return im.finish(f)
}

// splitLevels cuts a file holding a whole ladder into its levels. The levels are the headings
// at the depth where most headings name a level (a number or a seniority word), else the
// shallowest depth at which two or more sections hold bullets. Each level becomes a page whose
// headings are moved up to ## for its areas; a level with bullets and no headings gets one area,
// Expectations. What is outside the levels is the ladder's description.
func splitLevels(p *page, body string) (*page, []*page) {
	lines := strings.Split(body, "\n")
	type head struct {
		depth, line int
		text        string
	}
	var heads []head
	inFence := false
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
		}
		if m := headingRE.FindStringSubmatch(t); m != nil && !inFence && line == strings.TrimLeft(line, " \t") {
			heads = append(heads, head{len(m[1]), i, strings.TrimSpace(headingAttr.ReplaceAllString(m[2], ""))})
		}
	}
	// end of a section: the next heading at its depth or above.
	end := func(k int) int {
		for j := k + 1; j < len(heads); j++ {
			if heads[j].depth <= heads[k].depth {
				return heads[j].line
			}
		}
		return len(lines)
	}
	hasBullets := func(k int) bool {
		for _, l := range lines[heads[k].line+1 : end(k)] {
			if bulletRE.MatchString(l) {
				return true
			}
		}
		return false
	}
	best, bestScore, shallow := 0, 0, 0
	for d := 1; d <= 6; d++ {
		score, withBullets := 0, 0
		for k, h := range heads {
			if h.depth != d || !hasBullets(k) {
				continue
			}
			withBullets++
			if _, ok := firstNumber(h.text); ok {
				score++
			} else if r, _ := seniority(h.text); r != 2 {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = d, score
		}
		if withBullets >= 2 && shallow == 0 {
			shallow = d
		}
	}
	if bestScore < 2 {
		best = shallow
	}
	if best == 0 {
		return nil, nil
	}
	index := &page{file: p.file, front: map[string]any{}}
	var outside []string
	var levels []*page
	taken := map[string]bool{}
	pos := 0
	for k, h := range heads {
		if h.depth != best {
			continue
		}
		if h.line > pos {
			outside = append(outside, lines[pos:h.line]...)
		}
		stop := end(k)
		var chunk []string
		hasHeading := false
		for _, l := range lines[h.line+1 : stop] {
			if m := headingRE.FindStringSubmatch(strings.TrimSpace(l)); m != nil && l == strings.TrimLeft(l, " \t") {
				depth := min(max(len(m[1])-best+1, 2), 6)
				l = strings.Repeat("#", depth) + " " + m[2]
				hasHeading = true
			} else if bulletRE.MatchString(l) && !hasHeading && l == strings.TrimLeft(l, " \t") {
				chunk = append(chunk, "## Expectations", "")
				hasHeading = true
			}
			chunk = append(chunk, l)
		}
		levels = append(levels, &page{
			file: p.file, front: map[string]any{"title": h.text}, body: strings.Join(chunk, "\n"),
			bodyStart: p.bodyStart + h.line + 1, name: ladder.Slug(h.text, taken), anchor: headingID(h.text),
		})
		pos = stop
	}
	outside = append(outside, lines[pos:]...)
	index.body = strings.Join(outside, "\n")
	return index, levels
}
