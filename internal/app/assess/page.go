package assess

import (
	"bytes"
	"strconv"

	"github.com/rungs/rungs/internal/app/web"
	storeassess "github.com/rungs/rungs/internal/store/assess"
)

// WriteBody writes a person's assessment page: the facts, the forms the viewer may fill in,
// both sides side by side, the readiness and the amendments. A manager's view of one of their
// people is about 100 KB, most of it the form's seventy field sets; as a template with those
// pieces made in Go first, the page was built twice over (the pieces, then the page of them)
// and its garbage was a fifth of the CPU the page cost under load. Written here, it goes
// straight into the buffer Render sends. Every value is escaped as html/template escapes
// text and quoted attribute values (escaper); links are the app's own paths of numbers.
func (d *personData) WriteBody(b *bytes.Buffer, csrf string) {
	w, text := writers(b)
	c, p, a := d.Cycle, d.P, d.Access
	cycle := strconv.FormatInt(c.ID, 10)
	person := strconv.FormatInt(p.Person.ID, 10)
	here := "/cycles/" + cycle + "/people/" + person

	w(`<script src="/app-assets/`, web.AutosaveScriptName, `" defer></script>`,
		"\n<nav class=\"crumbs\" aria-label=\"Breadcrumbs\"><a href=\"/cycles\">Assessments</a>")
	if d.Viewer.Admin() || d.Viewer.Manager {
		w(` › <a href="/cycles/`, cycle, `">`)
		text(c.Name)
		w("</a>")
	}
	w("</nav>\n<h1>")
	text(p.Person.Name)
	w(": ")
	text(c.Name)
	w("</h1>\n<dl class=\"facts\">\n  <dt>Assessed at</dt><dd>")
	if lv := d.Plan.Level; lv != nil {
		text(lv.Code)
		w(" ")
		text(lv.Title)
	} else {
		text(p.Level)
	}
	if l := d.Plan.Ladder; l != nil {
		w(", ")
		text(l.Title)
	}
	if p.Track != "" {
		w(" (")
		if l := d.Plan.Ladder; l != nil && l.Track(p.Track) != nil {
			text(l.Track(p.Track).Title)
		} else {
			text(p.Track)
		}
		w(")")
	}
	w("</dd>\n  ")
	if lv := d.Plan.NextLv; lv != nil {
		w("<dt>Next level</dt><dd>")
		text(lv.Code)
		w(" ")
		text(lv.Title)
		w("</dd>")
	}
	w("\n  <dt>Framework</dt><dd>version <code>")
	text(c.FrameworkVersion)
	w("</code>")
	if !c.Open() {
		w("; the cycle is closed")
	}
	w("</dd>\n</dl>\n<ol class=\"steps\">")
	for _, s := range d.Steps {
		w(`<li class="`)
		if s.Done {
			w("done")
		}
		w(`">`)
		text(s.Label)
		if s.Done {
			w(" ✓")
		}
		w("</li>")
	}
	w("</ol>\n")
	if len(d.Plan.Added) > 0 {
		w(`<div class="changed"><p><strong>New in the framework since this cycle opened</strong> (not asked about in it):</p><ul>`)
		for _, x := range d.Plan.Added {
			w("<li>")
			text(x)
			w("</li>")
		}
		w("</ul></div>")
	}
	w("\n<p class=\"actions\"><a href=\"", here, "/assessment.json\">Download as JSON</a></p>\n\n")

	if a.WriteSelf {
		sub := p.Submitted(storeassess.SelfSide)
		w("\n<section aria-labelledby=\"self-heading\">\n<h2 id=\"self-heading\">Your self-assessment")
		if sub {
			w(": submitted")
		}
		w("</h2>\n")
		if sub {
			w(`<p class="hint">Submitted on `, web.Day(p.SelfSubmittedAt), ". A change now is an amendment: say why, and it is kept with what it was.</p>\n")
		} else {
			w(`<p class="hint">Rate each expectation and give evidence (Markdown; links welcome). Save a draft as often as you like: nobody else sees it until you submit.</p>`)
		}
		w("\n")
		d.ratingForm(b, storeassess.SelfSide, sub, csrf)
		w("\n")
		if !sub {
			w("\n<form method=\"post\" action=\"", here, "/import\" enctype=\"multipart/form-data\" class=\"form\">\n  <input type=\"hidden\" name=\"csrf\" value=\"")
			text(csrf)
			w("\">\n  <label for=\"file\">Or import the file you downloaded from the ladder's self-assessment page</label>\n  <input id=\"file\" name=\"file\" type=\"file\" accept=\".json,application/json\" ")
			refused(b, "file", d.Errors["file"])
			w(">\n  ")
			whyRefused(b, "file", d.Errors["file"])
			w("\n  <button type=\"submit\">Import as my draft</button>\n</form>\n")
		}
		w("\n</section>\n")
	}
	w("\n\n")

	if a.WriteManager {
		sub := p.Submitted(storeassess.ManagerSide)
		w("\n<section aria-labelledby=\"manager-heading\">\n<h2 id=\"manager-heading\">Manager's assessment")
		if sub {
			w(": submitted")
		}
		w("</h2>\n")
		if sub {
			w(`<p class="hint">Submitted on `, web.Day(p.ManagerSubmittedAt))
			if d.Manage != "" {
				w(" by ")
				text(d.Manage)
			}
			w(". A change now is an amendment: say why.</p>\n")
		} else {
			w(`<p class="hint">`)
			text(p.Person.Name)
			w(" sees this only once you share it after submitting.</p>")
		}
		w("\n")
		d.ratingForm(b, storeassess.ManagerSide, sub, csrf)
		w("\n")
		if sub && p.SharedAt.IsZero() {
			w("\n<form method=\"post\" action=\"", here, "/share\" class=\"form\">\n  <input type=\"hidden\" name=\"csrf\" value=\"")
			text(csrf)
			w("\">\n  <button type=\"submit\">Share with ")
			text(p.Person.Name)
			w("</button>\n</form>\n")
		}
		w("\n</section>\n")
	}
	w("\n\n")

	if a.Own && !p.SharedAt.IsZero() && p.AcknowledgedAt.IsZero() && c.Open() {
		w("\n<section aria-labelledby=\"ack-heading\">\n<h2 id=\"ack-heading\">Acknowledge</h2>\n",
			"<p class=\"hint\">Acknowledging says you have read your manager's assessment, not that you agree; add a note if you like.</p>\n",
			"<form method=\"post\" action=\"", here, "/acknowledge\" class=\"form\">\n  <input type=\"hidden\" name=\"csrf\" value=\"")
		text(csrf)
		w("\">\n  <label for=\"note\">Note</label>\n  <textarea id=\"note\" name=\"note\" rows=\"3\" ")
		refused(b, "note", d.Errors["note"])
		w(">")
		text(d.Form["note"])
		w("</textarea>\n  ")
		whyRefused(b, "note", d.Errors["note"])
		w("\n  <button type=\"submit\">Acknowledge</button>\n</form>\n</section>\n")
	}
	w("\n")
	if !p.AcknowledgedAt.IsZero() {
		w("<p>Acknowledged on ", web.Day(p.AcknowledgedAt), ".")
		if p.AcknowledgeNote != "" {
			w(` <span class="note">`)
			text(p.AcknowledgeNote)
			w("</span>")
		}
		w("</p>")
	}

	w("\n\n<section aria-labelledby=\"side-heading\">\n<h2 id=\"side-heading\">Side by side</h2>\n")
	if !a.SeeSelf && !a.SeeManager {
		w(`<p class="muted">Nothing to show yet: the self-assessment shows here once submitted, the manager's once shared.</p>`)
	} else {
		w("\n")
		if !a.SeeSelf {
			w(`<p class="muted">The self-assessment shows here once submitted.</p>`)
		}
		w("\n")
		if !a.SeeManager {
			w(`<p class="muted">The manager's assessment shows here once it is shared.</p>`)
		}
		w("\n")
		for _, g := range d.Groups {
			sideBySide(b, g.G, g.Rows, a)
		}
		w("\n")
	}
	w("\n</section>\n\n")
	d.writeReadiness(b)
	w("\n\n")
	d.writeAmendments(b)
	w("\n")
}

// writers are how a page's parts go into b: markup as it is (w, its parts one by one, never
// joined into a string first), values escaped as html/template escapes them (text).
func writers(b *bytes.Buffer) (w web.Writer, text func(string)) {
	return web.WriterTo(b), func(s string) { _, _ = escaper.WriteString(b, s) }
}

// ratingForm writes one side's form: its field sets, and the buttons that save a draft and
// submit it, or, once submitted, the reason an amendment asks for.
func (d *personData) ratingForm(b *bytes.Buffer, side storeassess.Side, submitted bool, csrf string) {
	w, text := writers(b)
	s := string(side)
	mine := d.Side == side
	w("\n<form method=\"post\" action=\"/cycles/", strconv.FormatInt(d.Cycle.ID, 10), "/people/", strconv.FormatInt(d.P.Person.ID, 10), "/", s, `" class="rating-form"`)
	if !submitted {
		w(" data-autosave")
	}
	w(">\n<input type=\"hidden\" name=\"csrf\" value=\"")
	text(csrf)
	w("\">\n")
	ratingFields(b, d, side)
	w("\n")
	if submitted {
		reason := ""
		if mine {
			reason = d.Errors["reason"]
		}
		w("\n<label for=\"", s, "-reason\">Why it changes</label>\n<textarea id=\"", s, `-reason" name="reason" rows="2" `)
		refused(b, s+"-reason", reason)
		w(">")
		if mine {
			text(d.Form["reason"])
		}
		w("</textarea>\n")
		whyRefused(b, s+"-reason", reason)
		w("\n<button type=\"submit\" name=\"action\" value=\"save\">Save the amendment</button>\n")
	} else {
		w("\n")
		if msg := d.Errors["action"]; mine && msg != "" {
			w(`<p class="field-error">`)
			text(msg)
			w("</p>")
		}
		w("\n<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"save\">Save draft</button> <button type=\"submit\" name=\"action\" value=\"submit\">Submit</button></div>\n")
	}
	w("\n</form>\n")
}

// refused writes the attributes of field id when its value was refused (msg says why, ""
// when it was not): invalid, and described by the message whyRefused writes.
func refused(b *bytes.Buffer, id, msg string) {
	if msg == "" {
		return
	}
	b.WriteString(`aria-invalid="true" aria-describedby="`)
	b.WriteString(id)
	b.WriteString(`-error"`)
}

// whyRefused writes why field id's value was refused, when msg says.
func whyRefused(b *bytes.Buffer, id, msg string) {
	if msg == "" {
		return
	}
	b.WriteString(`<p class="field-error" id="`)
	b.WriteString(id)
	b.WriteString(`-error">`)
	_, _ = escaper.WriteString(b, msg)
	b.WriteString("</p>")
}

// writeReadiness writes the readiness section: per area, how much of the level each side
// shows, what the promotion guidance reads from each side, and the radar of it.
func (d *personData) writeReadiness(b *bytes.Buffer) {
	rd := &d.Ready
	if len(rd.Areas) == 0 {
		return
	}
	w, text := writers(b)
	w("\n<section aria-labelledby=\"ready-heading\">\n<h2 id=\"ready-heading\">Readiness</h2>\n<p class=\"hint\">Expectations rated “")
	text(rd.Bar)
	w("” or above, per area. This is guidance for the conversation, not a verdict: the people who decide look at the evidence behind each rating.</p>\n",
		"<div class=\"scroll\" role=\"group\" tabindex=\"0\" aria-label=\"Readiness\"><table>\n<thead><tr><th scope=\"col\">Area</th><th scope=\"col\">")
	text(rd.Level)
	w(`: self</th><th scope="col">`)
	text(rd.Level)
	w(": manager</th>")
	if rd.Next != "" {
		w(`<th scope="col">`)
		text(rd.Next)
		w(`: self</th><th scope="col">`)
		text(rd.Next)
		w(": manager</th>")
	}
	w("</tr></thead>\n<tbody>\n")
	readinessRows(b, rd)
	w("</tbody>\n</table></div>\n")
	if rd.HasGuidance {
		reads := func(who string, g guidanceReading) {
			if !g.Seen {
				return
			}
			w(`<p class="guidance">By the ladder's promotion guidance, the `, who, " read as ")
			if g.Level != "" {
				w("<strong>")
				text(g.Level)
				w("</strong> (rule: ")
				text(g.Rule)
				w(")")
			} else {
				w("no level yet")
			}
			w(".</p>")
		}
		w("\n")
		reads("self-ratings", rd.SelfReads)
		w("\n")
		reads("manager's ratings", rd.MgrReads)
		w("\n")
	}
	w("\n")
	if len(rd.Areas) > 2 {
		w(`<figure class="chart">`)
		radar(b, rd)
		w(`<figcaption><span class="key self">self</span> <span class="key manager">manager</span>: share of the level's expectations shown, per area</figcaption></figure>`)
	}
	w("\n</section>\n")
}

// writeAmendments writes the amendments made after submitting, oldest first.
func (d *personData) writeAmendments(b *bytes.Buffer) {
	if len(d.Amended) == 0 {
		return
	}
	w, text := writers(b)
	or := func(s, none string) string {
		if s == "" {
			return none
		}
		return s
	}
	w("\n<section aria-labelledby=\"amend-heading\">\n<h2 id=\"amend-heading\">Amendments</h2>\n<ol class=\"timeline\">")
	for _, av := range d.Amended {
		w(`<li><p class="when">`, web.When(av.A.MadeAt), " · ")
		text(web.Label(string(av.A.Side)))
		if av.By != "" {
			w(" · ")
			text(av.By)
		}
		w("</p><p>")
		text(av.Item)
		w(": ")
		text(or(av.Old, "not rated"))
		w(" → <strong>")
		text(or(av.New, "not rated"))
		w(`</strong></p><p class="note">`)
		text(av.A.Reason)
		w("</p></li>")
	}
	w("</ol>\n</section>\n")
}
