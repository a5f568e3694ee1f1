package people

import (
	"html"
	"html/template"
	"strconv"
	"strings"
	"time"
)

// tableRows writes the rows of the people table. html/template costs about a microsecond
// for each value it escapes, and the table's rows, fifty to a page with six values each,
// took as long to write as the page took to read from the database; these few plain columns
// are escaped here instead, with html.EscapeString, which escapes for text and for quoted
// attribute values alike. TestTextIsInert checks the list with markup in a name and title.
func tableRows(rows []personRow) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 300)
	for _, r := range rows {
		p := r.Person
		b.WriteString(`<tr><td><a href="/people/`)
		b.WriteString(strconv.FormatInt(p.ID, 10))
		b.WriteString(`">`)
		b.WriteString(html.EscapeString(p.Name))
		b.WriteString(`</a>`)
		if p.Status == "left" {
			b.WriteString(` <span class="tag">left</span>`)
		}
		b.WriteString(`</td><td>`)
		b.WriteString(html.EscapeString(p.Title))
		b.WriteString(`</td><td>`)
		if l := r.Level; l != nil {
			b.WriteString(html.EscapeString(l.Code + " " + l.Title))
		} else {
			b.WriteString(`<span class="muted">not levelled</span>`)
		}
		b.WriteString(`</td><td>`)
		b.WriteString(html.EscapeString(p.Email))
		b.WriteString(`</td><td class="date">`)
		if !p.StartDate.IsZero() {
			b.WriteString(p.StartDate.Format(time.DateOnly))
		}
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String())
}
