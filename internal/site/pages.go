package site

import (
	"bytes"
	"fmt"
	"html/template"

	"github.com/yuin/goldmark"

	"github.com/rungs/rungs/internal/ladder"
)

// maxNavLadders is the most ladders the header lists by name.
const maxNavLadders = 6

// chrome builds the header and navigation every page shares.
func (r *renderer) chrome() *chrome {
	c := &chrome{
		Title: r.f.Title, Organisation: r.f.Organisation, Logo: r.logoURL, Home: r.url(""),
		Style: r.assetURL["style.css"], Theme: r.assetURL["theme.js"], Script: r.assetURL["app.js"],
		SearchURL: r.url("search/"), CompareURL: r.url("compare/"), CrosswalkURL: r.url("crosswalk/"), AssessURL: r.url(assessPath),
		Repository: r.f.Repository, HasCrosswalk: len(r.f.Crosswalk) > 0, Policy: MetaContentSecurityPolicy,
	}
	if r.opts.LiveReload {
		c.Live = r.assetURL["live.js"]
	}
	if len(r.opts.History) > 0 {
		c.ChangesURL = r.url(changesPath)
	}
	if r.opts.PeopleApp {
		c.PeopleURL = "/people" // the app lives at the root of the host serve listens on
	}
	// A header with more than a handful of ladders stops being navigation; then the home page,
	// which lists them all, stands in for them.
	if len(r.f.Ladders) <= maxNavLadders {
		for _, l := range r.f.Ladders {
			c.Ladders = append(c.Ladders, link{Title: l.Title, URL: r.url(ladderPath(l)), Key: "ladder:" + l.ID})
		}
	} else {
		c.Ladders = []link{{Title: "All ladders", URL: r.url(""), Key: "home"}}
	}
	for _, p := range r.f.Pages {
		c.Pages = append(c.Pages, link{Title: p.Title, URL: r.url(pagePath(p)), Key: "page:" + p.ID})
	}
	return c
}

// pages returns a job for every HTML page of the site.
func (r *renderer) pages() []pageJob {
	c := r.chrome()
	home := link{Title: "Home", URL: r.url("")}
	var jobs []pageJob
	jobs = append(jobs, func() error { return r.home(c) })
	if len(r.opts.History) > 0 {
		jobs = append(jobs, func() error { return r.changesPage(c, home) })
	}
	for _, l := range r.f.Ladders {
		jobs = append(jobs, func() error { return r.ladderPage(c, home, l) })
		jobs = append(jobs, func() error { return r.matrixPage(c, home, l) })
		for i := range l.Levels {
			jobs = append(jobs, func() error { return r.levelPage(c, home, l, i) })
		}
	}
	for _, p := range r.f.Pages {
		jobs = append(jobs, func() error {
			body := r.block(r.markdown(), p.Path, p.Body)
			return r.page(&page{Site: c, Title: p.Title, Section: "page:" + p.ID, Path: pagePath(p),
				Crumbs: []link{home}, Body: body}, "page")
		})
	}
	jobs = append(jobs,
		func() error { return r.comparePage(c, home) },
		func() error { return r.crosswalkPage(c, home) },
		func() error { return r.assessPage(c, home) },
		func() error {
			return r.page(&page{Site: c, Title: "Search", Section: "search", Path: "search/", Crumbs: []link{home}}, "search")
		},
		func() error {
			return r.page(&page{Site: c, Title: "Page not found", Path: "404.html"}, "notfound")
		},
	)
	return jobs
}

// page executes a page's template and adds the result.
func (r *renderer) page(p *page, tmpl string) error {
	if p.Path != "404.html" { // the 404 page stands in for addresses that do not exist
		p.Canonical = r.absolute(p.Path)
	}
	var err error
	if p.Header, err = r.chromeHTML("header", p); err != nil {
		return err
	}
	if p.Footer, err = r.chromeHTML("footer", p); err != nil {
		return err
	}
	var b bytes.Buffer
	b.Grow(48 << 10) // most pages are tens of kilobytes; growing by doubling copies them again
	if err := templates[tmpl].ExecuteTemplate(&b, "layout", p); err != nil {
		return fmt.Errorf("render %s: %w", p.Path, err)
	}
	r.add(file(p.Path), b.Bytes())
	return nil
}

// chromeHTML renders the header or footer for the page's section, once per section.
func (r *renderer) chromeHTML(name string, p *page) (template.HTML, error) {
	key := name + "\x00" + p.Section
	if v, ok := r.chromeCache.Load(key); ok {
		return v.(template.HTML), nil
	}
	var b bytes.Buffer
	if err := templates["page"].ExecuteTemplate(&b, name, p); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	h := template.HTML(b.String())
	r.chromeCache.Store(key, h)
	return h, nil
}

type homeView struct {
	Description string
	Ladders     []ladderCard
	Intro       template.HTML
	IntroTitle  string
}

type ladderCard struct {
	Title, Summary, URL string
	Levels              []levelCard
}

func (r *renderer) home(c *chrome) error {
	v := homeView{Description: r.f.Description}
	for _, l := range r.f.Ladders {
		lc := ladderCard{Title: l.Title, Summary: l.Summary, URL: r.url(ladderPath(l))}
		for _, lv := range l.Levels {
			lc.Levels = append(lc.Levels, *r.card(l, lv))
		}
		v.Ladders = append(v.Ladders, lc)
	}
	if len(r.f.Pages) > 0 {
		intro := r.f.Pages[0]
		for _, p := range r.f.Pages {
			if p.ID == "introduction" {
				intro = p
			}
		}
		v.IntroTitle = intro.Title
		v.Intro = r.block(r.markdown(), intro.Path, intro.Body)
	}
	return r.page(&page{Site: c, Title: "", Description: r.f.Description, Section: "home", Path: "", Body: v}, "home")
}

type ladderView struct {
	Ladder      *ladder.Ladder
	Description template.HTML
	Levels      []levelCard
	Groups      []groupView
	Chart       template.HTML
	Legend      []legendItem
	Relations   []relation
	Matrix      string
	Compare     string
}

type relation struct {
	Text  string
	Links []link
}

func (r *renderer) ladderPage(c *chrome, home link, l *ladder.Ladder) error {
	md := r.markdown()
	v := ladderView{Ladder: l, Description: r.block(md, l.Path, l.Description), Matrix: r.url(matrixPath(l))}
	for _, lv := range l.Levels {
		v.Levels = append(v.Levels, *r.card(l, lv))
	}
	if len(l.Levels) > 1 {
		v.Compare = r.url("compare/") + "?a=" + l.ID + "/" + l.Levels[0].ID + "&b=" + l.ID + "/" + l.Levels[1].ID
	}
	v.Groups = r.groups(md, l, nil, nil)
	v.Chart, v.Legend = r.splitChart(l)
	v.Relations = r.relations(l)
	return r.page(&page{Site: c, Title: l.Title, Description: l.Summary, Section: "ladder:" + l.ID,
		Path: ladderPath(l), Crumbs: []link{home}, Body: v}, "ladder")
}

// relations says how a ladder stands beside the others: where it branches, what branches from
// it, and which levels are equivalent.
func (r *renderer) relations(l *ladder.Ladder) []relation {
	var out []relation
	levelLink := func(ref ladder.LevelRef) (link, bool) {
		ol := r.f.Ladder(ref.Ladder)
		if ol == nil || ol.Level(ref.Level) == nil {
			return link{}, false
		}
		lv := ol.Level(ref.Level)
		return link{Title: lv.Title + " (" + ol.Title + ")", URL: r.url(levelPath(ol, lv))}, true
	}
	if b := l.BranchesFrom; b != nil {
		if lk, ok := levelLink(*b); ok {
			out = append(out, relation{Text: "Branches from", Links: []link{lk}})
		}
	}
	for _, other := range r.f.Ladders {
		if other.BranchesFrom != nil && other.BranchesFrom.Ladder == l.ID {
			if lv := l.Level(other.BranchesFrom.Level); lv != nil {
				out = append(out, relation{Text: other.Title + " branches from " + lv.Title, Links: []link{{Title: other.Title, URL: r.url(ladderPath(other))}}})
			}
		}
	}
	for _, lv := range l.Levels {
		var links []link
		for _, ref := range r.equivalents(l, lv) {
			if lk, ok := levelLink(ref); ok {
				links = append(links, lk)
			}
		}
		if len(links) > 0 {
			out = append(out, relation{Text: lv.Title + " stands level with", Links: links})
		}
	}
	return out
}

// equivalents lists the levels of other ladders declared equal to lv, in either direction.
func (r *renderer) equivalents(l *ladder.Ladder, lv *ladder.Level) []ladder.LevelRef {
	var out []ladder.LevelRef
	for _, eq := range l.Equivalences {
		if eq.Level == lv.ID {
			out = append(out, eq.Equals)
		}
	}
	for _, other := range r.f.Ladders {
		for _, eq := range other.Equivalences {
			if eq.Equals.Ladder == l.ID && eq.Equals.Level == lv.ID {
				out = append(out, ladder.LevelRef{Ladder: other.ID, Level: eq.Level})
			}
		}
	}
	return out
}

// groups renders the areas of a ladder; with a level, its expectations too, marked against the
// level below.
func (r *renderer) groups(md goldmark.Markdown, l *ladder.Ladder, lv, below *ladder.Level) []groupView {
	var prev map[string]*ladder.Expectation
	if below != nil {
		prev = map[string]*ladder.Expectation{}
		for _, la := range below.Areas {
			for _, e := range la.Expectations {
				prev[e.ID] = e
			}
		}
	}
	var out []groupView
	for _, g := range l.Groups {
		gv := groupView{ID: g.ID, Title: g.Title}
		for _, a := range g.Areas {
			if lv != nil && !l.Applies(a, lv.ID) && lv.Area(a.ID) == nil {
				continue // the area starts higher up the ladder
			}
			av := areaView{ID: a.ID, Title: a.Title, Description: r.inline(md, l.Path, a.Description), Traits: a.Kind == ladder.KindTraits}
			if lv != nil {
				if la := lv.Area(a.ID); la != nil {
					all, tracks := r.items(md, l, lv, la, prev)
					if len(all) > 0 {
						av.Items = itemsHTML(all)
					}
					for _, t := range tracks {
						av.Tracks = append(av.Tracks, trackItems{Track: t.track, Items: itemsHTML(t.items)})
					}
				}
			}
			gv.Areas = append(gv.Areas, av)
		}
		if len(gv.Areas) > 0 {
			out = append(out, gv)
		}
	}
	return out
}

// trackList is the expectations of one track in one area.
type trackList struct {
	track *ladder.Track
	items []itemView
}

// items renders what a level expects in one area, split into every-track and per-track lists.
func (r *renderer) items(md goldmark.Markdown, l *ladder.Ladder, lv *ladder.Level, la *ladder.LevelArea, prev map[string]*ladder.Expectation) ([]itemView, []trackList) {
	var all []itemView
	byTrack := map[string][]itemView{}
	edit := r.editURL(lv.Path)
	for _, e := range la.Expectations {
		it := itemView{ID: e.ID, Anchor: e.ID, Name: e.Name, HTML: r.inline(md, lv.Path, e.Text), Track: e.Track, Edit: edit}
		for _, ex := range e.Examples {
			it.Examples = append(it.Examples, r.inline(md, lv.Path, ex))
		}
		if prev != nil {
			switch p, ok := prev[e.ID]; {
			case !ok:
				it.Diff = "new"
			case p.Text != e.Text:
				it.Diff = "changed"
				it.Was = r.inline(md, lv.Path, p.Text)
			}
		}
		if e.Track == "" {
			all = append(all, it)
			continue
		}
		if t := l.Track(e.Track); t != nil {
			it.TrackT = t.Title
		}
		byTrack[e.Track] = append(byTrack[e.Track], it)
	}
	var tracks []trackList
	for _, t := range l.Tracks {
		if items := byTrack[t.ID]; len(items) > 0 {
			tracks = append(tracks, trackList{track: t, items: items})
		}
	}
	return all, tracks
}

func (r *renderer) levelPage(c *chrome, home link, l *ladder.Ladder, i int) error {
	lv := l.Levels[i]
	md := r.markdown()
	v := levelView{Ladder: l, Level: lv, Intro: r.block(md, lv.Path, lv.Intro), Tracks: l.Tracks, Matrix: r.url(matrixPath(l))}
	var below *ladder.Level
	if i > 0 {
		below = l.Levels[i-1]
		v.Prev = r.card(l, below)
		v.Below = below.Title
	}
	if i+1 < len(l.Levels) {
		next := l.Levels[i+1]
		v.Next = r.card(l, next)
		v.CompareURL = r.url("compare/") + "?a=" + l.ID + "/" + lv.ID + "&b=" + l.ID + "/" + next.ID
	}
	for _, o := range l.Levels {
		v.Levels = append(v.Levels, link{Title: o.Title, URL: r.url(levelPath(l, o)), Current: o == lv})
	}
	for _, ref := range r.equivalents(l, lv) {
		if ol := r.f.Ladder(ref.Ladder); ol != nil {
			if olv := ol.Level(ref.Level); olv != nil {
				v.Equivalent = append(v.Equivalent, link{Title: olv.Title + " (" + ol.Title + ")", URL: r.url(levelPath(ol, olv))})
			}
		}
	}
	v.Groups = r.groups(md, l, lv, below)
	v.GroupsHTML = groupsHTML(v.Groups)
	v.SideHTML = sideHTML(v.Levels)
	v.TocHTML = tocHTML(v.Groups)
	v.Indicators = r.indicators(l, lv)
	v.Indicators.Notes = r.block(md, lv.Path, lv.IndicatorNotes)
	title := lv.Title
	return r.page(&page{Site: c, Title: title, Description: lv.Summary, Section: "ladder:" + l.ID, Path: levelPath(l, lv),
		Crumbs: []link{home, {Title: l.Title, URL: r.url(ladderPath(l))}}, Body: v}, "level")
}

func (r *renderer) indicators(l *ladder.Ladder, lv *ladder.Level) indicatorsView {
	v := indicatorsView{Tenure: tenure(lv.Tenure)}
	for _, s := range lv.TimeSplit {
		title := s.Area
		if a := l.Area(s.Area); a != nil {
			title = a.Title
		}
		v.Rows = append(v.Rows, splitRow{Area: title, Range: percent(s.Range)})
	}
	v.Chart = r.rangeChart(l, lv)
	v.Table = splitTableHTML(v.Rows)
	return v
}

type matrixView struct {
	Ladder   *ladder.Ladder
	Levels   []link
	IDs      []string
	Groups   []groupView
	BodyHTML template.HTML
}

func (r *renderer) matrixPage(c *chrome, home link, l *ladder.Ladder) error {
	md := r.markdown()
	v := matrixView{Ladder: l}
	for _, lv := range l.Levels {
		v.Levels = append(v.Levels, link{Title: levelName(lv), URL: r.url(levelPath(l, lv))})
		v.IDs = append(v.IDs, lv.ID)
	}
	for _, g := range l.Groups {
		gv := groupView{ID: g.ID, Title: g.Title}
		for _, a := range g.Areas {
			av := areaView{ID: a.ID, Title: a.Title, Traits: a.Kind == ladder.KindTraits}
			for _, lv := range l.Levels {
				la := lv.Area(a.ID)
				if la == nil {
					av.Cells = append(av.Cells, "")
					continue
				}
				all, tracks := r.items(md, l, lv, la, nil)
				for _, t := range tracks {
					all = append(all, t.items...)
				}
				av.Cells = append(av.Cells, cellHTML(all))
			}
			gv.Areas = append(gv.Areas, av)
		}
		v.Groups = append(v.Groups, gv)
	}
	v.BodyHTML = matrixBodyHTML(v.Groups, v.IDs)
	return r.page(&page{Site: c, Title: l.Title + " matrix", Description: "Every area of " + l.Title + " across its levels.",
		Section: "ladder:" + l.ID, Path: matrixPath(l), Crumbs: []link{home, {Title: l.Title, URL: r.url(ladderPath(l))}}, Body: v}, "matrix")
}

type compareView struct {
	Options []compareLadder
}

type compareLadder struct {
	ID, Title string
	Data      string
	Levels    []link // Title and, in URL, the level id
}

func (r *renderer) comparePage(c *chrome, home link) error {
	var v compareView
	for _, l := range r.f.Ladders {
		cl := compareLadder{ID: l.ID, Title: l.Title, Data: r.url(ladderPath(l) + "levels.json")}
		for _, lv := range l.Levels {
			cl.Levels = append(cl.Levels, link{Title: levelName(lv), URL: lv.ID})
		}
		v.Options = append(v.Options, cl)
	}
	return r.page(&page{Site: c, Title: "Compare levels", Description: "Any two levels side by side: what is new, what grows and what is no longer listed.",
		Section: "compare", Path: "compare/", Crumbs: []link{home}, Body: v}, "compare")
}

type crosswalkRow struct {
	Title, Note string
	Level       link
	Ladder      string
	Code        string
}

func (r *renderer) crosswalkPage(c *chrome, home link) error {
	var rows []crosswalkRow
	for _, t := range r.f.Crosswalk {
		l := r.f.Ladder(t.Ladder)
		if l == nil || l.Level(t.Level) == nil {
			continue
		}
		lv := l.Level(t.Level)
		rows = append(rows, crosswalkRow{Title: t.Title, Note: t.Note, Ladder: l.Title, Code: lv.Code,
			Level: link{Title: lv.Title, URL: r.url(levelPath(l, lv))}})
	}
	return r.page(&page{Site: c, Title: "Titles elsewhere", Description: "How titles used at other companies map to our levels.",
		Section: "crosswalk", Path: "crosswalk/", Crumbs: []link{home}, Body: rows}, "crosswalk")
}
