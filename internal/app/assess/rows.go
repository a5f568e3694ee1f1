package assess

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"

	"github.com/rungs/rungs/internal/app/policy"
	storeassess "github.com/rungs/rungs/internal/store/assess"
)

// A person's page repeats, for each of some seventy expectations, a row side by side and a
// field set in each form it has. html/template escapes every value through reflection, and
// those rows were most of the page's cost; they are written here instead, escaped as
// html/template escapes text and quoted attribute values, into the page (see WriteBody).

// escaper makes html/template's replacements for text, quoted attributes and a textarea.
var escaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// fieldID is an item's key as form fields' ids write it: the template's idOf.
func fieldID(key string) string { return strings.NewReplacer(":", "_", "/", "_").Replace(key) }

// sideBySide writes one group of expectations side by side: its heading, and a table of its
// expectations with each side as far as the viewer may see it.
func sideBySide(b *bytes.Buffer, g *group, rs []*row, acc policy.AssessmentAccess) {
	text := func(s string) { _, _ = escaper.WriteString(b, s) }
	b.WriteString("\n<h3>")
	if g.Next {
		b.WriteString("Next level, ")
	}
	text(g.Level.Title)
	b.WriteString(": ")
	text(g.Area.Title)
	b.WriteString("</h3>\n<table class=\"sidebyside\">\n<thead><tr><th scope=\"col\">Expectation</th>")
	if acc.SeeSelf {
		b.WriteString(`<th scope="col">Self</th>`)
	}
	if acc.SeeManager {
		b.WriteString(`<th scope="col">Manager</th>`)
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	cell := func(rated bool, label string, ev template.HTML) {
		b.WriteString("<td>")
		if rated {
			b.WriteString("<strong>")
			text(label)
			b.WriteString("</strong>")
		} else {
			b.WriteString(`<span class="muted">not rated</span>`)
		}
		b.WriteString(string(ev))
		b.WriteString("</td>")
	}
	for _, rw := range rs {
		it := rw.It
		b.WriteString(`<tr id="x-`)
		text(it.fieldID)
		b.WriteString(`" class="`)
		if rw.HasGap {
			b.WriteString("gap")
		}
		b.WriteString("\">\n<td>")
		if it.Name != "" {
			b.WriteString("<strong>")
			text(it.Name)
			b.WriteString("</strong>: ")
		}
		b.WriteString(string(it.Text))
		if it.Changed != "" {
			b.WriteString(`<p class="changed-mark">`)
			text(it.Changed)
			b.WriteString("</p>")
		}
		if rw.HasGap {
			b.WriteString(`<p class="gap-mark">Gap: the manager rates `)
			if rw.Gap > 0 {
				b.WriteString("higher")
			} else {
				b.WriteString("lower")
			}
			b.WriteString("</p>")
		}
		b.WriteString("</td>\n")
		if acc.SeeSelf {
			cell(rw.Self.Rating != "", rw.SelfLabel, rw.SelfHTML)
		}
		b.WriteString("\n")
		if acc.SeeManager {
			cell(rw.Manager.Rating != "", rw.MgrLabel, rw.MgrHTML)
		}
		b.WriteString("\n</tr>")
	}
	b.WriteString("\n</tbody>\n</table>\n")
}

// readinessRows writes the readiness table's rows, an area each: how many of the level's (and
// the next level's) expectations each side rated at the bar or above, of how many, and "–"
// for a side not seen.
func readinessRows(b *bytes.Buffer, rd *readiness) {
	count := func(seen bool, n, of int) {
		b.WriteString("<td>")
		if seen {
			b.WriteString(strconv.Itoa(n))
			b.WriteString(" of ")
			b.WriteString(strconv.Itoa(of))
		} else {
			b.WriteString("–")
		}
		b.WriteString("</td>")
	}
	for _, a := range rd.Areas {
		b.WriteString(`<tr><th scope="row">`)
		_, _ = escaper.WriteString(b, a.Area)
		b.WriteString("</th>\n")
		count(a.HasSelf, a.SelfShown, a.Total)
		count(a.HasMgr, a.MgrShown, a.Total)
		b.WriteString("\n")
		if rd.Next != "" {
			count(a.HasSelf && a.HasNext, a.SelfNext, a.NextTotal)
			count(a.HasMgr && a.HasNext, a.MgrNext, a.NextTotal)
		}
		b.WriteString("</tr>\n")
	}
}

// ratingFields writes the field sets of one side's form, an expectation each: its rating and
// evidence as saved, or as just sent with their errors when the form came back with some.
func ratingFields(b *bytes.Buffer, d *personData, side storeassess.Side) {
	text := func(s string) { _, _ = escaper.WriteString(b, s) }
	mine := d.Side == side
	sent := mine && len(d.Form) > 0
	id := func(field, fid string) {
		b.WriteString(string(side))
		b.WriteString("-" + field + "_")
		text(fid)
	}
	invalid := func(field, fid string) {
		b.WriteString(`aria-invalid="true" aria-describedby="`)
		id(field, fid)
		b.WriteString(`-error"`)
	}
	fieldErr := func(field, fid, msg string) {
		b.WriteString(`<p class="field-error" id="`)
		id(field, fid)
		b.WriteString(`-error">`)
		text(msg)
		b.WriteString("</p>")
	}
	for i := range d.Rows {
		rw := &d.Rows[i]
		it := rw.It
		cur := rw.Self
		if side == storeassess.ManagerSide {
			cur = rw.Manager
		}
		rf, ef := "rating:"+it.Key, "evidence:"+it.Key
		rv, ev := cur.Rating, cur.Evidence
		if sent {
			rv, ev = d.Form[rf], d.Form[ef]
		}
		var rErr, eErr string
		if mine {
			rErr, eErr = d.Errors[rf], d.Errors[ef]
		}
		b.WriteString("\n\n<fieldset class=\"expectation")
		if it.Next {
			b.WriteString(" next")
		}
		b.WriteString("\">\n  <legend>")
		if it.Next {
			b.WriteString(`<span class="tag">next level</span> `)
		}
		text(it.Area.Title)
		if it.Name != "" {
			b.WriteString(": ")
			text(it.Name)
		}
		b.WriteString("</legend>\n  <div class=\"text\">")
		b.WriteString(string(it.Text))
		b.WriteString("</div>\n  ")
		if it.Changed != "" {
			b.WriteString(`<p class="changed-mark">`)
			text(it.Changed)
			b.WriteString("</p>")
		}
		b.WriteString("\n  <label for=\"")
		id("rating", it.fieldID)
		b.WriteString("\">Rating</label>\n  <select id=\"")
		id("rating", it.fieldID)
		b.WriteString(`" name="`)
		text(rf)
		b.WriteString(`" `)
		if rErr != "" {
			invalid("rating", it.fieldID)
		}
		b.WriteString(">\n    <option value=\"\">Not rated yet</option>\n    ")
		for _, sc := range d.Scale {
			b.WriteString(`<option value="`)
			text(sc.ID)
			b.WriteString(`"`)
			if sc.ID == rv {
				b.WriteString(" selected")
			}
			b.WriteString(">")
			text(sc.Label)
			b.WriteString("</option>")
		}
		b.WriteString("\n  </select>\n  ")
		if rErr != "" {
			fieldErr("rating", it.fieldID, rErr)
		}
		b.WriteString("\n  <label for=\"")
		id("evidence", it.fieldID)
		b.WriteString("\">Evidence</label>\n  <textarea id=\"")
		id("evidence", it.fieldID)
		b.WriteString(`" name="`)
		text(ef)
		b.WriteString(`" rows="2" `)
		if eErr != "" {
			invalid("evidence", it.fieldID)
		}
		b.WriteString(">")
		text(ev)
		b.WriteString("</textarea>\n  ")
		if eErr != "" {
			fieldErr("evidence", it.fieldID, eErr)
		}
		// What this page shows as saved, for the save to go over that alone (see
		// storeassess.Rating.Seen): after a refused save, what the form it came from said,
		// or, where someone else's change refused it, their version.
		sr, se := cur.Rating, cur.Evidence
		if v, ok := d.Form[seenRatingField(it.Key)]; sent && ok {
			sr, se = v, d.Form[seenEvidenceField(it.Key)]
		}
		b.WriteString("\n  <input type=\"hidden\" name=\"")
		text(seenRatingField(it.Key))
		b.WriteString(`" value="`)
		text(sr)
		b.WriteString("\">\n  <input type=\"hidden\" name=\"")
		text(seenEvidenceField(it.Key))
		b.WriteString(`" value="`)
		text(se)
		b.WriteString(`">`)
		b.WriteString("\n</fieldset>\n")
	}
}
