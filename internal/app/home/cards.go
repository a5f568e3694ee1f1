package home

import (
	"bytes"
	"strconv"
	"time"

	"github.com/rungs/rungs/internal/app/web"
	storehome "github.com/rungs/rungs/internal/store/home"
)

// writeTeamCards writes the cards of a manager's team into the page's buffer b, as the rest
// of the page is written (see WriteBody): fifty cards are some 30 KB, which made as a string
// of their own and then copied into the page were a quarter of what a manager's home
// allocated. TestHomeTextIsInert checks the cards with markup in a name.
func writeTeamCards(b *bytes.Buffer, team []*member, cycle int64) {
	w := web.WriterTo(b)
	cycleID := strconv.FormatInt(cycle, 10)
	// Each card's id and date are written from these, not made into strings of their own.
	var idDigits, dateDigits [20]byte
	for _, r := range team {
		m := r.M
		id := strconv.AppendInt(idDigits[:0], m.ID, 10)
		b.WriteString(`<li class="member`)
		if len(r.Needs) > 0 {
			b.WriteString(` needs`)
		}
		b.WriteString("\">\n<h3><a href=\"/people/")
		b.Write(id)
		w(`">`, esc(m.Name), "</a></h3>\n<p>")
		if l := r.Level; l != nil {
			b.WriteString(esc(l.Title))
			if l.Code != "" {
				w(" (", esc(l.Code), ")")
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
			d := m.LastCheckIn.AppendFormat(dateDigits[:0], time.DateOnly)
			b.WriteString(`Last check-in <a href="/people/`)
			b.Write(id)
			b.WriteString(`/checkins"><time datetime="`)
			b.Write(d)
			b.WriteString(`">`)
			b.Write(d)
			w(`</time></a> (`, r.CheckInAgo, ")")
		}
		b.WriteString("</p>\n")
		if cycle != 0 {
			b.WriteString("<p>Assessment: ")
			if m.InCycle {
				w(`<a href="/cycles/`, cycleID, "/people/")
				b.Write(id)
				w(`">`, esc(web.Label(string(m.Status))), "</a>")
			} else {
				b.WriteString("not in this cycle")
			}
			b.WriteString("</p>\n")
		}
		if r.Plan != "" {
			w("<p>Growth plan: ", esc(r.Plan), "</p>\n")
		}
		if len(r.Needs) > 0 {
			b.WriteString(`<p class="needs-list">Needs: `)
			for i, n := range r.Needs {
				if i > 0 {
					b.WriteString(" · ")
				}
				b.WriteString(esc(n))
			}
			b.WriteString("</p>\n")
		}
		b.WriteString("</li>\n")
	}
}

// writeItemCards writes the viewer's open action items as the list's items into the page's
// buffer b, as writeTeamCards writes the team.
func writeItemCards(b *bytes.Buffer, items []storehome.Item, me int64) {
	w := web.WriterTo(b)
	for _, it := range items {
		person, checkIn := strconv.FormatInt(it.PersonID, 10), strconv.FormatInt(it.CheckInID, 10)
		d := it.HeldOn.Format(time.DateOnly)
		w(`<li><span class="item-text">`, esc(it.Text), `</span> <span class="muted">· from your check-in`)
		if it.PersonID != me {
			w(" with ", esc(it.PersonName))
		}
		w(` on <a href="/people/`, person, `/checkins/`, checkIn, `"><time datetime="`, d, `">`, d, "</time></a></span></li>\n")
	}
}
