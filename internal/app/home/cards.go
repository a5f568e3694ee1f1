package home

import (
	"html"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/web"
	storehome "github.com/rungs/rungs/internal/store/home"
)

// teamCards writes the cards of a manager's team. As for the people list (package people's
// tableRows), html/template costs about a microsecond for each value it escapes, and fifty
// cards of some ten values each took longer to write than the page took to read: the few
// plain values are escaped here instead, with html.EscapeString, which escapes for text and
// quoted attribute values alike. TestHomeTextIsInert checks the cards with markup in a name.
func teamCards(team []*member, cycle int64) template.HTML {
	var b strings.Builder
	b.Grow(len(team) * 600)
	w := func(parts ...string) { // parts written one by one, never joined into a string first
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	cycleID := strconv.FormatInt(cycle, 10)
	for _, r := range team {
		m := r.M
		id := strconv.FormatInt(m.ID, 10)
		b.WriteString(`<li class="member`)
		if len(r.Needs) > 0 {
			b.WriteString(` needs`)
		}
		w("\">\n<h3><a href=\"/people/", id, `">`, html.EscapeString(m.Name), "</a></h3>\n<p>")
		if l := r.Level; l != nil {
			b.WriteString(html.EscapeString(l.Title))
			if l.Code != "" {
				w(" (", html.EscapeString(l.Code), ")")
			}
		} else {
			b.WriteString("No level yet")
		}
		if r.InLevel != "" {
			w(" · ", r.InLevel, " in level")
		}
		b.WriteString("</p>\n<p>")
		if m.LastCheckIn.IsZero() {
			b.WriteString("No check-in yet")
		} else {
			d := m.LastCheckIn.Format(time.DateOnly)
			w(`Last check-in <a href="/people/`, id, `/checkins"><time datetime="`, d, `">`, d, `</time></a> (`, r.CheckInAgo, ")")
		}
		b.WriteString("</p>\n")
		if cycle != 0 {
			b.WriteString("<p>Assessment: ")
			if m.InCycle {
				w(`<a href="/cycles/`, cycleID, "/people/", id, `">`, html.EscapeString(web.Label(string(m.Status))), "</a>")
			} else {
				b.WriteString("not in this cycle")
			}
			b.WriteString("</p>\n")
		}
		if r.Plan != "" {
			w("<p>Growth plan: ", html.EscapeString(r.Plan), "</p>\n")
		}
		if len(r.Needs) > 0 {
			b.WriteString(`<p class="needs-list">Needs: `)
			for i, n := range r.Needs {
				if i > 0 {
					b.WriteString(" · ")
				}
				b.WriteString(html.EscapeString(n))
			}
			b.WriteString("</p>\n")
		}
		b.WriteString("</li>\n")
	}
	return template.HTML(b.String())
}

// itemCards writes the viewer's open action items as the list's items, escaped as teamCards
// escapes, for the same reason: twenty items cost more through html/template than the query
// that read them.
func itemCards(items []storehome.Item, me int64) template.HTML {
	var b strings.Builder
	b.Grow(len(items) * 250)
	for _, it := range items {
		person, checkIn := strconv.FormatInt(it.PersonID, 10), strconv.FormatInt(it.CheckInID, 10)
		d := it.HeldOn.Format(time.DateOnly)
		b.WriteString(`<li><span class="item-text">` + html.EscapeString(it.Text) + `</span> <span class="muted">· from your check-in`)
		if it.PersonID != me {
			b.WriteString(" with " + html.EscapeString(it.PersonName))
		}
		b.WriteString(` on <a href="/people/` + person + `/checkins/` + checkIn + `"><time datetime="` + d + `">` + d + "</time></a></span></li>\n")
	}
	return template.HTML(b.String())
}
