package hugo

import (
	"path"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rungs/rungs/internal/ladder"
)

// ladderSource is one ladder as the source holds it: a folder of level pages (or the levels of one
// file), with its own page and, when the source has them, the ladder's YAML.
type ladderSource struct {
	name   string         // the folder's name: the ladder's id
	index  *page          // the ladder's own page (_index.md, README.md), or nil
	levels []*page        // the level pages, in order
	shape  *ladder.Ladder // the ladder as its ladder.yaml describes it, or nil
}

// areaAcc gathers one area across the levels of a ladder.
type areaAcc struct {
	title string
	id    string // from a {#id} attribute on its heading
	area  *ladder.Area
	group *groupAcc
	items int
	trait int // items written "**Name**: text"
}

type groupAcc struct {
	title string
	group *ladder.Group
	areas []*areaAcc
	plain bool // made for a heading with no group word ("## Technology"), not "## Core Competencies"
}

// block is what one level says under one area heading (and track).
type block struct {
	area  *areaAcc
	track string // the track's title, "" for every track
	sec   *section
}

// builder makes one ladder from its level pages.
type builder struct {
	im     *importer
	ld     *ladder.Ladder
	shaped bool // groups, areas and tracks come from the ladder's YAML
	groups []*groupAcc
}

// knownSections are the headings of the common career-ladder page shape; any other heading
// still becomes an area, with a warning, so nothing is dropped unnoticed.
var knownSections = map[string]bool{
	"core competencies": true, "functional competencies": true, "behavioral competencies": true,
	"behavioural competencies": true, "core": true, "management": true, "delighting people": true,
	"organization building": true, "organisation building": true, "social capital": true,
	"enabling traits": true, "functional": true, "behavioral": true, "behavioural": true,
}

// ladder makes the ladder of one source folder.
func (im *importer) ladder(src ladderSource) *ladder.Ladder {
	id := src.name
	if !ladder.ValidID(id) {
		id = ladder.Slug(src.name, nil)
	}
	ld := src.shape
	if ld == nil {
		ld = &ladder.Ladder{ID: id, Title: titleFromName(src.name)}
	}
	ld.Path = "ladders/" + ld.ID + "/ladder.yaml"
	ld.Levels = nil
	b := &builder{im: im, ld: ld, shaped: src.shape != nil}
	if src.index != nil {
		p := src.index
		// What a page shows comes from the page, even when the ladder's YAML has it too.
		ld.Title = firstNonEmpty(p.title(), ld.Title)
		if d := p.str("description"); d != "" || !b.shaped {
			ld.Summary = d
		}
		ld.Description = im.convert(p.file, dropOverview(p.body))
		im.register(p, &target{file: ld.Path})
		im.track(&ld.Description, p.file, ld.Path)
	}
	if file := im.shapeFiles[ld.Path]; file != "" {
		im.byFile[file] = &target{file: ld.Path} // links to ladder.yaml, in a framework folder
	}
	for _, g := range ld.Groups {
		ga := &groupAcc{title: g.Title, group: g}
		for _, a := range g.Areas {
			ga.areas = append(ga.areas, &areaAcc{title: a.Title, id: a.ID, area: a, group: ga})
		}
		b.groups = append(b.groups, ga)
	}

	type parsed struct {
		lv     *ladder.Level
		doc    *levelDoc
		p      *page
		t      *target
		blocks []*block
	}
	var levels []parsed
	taken, codes := map[string]bool{}, map[string]bool{}
	for _, p := range src.levels {
		lid := p.id()
		if !ladder.ValidID(lid) || taken[lid] {
			lid = ladder.Slug(lid, taken)
		}
		taken[lid] = true
		title := firstNonEmpty(p.title(), p.str("linktitle"), titleFromName(lid))
		lv := &ladder.Level{ID: lid, Title: title, Summary: firstNonEmpty(p.str("description"), p.str("summary")), Path: "ladders/" + ld.ID + "/" + lid + ".md"}
		// A code is what the page says (rungs writes "code"), or a short link title such as
		// "L3"; a level without one has none.
		code := p.str("code")
		if lt := p.str("linktitle"); code == "" && lt != title && utf8.RuneCountInString(lt) <= 12 {
			code = lt
		}
		if codes[code] {
			im.warn.add(p.file, "level code %q is used by another level too; left it out", code)
			code = ""
		}
		if code != "" {
			codes[code] = true
		}
		lv.Code = code
		doc := parseLevel(title, dropComments(idMarkers(p.body)), p.bodyStart, func(s string) string { return im.convert(p.file, s) })
		if doc.flattened {
			im.warn.add(p.file, "bullets nested more than one level deep became examples of the expectation above them")
		}
		t := &target{file: lv.Path, level: lv, anchors: map[string]string{}}
		if p.anchor != "" {
			im.inFile[p.file+"#"+p.anchor] = t
		} else {
			im.register(p, t)
		}
		levels = append(levels, parsed{lv: lv, doc: doc, p: p, t: t, blocks: b.classify(doc, p.file)})
		ld.Levels = append(ld.Levels, lv)
	}
	b.makeAreas()
	for _, l := range levels {
		b.fillLevel(l.lv, l.doc, l.blocks, l.p, l.t)
	}
	if !b.shaped {
		inferStarts(ld)
	}
	return ld
}

// classify decides which of a level page's sections are areas, tracks and groups: by the ladder's
// YAML when the source has it, else by the usual shape of ladder pages.
func (b *builder) classify(doc *levelDoc, file string) []*block {
	var out []*block
	var group *groupAcc
	var area *areaAcc
	areaDepth := 0
	for i, s := range doc.sections {
		emit := func(a *areaAcc, track string) {
			out = append(out, &block{area: a, track: track, sec: s})
		}
		if b.shaped {
			if a := b.knownArea(s.id, s.heading); a != nil {
				group, area, areaDepth = a.group, a, s.depth
				emit(a, "")
				continue
			}
			if t := b.ld.TrackNamed(s.heading); t != nil && area != nil && s.depth > areaDepth {
				emit(area, t.Title)
				continue
			}
			if g := b.knownGroup(s.heading); g != nil {
				group, area = g, nil
				if len(s.items) > 0 || len(s.prose) > 0 {
					emit(g.areas[0], "")
				}
				continue
			}
			b.im.warn.add(file, "section %q is not an area, track or group of ladder %q; imported it as a new area", s.heading, b.ld.ID)
			if group == nil {
				group = b.findGroup("Other areas", true, nil)
			}
			area, areaDepth = b.findArea(group, s.heading, s.id, area), s.depth
			emit(area, "")
			continue
		}
		// Without the ladder's YAML, an empty section says nothing: it is a group's heading when
		// deeper headings follow, and is left out otherwise.
		nextDeeper := i+1 < len(doc.sections) && doc.sections[i+1].depth > s.depth
		empty := len(s.items) == 0 && len(s.prose) == 0
		before := len(out)
		switch {
		case s.depth == 2:
			group = b.findGroup(s.heading, !hasGroupWord(s.heading) && !nextDeeper, group)
			area, areaDepth = nil, 2
			if !empty {
				area = b.findArea(group, stripGroupWord(s.heading), s.id, nil)
				emit(area, "")
			}
		case empty:
			if s.depth == 3 {
				area = nil
			}
		case s.depth == 3 || area == nil:
			if group == nil {
				group = b.findGroup(s.heading, false, nil)
			}
			area, areaDepth = b.findArea(group, s.heading, s.id, area), s.depth
			emit(area, "")
		default:
			emit(area, s.heading)
		}
		if len(out) > before && b.im.hugo {
			if h := area.title; !knownSections[strings.ToLower(group.title)] && !knownSections[strings.ToLower(h)] {
				b.im.warn.add(file, "section %q is not one of the usual ladder sections; imported it as an area", h)
			}
		}
	}
	for _, bl := range out {
		for _, it := range bl.sec.items {
			bl.area.items++
			if _, _, ok := ladder.SplitTrait(it.text); ok {
				bl.area.trait++
			}
		}
	}
	return out
}

func (b *builder) knownArea(id, heading string) *areaAcc {
	for _, g := range b.groups {
		for _, a := range g.areas {
			if a.area != nil && ((id != "" && a.area.ID == id) || strings.EqualFold(a.area.Title, heading) || a.area.ID == heading) {
				return a
			}
		}
	}
	return nil
}

func (b *builder) knownGroup(heading string) *groupAcc {
	for _, g := range b.groups {
		if g.group != nil && len(g.areas) > 0 && (strings.EqualFold(g.group.Title, heading) || g.group.ID == heading) {
			return g
		}
	}
	return nil
}

// findGroup finds the group with that title, or adds one after the group the page named
// before it, so groups keep the order the levels use.
func (b *builder) findGroup(title string, plain bool, after *groupAcc) *groupAcc {
	for _, g := range b.groups {
		if strings.EqualFold(g.title, title) {
			return g
		}
	}
	g := &groupAcc{title: title, plain: plain}
	at := len(b.groups)
	for i, x := range b.groups {
		if x == after {
			at = i + 1
		}
	}
	b.groups = append(b.groups[:at], append([]*groupAcc{g}, b.groups[at:]...)...)
	return g
}

// findArea finds the area of a group with that title, or adds one after the area the page
// named before it, so areas keep the order the levels use.
func (b *builder) findArea(g *groupAcc, title, id string, after *areaAcc) *areaAcc {
	for _, a := range g.areas {
		if strings.EqualFold(a.title, title) {
			return a
		}
	}
	a := &areaAcc{title: title, id: id, group: g}
	at := len(g.areas)
	for i, x := range g.areas {
		if x == after {
			at = i + 1
		}
	}
	g.areas = append(g.areas[:at], append([]*areaAcc{a}, g.areas[at:]...)...)
	return a
}

// makeAreas gives every area and group found in the pages its place in the ladder. A ladder
// whose every heading was a plain one ("## Technology", "## Leadership") gets one group for all.
func (b *builder) makeAreas() {
	allPlain := len(b.groups) > 0 && !b.shaped
	for _, g := range b.groups {
		allPlain = allPlain && g.plain
	}
	if allPlain && len(b.groups) > 1 {
		one := &groupAcc{title: "Competencies"}
		for _, g := range b.groups {
			for _, a := range g.areas {
				a.group = one
				one.areas = append(one.areas, a)
			}
		}
		b.groups = []*groupAcc{one}
	}
	groupTaken, areaTaken := map[string]bool{}, map[string]bool{}
	for _, g := range b.groups {
		if g.group != nil {
			groupTaken[g.group.ID] = true
		}
		for _, a := range g.areas {
			if a.area != nil {
				areaTaken[a.area.ID] = true
			}
		}
	}
	for _, g := range b.groups {
		if len(g.areas) == 0 {
			continue
		}
		if g.group == nil {
			g.group = &ladder.Group{ID: ladder.Slug(g.title, groupTaken), Title: g.title}
			b.ld.Groups = append(b.ld.Groups, g.group)
		}
		for _, a := range g.areas {
			if a.area != nil {
				continue
			}
			kind := ladder.KindExpectations
			if a.items > 0 && a.trait == a.items {
				kind = ladder.KindTraits
			}
			id := a.id
			if !ladder.ValidID(id) || areaTaken[id] {
				id = ladder.Slug(a.title, areaTaken)
			}
			areaTaken[id] = true
			a.area = &ladder.Area{ID: id, Title: a.title, Kind: kind, Group: g.group.ID}
			g.group.Areas = append(g.group.Areas, a.area)
		}
	}
}

// fillLevel puts a parsed level page into the model: expectations per area, the time split,
// tenure and notes from the indicators.
func (b *builder) fillLevel(lv *ladder.Level, doc *levelDoc, blocks []*block, p *page, t *target) {
	ld, im := b.ld, b.im
	intro := doc.intro
	// A link to a section goes to its area; to a group's heading, to the group's first area.
	for i := len(doc.sections) - 1; i >= 0; i-- {
		for _, bl := range blocks {
			if bl.sec == doc.sections[i] {
				t.anchors[doc.sections[i].anchor()] = bl.area.area.ID
			}
		}
		if _, ok := t.anchors[doc.sections[i].anchor()]; !ok && i+1 < len(doc.sections) {
			t.anchors[doc.sections[i].anchor()] = t.anchors[doc.sections[i+1].anchor()]
		}
	}
	for _, bl := range blocks {
		a := bl.area.area
		la := lv.Area(a.ID)
		if la == nil {
			la = &ladder.LevelArea{Area: a.ID}
			lv.Areas = append(lv.Areas, la)
		}
		track := ""
		if bl.track != "" {
			tr := ld.TrackNamed(bl.track)
			if tr == nil {
				if b.shaped {
					im.warn.add(p.file, "track %q is not a track of ladder %q; added it", bl.track, ld.ID)
				}
				taken := map[string]bool{}
				for _, x := range ld.Tracks {
					taken[x.ID] = true
				}
				tr = &ladder.Track{ID: ladder.Slug(bl.track, taken), Title: bl.track}
				ld.Tracks = append(ld.Tracks, tr)
			}
			track = tr.ID
		}
		items := bl.sec.items
		if len(items) == 0 && len(bl.sec.prose) > 0 {
			// A section of prose only: each paragraph is one expectation.
			for _, para := range bl.sec.prose {
				items = append(items, &item{text: strings.Join(strings.Fields(para), " ")})
			}
			im.warn.add(p.file, "section %q has paragraphs, not bullets; imported each paragraph as an expectation", bl.area.title)
		} else if len(bl.sec.prose) > 0 {
			intro = append(intro, "")
			for i, para := range bl.sec.prose {
				if i == 0 {
					para = "**" + bl.area.title + ":** " + para
				}
				intro = append(intro, para, "")
			}
			im.warn.add(p.file, "section %q has text that is not a bullet; moved it to the level's introduction", bl.area.title)
		}
		for _, it := range items {
			if strings.TrimSpace(it.text) == "" {
				continue
			}
			e := &ladder.Expectation{ID: it.id, Text: it.text, Examples: it.examples, Track: track}
			if a.Kind == ladder.KindTraits {
				if name, text, ok := ladder.SplitTrait(it.text); ok {
					e.Name, e.Text = name, text
				}
			}
			la.Expectations = append(la.Expectations, e)
		}
	}
	// Ids written in the page are kept; one used twice in the level keeps its first place.
	seen := map[string]bool{}
	for _, la := range lv.Areas {
		for _, e := range la.Expectations {
			if e.ID != "" && (seen[e.ID] || ld.Area(e.ID) != nil) {
				im.warn.add(p.file, "expectation id %q is used twice in the level (or is an area's); gave the second a new one", e.ID)
				e.ID = ""
			}
			seen[e.ID] = true
		}
	}

	// Time split, tenure and notes in front matter, as rungs writes them in a level file.
	for _, kv := range p.pairs("time_split") {
		r, err := ladder.ParseRange(kv[1])
		area := matchArea(ld, kv[0])
		if err != nil || area == "" || hasSplit(lv, area) {
			im.warn.add(p.file, "time_split %s: %s names no single area of the ladder, or is not a range; left it out", kv[0], kv[1])
			continue
		}
		lv.TimeSplit = append(lv.TimeSplit, ladder.AreaRange{Area: area, Range: r})
	}
	if s := p.str("tenure"); s != "" {
		if r, err := ladder.ParseRange(s); err == nil {
			lv.Tenure = r
		} else {
			im.warn.add(p.file, "tenure %q is not a range such as 2-3; left it out", s)
		}
	}
	var notes []string
	if n := p.str("indicator_notes"); n != "" {
		notes = append(notes, n)
	}
	for _, ind := range readIndicators(doc.indicators, func(s string) string { return im.convert(p.file, s) }) {
		switch {
		case ind.split != nil:
			area := matchArea(ld, ind.area)
			if area == "" || hasSplit(lv, area) {
				if !b.shaped { // an export writes such a note after the values on purpose
					im.warn.add(p.file, "time split %q names no single area of the ladder; kept it in the level's indicator notes", stripBold(ind.text))
				}
				notes = append(notes, ind.text)
				continue
			}
			lv.TimeSplit = append(lv.TimeSplit, ladder.AreaRange{Area: area, Range: *ind.split})
		case ind.tenure != nil && lv.Tenure.IsZero():
			lv.Tenure = *ind.tenure
		default:
			notes = append(notes, ind.text)
		}
	}
	if len(doc.indicators) > 0 && lv.Tenure.IsZero() && len(lv.TimeSplit) == 0 && !b.shaped {
		im.warn.add(p.file, "the Broad Indicators section gave no time split and no tenure; kept it as the level's indicator notes")
	}
	lv.IndicatorNotes = strings.Trim(collapseBlank(strings.Join(notes, "\n\n")), "\n")
	lv.Intro = demoteHeadings(strings.Trim(collapseBlank(strings.Join(intro, "\n")), "\n"))
	im.track(&lv.Intro, p.file, lv.Path)
	im.track(&lv.IndicatorNotes, p.file, lv.Path)
	for _, la := range lv.Areas {
		for _, e := range la.Expectations {
			im.track(&e.Text, p.file, lv.Path)
			for i := range e.Examples {
				im.track(&e.Examples[i], p.file, lv.Path)
			}
		}
	}
	sortAreas(ld, lv)
}

func hasSplit(lv *ladder.Level, area string) bool {
	for _, s := range lv.TimeSplit {
		if s.Area == area {
			return true
		}
	}
	return false
}

// inferStarts says where an area starts when the pages say so: an area that the lower levels
// have no section for, and every level from some level up has, starts at that level, so rungs
// check has nothing to warn about below it.
func inferStarts(ld *ladder.Ladder) {
	for _, a := range ld.Areas() {
		first := -1
		for i, lv := range ld.Levels {
			if lv.Area(a.ID) != nil {
				first = i
				break
			}
		}
		if first <= 0 {
			continue
		}
		all := true
		for _, lv := range ld.Levels[first:] {
			all = all && lv.Area(a.ID) != nil
		}
		if all {
			a.From = ld.Levels[first].ID
		}
	}
}

var majorHeading = regexp.MustCompile(`(?m)^(#{1,2})([ \t])`)

// demoteHeadings makes # and ## headings ###, since in a level they would end the introduction.
func demoteHeadings(s string) string {
	return majorHeading.ReplaceAllString(s, "###$2")
}

// matchArea finds the area a time split entry names: by title or id, by a group that has one
// area, or by the only area whose title starts with the name ("Social" for "Social Capital").
func matchArea(ld *ladder.Ladder, name string) string {
	n := normalName(name)
	for _, a := range ld.Areas() {
		if normalName(a.Title) == n || a.ID == n {
			return a.ID
		}
	}
	for _, g := range ld.Groups {
		if normalName(g.Title) == n && len(g.Areas) == 1 {
			return g.Areas[0].ID
		}
	}
	found := ""
	for _, a := range ld.Areas() {
		if strings.HasPrefix(normalName(a.Title), n+"-") {
			if found != "" {
				return ""
			}
			found = a.ID
		}
	}
	return found
}

func normalName(s string) string {
	return ladder.Slug(stripGroupWord(strings.TrimSpace(s)), nil)
}

func sortAreas(ld *ladder.Ladder, lv *ladder.Level) {
	order := map[string]int{}
	for i, a := range ld.Areas() {
		order[a.ID] = i
	}
	areas := lv.Areas
	for i := 1; i < len(areas); i++ {
		for j := i; j > 0 && order[areas[j].Area] < order[areas[j-1].Area]; j-- {
			areas[j], areas[j-1] = areas[j-1], areas[j]
		}
	}
}

// titleFromName turns a file or folder name such as "senior-engineer" into "Senior engineer".
func titleFromName(name string) string {
	name = strings.TrimSuffix(path.Base(name), path.Ext(name))
	s := strings.Join(strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' }), " ")
	if s == "" {
		return name
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
