package hugo

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rungs/rungs/internal/ladder"
)

// knownSections are the headings of the common career-ladder page shape; any other heading
// still becomes an area, with a warning, so nothing is dropped unnoticed.
var knownSections = map[string]bool{
	"core competencies": true, "functional competencies": true, "behavioral competencies": true,
	"behavioural competencies": true, "core": true, "management": true, "delighting people": true,
	"organization building": true, "organisation building": true, "social capital": true,
	"enabling traits": true, "functional": true, "behavioral": true, "behavioural": true,
}

// areaAcc gathers one area across the levels of a ladder.
type areaAcc struct {
	title string
	area  *ladder.Area
	items int
	trait int // items written "**Name**: text"
}

type groupAcc struct {
	title string
	group *ladder.Group
	areas []*areaAcc
}

func (im *importer) ladder(name string, index *page, pages []*page) *ladder.Ladder {
	id := name
	if !ladder.ValidID(id) {
		id = ladder.Slug(name, nil)
	}
	dir := "ladders/" + id
	ld := &ladder.Ladder{ID: id, Title: titleFromName(name), Path: dir + "/ladder.yaml"}
	if index != nil {
		ld.Title = firstNonEmpty(index.str("title"), ld.Title)
		ld.Summary = index.str("description")
		ld.Description = im.convert(index.file, index.body)
		if ld.Description != "" {
			ld.Description += "\n"
		}
		im.register(index, &target{file: ld.Path})
		im.track(&ld.Description, index.file, ld.Path)
	}
	sortPages(pages)

	type parsed struct {
		lv  *ladder.Level
		doc *levelDoc
		p   *page
		t   *target
	}
	var levels []parsed
	levelTaken, codes := map[string]bool{}, map[string]bool{}
	for i, p := range pages {
		lid := pageName(p.file)
		if !ladder.ValidID(lid) || levelTaken[lid] {
			lid = ladder.Slug(lid, levelTaken)
		}
		levelTaken[lid] = true
		title := firstNonEmpty(p.str("title"), p.str("linktitle"), titleFromName(lid))
		lv := &ladder.Level{ID: lid, Title: title, Summary: p.str("description"), Path: dir + "/" + lid + ".md"}
		// A short link title ("L3", "SE II") reads as the level's code; otherwise levels are
		// numbered in order.
		code := p.str("code") // as rungs writes it in an exported site
		if code == "" {
			code = p.str("linktitle")
		}
		if code == "" || code == title || len([]rune(code)) > 12 || codes[code] {
			code = fmt.Sprintf("L%d", i+1)
		}
		for codes[code] {
			code += "'"
		}
		codes[code] = true
		lv.Code = code
		body := dropComments(p.body)
		doc := parseLevel(title, body, p.bodyStart, func(s string) string { return im.convert(p.file, s) })
		t := &target{file: lv.Path, level: lv, anchors: map[string]string{}}
		im.register(p, t)
		levels = append(levels, parsed{lv: lv, doc: doc, p: p, t: t})
		ld.Levels = append(ld.Levels, lv)
	}

	// Areas and groups, in the order the levels first use them.
	var groups []*groupAcc
	findGroup := func(title string) *groupAcc {
		for _, g := range groups {
			if strings.EqualFold(g.title, title) {
				return g
			}
		}
		g := &groupAcc{title: title}
		groups = append(groups, g)
		return g
	}
	findArea := func(g *groupAcc, title string, after *areaAcc) *areaAcc {
		for _, a := range g.areas {
			if strings.EqualFold(a.title, title) {
				return a
			}
		}
		a := &areaAcc{title: title}
		at := len(g.areas)
		for i, x := range g.areas {
			if x == after {
				at = i + 1
			}
		}
		g.areas = append(g.areas[:at], append([]*areaAcc{a}, g.areas[at:]...)...)
		return a
	}
	blockArea := map[*areaBlock]*areaAcc{}
	trackTaken := map[string]bool{}
	for _, l := range levels {
		var prev *areaAcc
		for _, b := range l.doc.blocks {
			if len(b.items) == 0 && len(b.prose) == 0 {
				continue
			}
			g := findGroup(b.group)
			a := findArea(g, b.area, prev)
			prev = a
			blockArea[b] = a
			for _, it := range b.items {
				a.items++
				if _, _, ok := ladder.SplitTrait(it.text); ok {
					a.trait++
				}
			}
			for _, h := range []string{b.group, b.area} {
				if !knownSections[strings.ToLower(h)] {
					im.warnf(l.p.file, "section %q is not one of the usual ladder sections; imported it as area %q", h, b.area)
					break
				}
			}
			if b.track != "" {
				if _, ok := findTrack(ld, b.track); !ok {
					ld.Tracks = append(ld.Tracks, &ladder.Track{ID: ladder.Slug(b.track, trackTaken), Title: b.track})
				}
			}
		}
	}
	groupTaken, areaTaken := map[string]bool{}, map[string]bool{}
	for _, g := range groups {
		lg := &ladder.Group{ID: ladder.Slug(g.title, groupTaken), Title: g.title}
		g.group = lg
		for _, a := range g.areas {
			kind := ladder.KindExpectations
			if a.items > 0 && a.trait == a.items {
				kind = ladder.KindTraits
			}
			a.area = &ladder.Area{ID: ladder.Slug(a.title, areaTaken), Title: a.title, Kind: kind, Group: lg.ID}
			lg.Areas = append(lg.Areas, a.area)
		}
		ld.Groups = append(ld.Groups, lg)
	}

	for _, l := range levels {
		im.fillLevel(ld, l.lv, l.doc, l.p, l.t, blockArea)
	}
	return ld
}

// fillLevel puts a parsed level page into the model: expectations per area, prose that is not a
// bullet into the introduction, time split and tenure from the indicators.
func (im *importer) fillLevel(ld *ladder.Ladder, lv *ladder.Level, doc *levelDoc, p *page, t *target, blockArea map[*areaBlock]*areaAcc) {
	intro := doc.intro
	for _, b := range doc.blocks {
		a := blockArea[b]
		if a == nil {
			if g := findGroupArea(ld, b.group); g != "" {
				t.anchors[b.anchor] = g
			}
			continue
		}
		t.anchors[b.anchor] = a.area.ID
		la := lv.Area(a.area.ID)
		if la == nil {
			la = &ladder.LevelArea{Area: a.area.ID}
			lv.Areas = append(lv.Areas, la)
		}
		track := ""
		if b.track != "" {
			tr, _ := findTrack(ld, b.track)
			track = tr.ID
		}
		items := b.items
		if len(items) == 0 {
			// A section of prose only: each paragraph is one expectation.
			for _, para := range b.prose {
				items = append(items, &item{text: strings.Join(strings.Fields(para), " ")})
			}
			im.warnf(p.file, "section %q has paragraphs, not bullets; imported each paragraph as an expectation", b.area)
		} else if len(b.prose) > 0 {
			intro = append(intro, "")
			for i, para := range b.prose {
				if i == 0 {
					para = "**" + b.area + ":** " + para
				}
				intro = append(intro, para, "")
			}
			im.warnf(p.file, "section %q has text that is not a bullet; moved it to the level's introduction", b.area)
		}
		for _, it := range items {
			if strings.TrimSpace(it.text) == "" {
				continue
			}
			e := &ladder.Expectation{Text: it.text, Examples: it.examples, Track: track}
			if a.area.Kind == ladder.KindTraits {
				e.Name, e.Text, _ = ladder.SplitTrait(it.text)
			}
			la.Expectations = append(la.Expectations, e)
		}
	}
	if doc.flattened {
		im.warnf(p.file, "bullets nested more than one level deep became examples of the expectation above them")
	}

	splits, tenure, rest := parseIndicators(doc.indicators)
	if tenure != nil {
		lv.Tenure = *tenure
	}
	seen := map[string]bool{}
	for _, s := range splits {
		area := matchArea(ld, s.name)
		if area == "" || seen[area] {
			rest = append(rest, s.text)
			im.warnf(p.file, "time split %q names no single area of the ladder; kept it in the level's introduction", s.text)
			continue
		}
		seen[area] = true
		lv.TimeSplit = append(lv.TimeSplit, ladder.AreaRange{Area: area, Range: s.rng})
	}
	if len(rest) > 0 {
		intro = append(intro, "", "**Broad indicators:**", "")
		for _, r := range rest {
			intro = append(intro, "- "+r)
		}
		im.warnf(p.file, "could not read %d broad indicator(s) as a time split or tenure; kept them in the level's introduction", len(rest))
	}
	if len(doc.indicators) > 0 && tenure == nil && len(splits) == 0 {
		im.warnf(p.file, "the Broad Indicators section gave no time split and no tenure")
	}
	lv.Intro = demoteHeadings(strings.Trim(collapseBlank(strings.Join(intro, "\n")), "\n"))
	im.track(&lv.Intro, p.file, lv.Path)
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

// findGroupArea is the first area of the group with the given title, for links to a group
// heading.
func findGroupArea(ld *ladder.Ladder, title string) string {
	for _, g := range ld.Groups {
		if strings.EqualFold(g.Title, title) && len(g.Areas) > 0 {
			return g.Areas[0].ID
		}
	}
	return ""
}

func findTrack(ld *ladder.Ladder, title string) (*ladder.Track, bool) {
	for _, t := range ld.Tracks {
		if strings.EqualFold(t.Title, title) {
			return t, true
		}
	}
	return nil, false
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
