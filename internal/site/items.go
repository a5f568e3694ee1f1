package site

import (
	"bytes"
	"strconv"
	"sync"

	"github.com/rungs/rungs/internal/ladder"
)

// Expectation lists are written here rather than in templates: a large framework has a hundred
// thousand of them. They are written straight into the page's buffer; every value that is not
// already HTML goes through appendText or appendURL.

// itemView is one expectation or trait as a page lists it.
type itemView struct {
	e      *ladder.Expectation
	from   string // the level's file, which its links are relative to
	diff   string // "new" or "changed" compared with the level below; "" when the same
	trackT string // the track's title, for a track-specific expectation
}

// items sorts what a level expects in one area into every-track and per-track lists, marking
// each against the level below (prev) when there is one. The every-track list is appended to
// all, which callers reuse from area to area.
func (r *renderer) items(all []itemView, l *ladder.Ladder, lv *ladder.Level, la *ladder.LevelArea, prev map[string]*ladder.Expectation) ([]itemView, []trackList) {
	var byTrack map[string][]itemView
	for _, e := range la.Expectations {
		it := itemView{e: e, from: lv.Path}
		if prev != nil {
			switch p, ok := prev[e.ID]; {
			case !ok:
				it.diff = "new"
			case p.Text != e.Text:
				it.diff = "changed"
			}
		}
		if e.Track == "" {
			all = append(all, it)
			continue
		}
		if t := l.Track(e.Track); t != nil {
			it.trackT = t.Title
		}
		if byTrack == nil {
			byTrack = map[string][]itemView{}
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

// trackList is the expectations of one track in one area.
type trackList struct {
	track *ladder.Track
	items []itemView
}

// writeInline writes one line of the framework's Markdown, rendered.
func (r *renderer) writeInline(b *bytes.Buffer, md *markdown, from, src string) {
	if plainText(src) {
		appendText(b, src)
		return
	}
	b.WriteString(string(r.inline(md.get(), from, src)))
}

// writeItems writes a list of expectations as on a level page. What is new or grown since the
// level below is marked with data-diff; the level page's script shows it on request, with the
// text of the level below from levels.json.
func (r *renderer) writeItems(b *bytes.Buffer, md *markdown, items []itemView, edit string) {
	b.WriteString(`<ul class="expectations">`)
	for _, it := range items {
		b.WriteString(`<li id="`)
		appendText(b, it.e.ID)
		b.WriteString(`" class="exp"`)
		if it.diff != "" {
			b.WriteString(` data-diff="` + it.diff + `"`)
		}
		if it.e.Track != "" {
			b.WriteString(` data-track="`)
			appendText(b, it.e.Track)
			b.WriteString(`"`)
		}
		b.WriteString(`>`)
		if it.e.Name != "" {
			b.WriteString(`<strong class="trait">`)
			appendText(b, it.e.Name)
			b.WriteString(`</strong> `)
		}
		r.writeInline(b, md, it.from, it.e.Text)
		if len(it.e.Examples) > 0 {
			b.WriteString(`<ul class="examples">`)
			for _, ex := range it.e.Examples {
				b.WriteString(`<li>`)
				r.writeInline(b, md, it.from, ex)
				b.WriteString(`</li>`)
			}
			b.WriteString(`</ul>`)
		}
		b.WriteString(`<div class="exp-tools"><a class="anchor" href="#`)
		appendText(b, it.e.ID)
		// Out of the tab order: a level has dozens of expectations, and a keyboard should not
		// stop at each one's link. The address still works, and pointers and screen readers'
		// lists of links reach it.
		b.WriteString(`" tabindex="-1" aria-label="Link to this expectation">#</a>`)
		if edit != "" {
			b.WriteString(` <a class="edit" href="`)
			appendURL(b, edit)
			b.WriteString(`">Suggest a change</a>`)
		}
		b.WriteString(`</div></li>`)
	}
	b.WriteString(`</ul>`)
}

// writeCell writes the expectations of one level in one area, as in a matrix cell.
func (r *renderer) writeCell(b *bytes.Buffer, md *markdown, items []itemView) {
	if len(items) == 0 {
		return
	}
	b.WriteString(`<ul>`)
	for _, it := range items {
		b.WriteString(`<li`)
		if it.e.Track != "" {
			b.WriteString(` data-track="`)
			appendText(b, it.e.Track)
			b.WriteString(`"`)
		}
		b.WriteString(`>`)
		if it.e.Name != "" {
			b.WriteString(`<strong>`)
			appendText(b, it.e.Name)
			b.WriteString(`</strong> `)
		}
		r.writeInline(b, md, it.from, it.e.Text)
		if it.trackT != "" {
			b.WriteString(` <span class="badge">`)
			appendText(b, it.trackT)
			b.WriteString(`</span>`)
		}
		b.WriteString(`</li>`)
	}
	b.WriteString(`</ul>`)
}

// expectationMaps are maps of a level's expectations by id, cleared and kept for the next
// level page: one is filled for every page, and a large framework has thousands.
var expectationMaps = sync.Pool{New: func() any { return map[string]*ladder.Expectation{} }}

// writeLevelGroups writes the areas of a level page, group by group, marked against the level
// below.
func (r *renderer) writeLevelGroups(b *bytes.Buffer, md *markdown, l *ladder.Ladder, lv, below *ladder.Level) {
	var prev map[string]*ladder.Expectation
	if below != nil {
		prev = expectationMaps.Get().(map[string]*ladder.Expectation)
		defer func() {
			clear(prev)
			expectationMaps.Put(prev)
		}()
		for _, la := range below.Areas {
			for _, e := range la.Expectations {
				prev[e.ID] = e
			}
		}
	}
	var scratch []itemView
	edit := r.editURL(lv.Path)
	for _, g := range l.Groups {
		if !anyShown(l, lv, g) {
			continue
		}
		b.WriteString(`<section class="group" aria-labelledby="group-`)
		appendText(b, g.ID)
		b.WriteString(`"><h2 id="group-`)
		appendText(b, g.ID)
		b.WriteString(`">`)
		appendText(b, g.Title)
		b.WriteString(`</h2>`)
		for _, a := range g.Areas {
			if !shown(l, lv, a) {
				continue
			}
			b.WriteString(`<section class="area" id="`)
			appendText(b, a.ID)
			b.WriteString(`" aria-labelledby="h-`)
			appendText(b, a.ID)
			b.WriteString(`"><h3 id="h-`)
			appendText(b, a.ID)
			b.WriteString(`">`)
			appendText(b, a.Title)
			b.WriteString(`</h3>`)
			if a.Description != "" {
				b.WriteString(`<p class="area-desc">`)
				r.writeInline(b, md, l.Path, a.Description)
				b.WriteString(`</p>`)
			}
			all := scratch[:0]
			var tracks []trackList
			if la := lv.Area(a.ID); la != nil {
				all, tracks = r.items(all, l, lv, la, prev)
				scratch = all
			}
			if len(all) > 0 {
				r.writeItems(b, md, all, edit)
			}
			for _, t := range tracks {
				b.WriteString(`<div class="track-block" data-track="`)
				appendText(b, t.track.ID)
				b.WriteString(`"><h4>`)
				appendText(b, t.track.Title)
				b.WriteString(` track</h4>`)
				r.writeItems(b, md, t.items, edit)
				b.WriteString(`</div>`)
			}
			if len(all) == 0 && len(tracks) == 0 {
				b.WriteString(`<p class="empty">Nothing listed at this level.</p>`)
			}
			b.WriteString("</section>\n")
		}
		b.WriteString("</section>\n")
	}
}

// writeSide writes the list of a ladder's levels, marking the current one.
func writeSide(b *bytes.Buffer, levels []link) {
	b.WriteString(`<ol>`)
	for _, l := range levels {
		b.WriteString(`<li><a href="`)
		appendURL(b, l.URL)
		b.WriteString(`"`)
		if l.Current {
			b.WriteString(` aria-current="page"`)
		}
		b.WriteString(`>`)
		appendText(b, l.Title)
		b.WriteString(`</a></li>`)
	}
	b.WriteString(`</ol>`)
}

// shown reports whether a level's page shows area a: an area that starts higher up the ladder
// is left out of the levels below, unless the level lists something in it all the same.
func shown(l *ladder.Ladder, lv *ladder.Level, a *ladder.Area) bool {
	return l.Applies(a, lv.ID) || lv.Area(a.ID) != nil
}

// anyShown reports whether a level's page shows any area of group g.
func anyShown(l *ladder.Ladder, lv *ladder.Level, g *ladder.Group) bool {
	for _, a := range g.Areas {
		if shown(l, lv, a) {
			return true
		}
	}
	return false
}

// writeTOC writes the "on this page" links to each area the level's page shows.
func writeTOC(b *bytes.Buffer, l *ladder.Ladder, lv *ladder.Level) {
	b.WriteString(`<ul>`)
	for _, g := range l.Groups {
		for _, a := range g.Areas {
			if !shown(l, lv, a) {
				continue
			}
			b.WriteString(`<li><a href="#`)
			appendText(b, a.ID)
			b.WriteString(`">`)
			appendText(b, a.Title)
			b.WriteString(`</a></li>`)
		}
	}
	b.WriteString(`<li><a href="#section-indicators">Broad indicators</a></li></ul>`)
}

// writeSplitTable writes a level's time split as a table, the chart's accessible twin.
func writeSplitTable(b *bytes.Buffer, rows []splitRow) {
	if len(rows) == 0 {
		return
	}
	b.WriteString(`<table class="split-table"><caption class="visually-hidden">Share of time per area</caption><thead><tr><th scope="col">Area</th><th scope="col">Share of time</th></tr></thead><tbody>`)
	for _, r := range rows {
		b.WriteString(`<tr><th scope="row">`)
		appendText(b, r.Area)
		b.WriteString(`</th><td>`)
		appendText(b, r.Range)
		b.WriteString(`</td></tr>`)
	}
	b.WriteString(`</tbody></table>`)
}

// matrixContent writes the content of a ladder's matrix page: its filters, then the table.
func (r *renderer) matrixContent(b *bytes.Buffer, md *markdown, l *ladder.Ladder) {
	b.WriteString("\n<h1>")
	appendText(b, l.Title)
	b.WriteString(": every level</h1>\n<p class=\"lede\">Areas down the side, levels across the top. Filter to focus on one area, track or level.</p>\n" +
		"<form class=\"filters\" aria-label=\"Filter the matrix\">\n  <label>Area <select name=\"area\" data-filter=\"area\"><option value=\"\">All areas</option>")
	for _, g := range l.Groups {
		b.WriteString(`<optgroup label="`)
		appendText(b, g.Title)
		b.WriteString(`">`)
		for _, a := range g.Areas {
			writeOption(b, a.ID, a.Title)
		}
		b.WriteString(`</optgroup>`)
	}
	b.WriteString("</select></label>\n  ")
	if len(l.Tracks) > 0 {
		b.WriteString(`<label>Track <select name="track" data-filter="track"><option value="">All tracks</option><option value="-">Shared expectations only</option>`)
		for _, t := range l.Tracks {
			writeOption(b, t.ID, t.Title)
		}
		b.WriteString(`</select></label>`)
	}
	b.WriteString("\n  <label>Level <select name=\"level\" data-filter=\"level\"><option value=\"\">All levels</option>")
	for _, lv := range l.Levels {
		writeOption(b, lv.ID, levelName(lv))
	}
	b.WriteString("</select></label>\n</form>\n<section class=\"matrix-wrap\" tabindex=\"0\" aria-label=\"Matrix of ")
	appendText(b, l.Title)
	b.WriteString("\">\n<table class=\"matrix\">\n  <thead><tr><th scope=\"col\" class=\"corner\">Area</th>")
	for _, lv := range l.Levels {
		b.WriteString(`<th scope="col" data-level="`)
		appendText(b, lv.ID)
		b.WriteString(`"><a href="`)
		appendURL(b, r.url(levelPath(l, lv)))
		b.WriteString(`">`)
		appendText(b, levelName(lv))
		b.WriteString(`</a></th>`)
	}
	b.WriteString("</tr></thead>\n  ")
	r.writeMatrixBody(b, md, l)
	b.WriteString("\n</table>\n</section>\n")
}

// writeOption writes an option of a select.
func writeOption(b *bytes.Buffer, value, text string) {
	b.WriteString(`<option value="`)
	appendText(b, value)
	b.WriteString(`">`)
	appendText(b, text)
	b.WriteString(`</option>`)
}

// writeMatrixBody writes the matrix's rows: a heading row per group, then a row per area with a
// cell per level (each cell names its level, for the level filter).
func (r *renderer) writeMatrixBody(b *bytes.Buffer, md *markdown, l *ladder.Ladder) {
	span := strconv.Itoa(len(l.Levels) + 1)
	var scratch []itemView
	for _, g := range l.Groups {
		b.WriteString(`<tbody><tr class="group-row"><th scope="rowgroup" colspan="` + span + `">`)
		appendText(b, g.Title)
		b.WriteString("</th></tr>\n")
		for _, a := range g.Areas {
			b.WriteString(`<tr data-area="`)
			appendText(b, a.ID)
			b.WriteString(`"><th scope="row">`)
			appendText(b, a.Title)
			b.WriteString(`</th>`)
			for _, lv := range l.Levels {
				b.WriteString(`<td data-level="`)
				appendText(b, lv.ID)
				b.WriteString(`">`)
				if la := lv.Area(a.ID); la != nil {
					all, tracks := r.items(scratch[:0], l, lv, la, nil)
					for _, t := range tracks {
						all = append(all, t.items...)
					}
					r.writeCell(b, md, all)
					scratch = all
				}
				b.WriteString(`</td>`)
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</tbody>\n")
	}
}
