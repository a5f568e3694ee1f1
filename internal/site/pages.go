package site

import (
	"bytes"
	"fmt"
	"html/template"
	"time"

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
	c.PrintHead = r.printHead()
	return c
}

// printHead is the line at the top of a printed page, as HTML: a printout on a desk says whose
// framework it is, which version, and (from the script) when it was printed. The version is
// the newest entry of the history (a CHANGELOG release or a commit) with its date. Without a
// history there is none to name: the content hash would change every page at every edit, and
// the preview re-renders only the pages an edit touches.
func (r *renderer) printHead() string {
	var b bytes.Buffer
	b.WriteString(`<div class="print-head"><span>`)
	if r.f.Organisation != "" {
		appendText(&b, r.f.Organisation)
		b.WriteString(" · ")
	}
	appendText(&b, r.f.Title)
	b.WriteString(`</span><span>`)
	if h := r.opts.History; len(h) > 0 && h[0].Commit.Short != "" {
		b.WriteString("Version ")
		appendText(&b, h[0].Commit.Short)
		if d := h[0].Commit.Date; !d.IsZero() {
			b.WriteString(" of ")
			b.WriteString(d.UTC().Format(time.DateOnly))
		}
	}
	b.WriteString(`<span class="print-date"></span></span></div>`)
	return b.String()
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

// page writes a page whose content is a template's.
func (r *renderer) page(p *page, tmpl string) error {
	return r.pageWith(p, func(b *bytes.Buffer) error {
		if err := templates[tmpl].ExecuteTemplate(b, "content", p); err != nil {
			return fmt.Errorf("render %s: %w", p.Path, err)
		}
		return nil
	})
}

// pageWith writes a page whose content is what content writes.
func (r *renderer) pageWith(p *page, content func(*bytes.Buffer) error) error {
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
	b := getBuffer()
	defer putBuffer(b)
	if err := r.writePage(b, p, content); err != nil {
		return err
	}
	return r.put(file(p.Path), b.Bytes())
}

// chromeHTML renders the header or footer for the page's section, once per section the
// header marks: the footer is the same on every page, and the header differs only where it
// marks the page's section as current. A site of many ladders names none of them in its
// header, so their hundreds of sections share one.
func (r *renderer) chromeHTML(name string, p *page) (template.HTML, error) {
	key := name
	if name == "header" && p.Site.marks(p.Section) {
		key += "\x00" + p.Section
	}
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
	lazy := r.lazyMarkdown() // from the pool: a framework has hundreds of ladders
	defer lazy.release()
	md := lazy.get()
	v := ladderView{Ladder: l, Description: r.block(md, l.Path, l.Description), Matrix: r.url(matrixPath(l))}
	for _, lv := range l.Levels {
		v.Levels = append(v.Levels, *r.card(l, lv))
	}
	if len(l.Levels) > 1 {
		v.Compare = r.url("compare/") + "?a=" + l.ID + "/" + l.Levels[0].ID + "&b=" + l.ID + "/" + l.Levels[1].ID
	}
	v.Groups = r.groups(md, l)
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
	for _, other := range r.links().branches[l.ID] {
		if lv := l.Level(other.BranchesFrom.Level); lv != nil {
			out = append(out, relation{Text: other.Title + " branches from " + lv.Title, Links: []link{{Title: other.Title, URL: r.url(ladderPath(other))}}})
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
	return r.links().equal[ladder.LevelRef{Ladder: l.ID, Level: lv.ID}]
}

// ladderLinks are how ladders stand beside each other, gathered once for the whole site: each
// ladder's and level's page lists them, and asking every other ladder each time costs a large
// framework the square of its ladders.
type ladderLinks struct {
	equal    map[ladder.LevelRef][]ladder.LevelRef // a level -> the levels declared equal to it
	branches map[string][]*ladder.Ladder           // a ladder -> the ladders that branch from it
}

func (r *renderer) gatherLinks() *ladderLinks {
	ll := &ladderLinks{equal: map[ladder.LevelRef][]ladder.LevelRef{}, branches: map[string][]*ladder.Ladder{}}
	for _, l := range r.f.Ladders {
		for _, eq := range l.Equivalences {
			from := ladder.LevelRef{Ladder: l.ID, Level: eq.Level}
			ll.equal[from] = append(ll.equal[from], eq.Equals)
		}
	}
	// Declared on the other side, listed after those declared on this one.
	for _, other := range r.f.Ladders {
		for _, eq := range other.Equivalences {
			ll.equal[eq.Equals] = append(ll.equal[eq.Equals], ladder.LevelRef{Ladder: other.ID, Level: eq.Level})
		}
		if b := other.BranchesFrom; b != nil {
			ll.branches[b.Ladder] = append(ll.branches[b.Ladder], other)
		}
	}
	return ll
}

// groups lists the areas of a ladder, group by group, with what each means.
func (r *renderer) groups(md goldmark.Markdown, l *ladder.Ladder) []groupView {
	var out []groupView
	for _, g := range l.Groups {
		gv := groupView{ID: g.ID, Title: g.Title}
		for _, a := range g.Areas {
			gv.Areas = append(gv.Areas, areaView{ID: a.ID, Title: a.Title, Description: r.inline(md, l.Path, a.Description), Traits: a.Kind == ladder.KindTraits})
		}
		if len(gv.Areas) > 0 {
			out = append(out, gv)
		}
	}
	return out
}

func (r *renderer) levelPage(c *chrome, home link, l *ladder.Ladder, i int) error {
	lv := l.Levels[i]
	md := r.lazyMarkdown()
	defer md.release()
	v := levelView{Ladder: l, Level: lv, Matrix: r.url(matrixPath(l))}
	if lv.Intro != "" {
		v.Intro = r.block(md.get(), lv.Path, lv.Intro)
	}
	if i > 0 {
		v.Below = l.Levels[i-1]
		v.Prev = r.card(l, v.Below)
		v.LevelsJSON = r.url(ladderPath(l) + "levels.json")
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
	v.Indicators = r.indicators(l, lv)
	if lv.IndicatorNotes != "" {
		v.Indicators.Notes = r.block(md.get(), lv.Path, lv.IndicatorNotes)
	}
	return r.pageWith(&page{Site: c, Title: lv.Title, Description: lv.Summary, Section: "ladder:" + l.ID, Path: levelPath(l, lv),
		Crumbs: []link{home, {Title: l.Title, URL: r.url(ladderPath(l))}}}, func(b *bytes.Buffer) error {
		r.levelContent(b, md, &v)
		return nil
	})
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
	return v
}

func (r *renderer) matrixPage(c *chrome, home link, l *ladder.Ladder) error {
	md := r.lazyMarkdown()
	defer md.release()
	return r.pageWith(&page{Site: c, Title: l.Title + " matrix", Description: "Every area of " + l.Title + " across its levels.",
		Section: "ladder:" + l.ID, Path: matrixPath(l), Crumbs: []link{home, {Title: l.Title, URL: r.url(ladderPath(l))}}}, func(b *bytes.Buffer) error {
		r.matrixContent(b, md, l)
		return nil
	})
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
