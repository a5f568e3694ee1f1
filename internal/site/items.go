package site

import (
	"html"
	"html/template"
	"strconv"
	"strings"
)

// Expectation lists are written here rather than in templates: a large framework has a hundred
// thousand of them, and html/template's escaping per action made rendering several times slower.
// Every value that is not already HTML goes through html.EscapeString.

// itemsHTML writes a list of expectations as on a level page.
func itemsHTML(items []itemView) template.HTML {
	var b strings.Builder
	b.WriteString(`<ul class="expectations">`)
	for _, it := range items {
		b.WriteString(`<li id="`)
		b.WriteString(html.EscapeString(it.Anchor))
		b.WriteString(`" class="exp"`)
		if it.Diff != "" {
			b.WriteString(` data-diff="` + it.Diff + `"`)
		}
		if it.Track != "" {
			b.WriteString(` data-track="` + html.EscapeString(it.Track) + `"`)
		}
		b.WriteString(`><div class="exp-body">`)
		if it.Name != "" {
			b.WriteString(`<strong class="trait">` + html.EscapeString(it.Name) + `</strong> `)
		}
		b.WriteString(`<span class="exp-text">` + string(it.HTML) + `</span>`)
		switch it.Diff {
		case "new":
			b.WriteString(` <span class="diff-tag">New</span>`)
		case "changed":
			b.WriteString(` <span class="diff-tag">Grown</span>`)
		}
		b.WriteString(`</div>`)
		if len(it.Examples) > 0 {
			b.WriteString(`<ul class="examples">`)
			for _, ex := range it.Examples {
				b.WriteString(`<li>` + string(ex) + `</li>`)
			}
			b.WriteString(`</ul>`)
		}
		if it.Was != "" {
			b.WriteString(`<p class="was"><span>Below:</span> ` + string(it.Was) + `</p>`)
		}
		b.WriteString(`<div class="exp-tools"><a class="anchor" href="#` + html.EscapeString(it.Anchor) + `" aria-label="Link to this expectation">#</a>`)
		if it.Edit != "" {
			b.WriteString(` <a class="edit" href="` + html.EscapeString(it.Edit) + `">Suggest a change</a>`)
		}
		b.WriteString(`</div></li>`)
	}
	b.WriteString(`</ul>`)
	return template.HTML(b.String())
}

// cellHTML writes the expectations of one level in one area, as in a matrix cell.
func cellHTML(items []itemView) template.HTML {
	if len(items) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<ul>`)
	for _, it := range items {
		b.WriteString(`<li`)
		if it.Track != "" {
			b.WriteString(` data-track="` + html.EscapeString(it.Track) + `"`)
		}
		b.WriteString(`>`)
		if it.Name != "" {
			b.WriteString(`<strong>` + html.EscapeString(it.Name) + `</strong> `)
		}
		b.WriteString(string(it.HTML))
		if it.TrackT != "" {
			b.WriteString(` <span class="badge">` + html.EscapeString(it.TrackT) + `</span>`)
		}
		b.WriteString(`</li>`)
	}
	b.WriteString(`</ul>`)
	return template.HTML(b.String())
}

// groupsHTML writes the areas of a level page, group by group.
func groupsHTML(groups []groupView) template.HTML {
	var b strings.Builder
	for _, g := range groups {
		id := html.EscapeString(g.ID)
		b.WriteString(`<section class="group" aria-labelledby="group-` + id + `"><h2 id="group-` + id + `">` + html.EscapeString(g.Title) + `</h2>`)
		for _, a := range g.Areas {
			aid := html.EscapeString(a.ID)
			b.WriteString(`<section class="area" id="` + aid + `" aria-labelledby="h-` + aid + `"><h3 id="h-` + aid + `">` + html.EscapeString(a.Title) + `</h3>`)
			if a.Description != "" {
				b.WriteString(`<p class="area-desc">` + string(a.Description) + `</p>`)
			}
			b.WriteString(string(a.Items))
			for _, t := range a.Tracks {
				b.WriteString(`<div class="track-block" data-track="` + html.EscapeString(t.Track.ID) + `"><h4>` + html.EscapeString(t.Track.Title) + ` track</h4>` + string(t.Items) + `</div>`)
			}
			if a.Items == "" && len(a.Tracks) == 0 {
				b.WriteString(`<p class="empty">Nothing listed at this level.</p>`)
			}
			b.WriteString("</section>\n")
		}
		b.WriteString("</section>\n")
	}
	return template.HTML(b.String())
}

// sideHTML writes the list of a ladder's levels, marking the current one.
func sideHTML(levels []link) template.HTML {
	var b strings.Builder
	b.WriteString(`<ol>`)
	for _, l := range levels {
		b.WriteString(`<li><a href="` + html.EscapeString(l.URL) + `"`)
		if l.Current {
			b.WriteString(` aria-current="page"`)
		}
		b.WriteString(`>` + html.EscapeString(l.Title) + `</a></li>`)
	}
	b.WriteString(`</ol>`)
	return template.HTML(b.String())
}

// tocHTML writes the "on this page" links to each area.
func tocHTML(groups []groupView) template.HTML {
	var b strings.Builder
	b.WriteString(`<ul>`)
	for _, g := range groups {
		for _, a := range g.Areas {
			b.WriteString(`<li><a href="#` + html.EscapeString(a.ID) + `">` + html.EscapeString(a.Title) + `</a></li>`)
		}
	}
	b.WriteString(`<li><a href="#section-indicators">Broad indicators</a></li></ul>`)
	return template.HTML(b.String())
}

// splitTableHTML writes a level's time split as a table, the chart's accessible twin.
func splitTableHTML(rows []splitRow) template.HTML {
	if len(rows) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<table class="split-table"><caption class="visually-hidden">Share of time per area</caption><thead><tr><th scope="col">Area</th><th scope="col">Share of time</th></tr></thead><tbody>`)
	for _, r := range rows {
		b.WriteString(`<tr><th scope="row">` + html.EscapeString(r.Area) + `</th><td>` + html.EscapeString(r.Range) + `</td></tr>`)
	}
	b.WriteString(`</tbody></table>`)
	return template.HTML(b.String())
}

// matrixBodyHTML writes the matrix's rows: a heading row per group, then a row per area with a
// cell per level (ids gives each cell's level, for the level filter).
func matrixBodyHTML(groups []groupView, ids []string) template.HTML {
	var b strings.Builder
	span := strconv.Itoa(len(ids) + 1)
	for _, g := range groups {
		b.WriteString(`<tbody><tr class="group-row"><th scope="rowgroup" colspan="` + span + `">` + html.EscapeString(g.Title) + "</th></tr>\n")
		for _, a := range g.Areas {
			b.WriteString(`<tr data-area="` + html.EscapeString(a.ID) + `"><th scope="row">` + html.EscapeString(a.Title) + `</th>`)
			for i, c := range a.Cells {
				b.WriteString(`<td data-level="` + html.EscapeString(ids[i]) + `">` + string(c) + `</td>`)
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</tbody>\n")
	}
	return template.HTML(b.String())
}
