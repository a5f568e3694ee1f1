package people

import (
	"bytes"
	"cmp"
	"html"
	"net/url"
	"strconv"

	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
)

// WriteBody writes the person page's content, with csrf in its forms. It is the page everyone
// opens most (their own page, and every person page a manager or an admin opens), and as a
// template it was a quarter of the CPU that rungs spent on it under load: html/template
// calls its escapers through reflection for each of the page's eighty or so values, and
// every if and range is reflection too. Written here, each value is escaped with
// html.EscapeString, which escapes for text and quoted attribute values alike. The links are
// the site's and the app's own paths (each starts with a slash, so none can carry a scheme
// such as javascript:), made of numbers and the framework's ids, and the ids in a query are
// escaped for one. TestTextIsInert checks the page with markup in a name, a title and a note.
func (d personData) WriteBody(b *bytes.Buffer, csrf string) {
	w := web.WriterTo(b)
	p := d.Person
	id := strconv.FormatInt(p.ID, 10)
	d.facts(w, id, csrf)
	d.level(w)
	d.checkIns(w, id)
	d.growth(w, id)
	d.events(w)
	d.history(w)
	if d.Admin {
		d.form(w, id, csrf)
	}
	if len(d.Reports) > 0 {
		w("\n<section aria-labelledby=\"reports-heading\">\n<h2 id=\"reports-heading\">Direct reports</h2>\n<ul>")
		for _, r := range d.Reports {
			w(`<li><a href="/people/`, strconv.FormatInt(r.ID, 10), `">`, esc(r.Name), `</a>`)
			if r.Title != "" {
				w(" · ", esc(r.Title))
			}
			w("</li>")
		}
		w("</ul>\n</section>\n")
	}
}

var esc = html.EscapeString

// facts writes the reporting line, the name, the facts and, for an admin, the account's
// actions.
func (d personData) facts(w web.Writer, id, csrf string) {
	p := d.Person
	w(`<nav class="crumbs" aria-label="Reporting line">`)
	for i, m := range d.Chain {
		if i > 0 {
			w(" ← ")
		}
		w(`<a href="/people/`, strconv.FormatInt(m.ID, 10), `">`, esc(m.Name), `</a>`)
	}
	w("</nav>\n<h1>", esc(p.Name))
	if p.Status == store.Left {
		w(` <span class="tag">left</span>`)
	}
	w("</h1>\n<dl class=\"facts\">\n  <dt>Email</dt><dd>", esc(p.Email), "</dd>\n")
	if p.Title != "" {
		w("  <dt>Job title</dt><dd>", esc(p.Title), "</dd>\n")
	}
	w("  <dt>Started</dt><dd>", web.Day(p.StartDate), "</dd>\n")
	if len(d.Chain) > 0 {
		m := d.Chain[0]
		w(`  <dt>Manager</dt><dd><a href="/people/`, strconv.FormatInt(m.ID, 10), `">`, esc(m.Name), "</a></dd>\n")
	}
	if d.Admin {
		w("  <dt>Account</dt><dd>")
		if d.Account != nil {
			w(esc(web.Label(string(d.Account.Role))))
		} else {
			w("none yet")
		}
		w("</dd>\n")
	}
	w("</dl>\n")
	if !d.Admin {
		return
	}
	hidden := `<input type="hidden" name="csrf" value="` + esc(csrf) + `">`
	w(`<div class="actions"><a class="button" href="/people/`, id, "/edit\">Edit</a>\n")
	if p.Status == store.Active {
		link := "Make a sign-in link"
		if d.Account != nil {
			link = "Make a password reset link"
		}
		w(`<form method="post" action="/people/`, id, `/sign-in-link" class="inline">`, hidden, `<button type="submit">`, link, "</button></form>\n")
	}
	if d.TwoFactor {
		w(`<form method="post" action="/people/`, id, `/two-factor/reset" class="inline">`, hidden, "<button type=\"submit\">Reset two-factor sign-in</button></form>\n")
	}
	panel, button := "on", "Put on the promotion panel"
	if d.Panel {
		panel, button = "off", "Take off the promotion panel"
	}
	w(`<form method="post" action="/people/`, id, `/panel" class="inline">`, hidden, `<input type="hidden" name="panel" value="`, panel, `"><button type="submit">`, button, "</button></form></div>\n")
}

// level writes where the person is on their ladder, and the next level.
func (d personData) level(w web.Writer) {
	w("\n<section aria-labelledby=\"level-heading\">\n<h2 id=\"level-heading\">Level</h2>\n")
	l := d.Level
	if l == nil {
		w("<p class=\"muted\">Not levelled yet.</p>\n</section>\n")
		return
	}
	w(`<p class="level-now"><a href="`, esc(l.URL), `">`, esc(l.Code), " ", esc(l.Title), "</a> on the ", esc(l.LadderTitle), " ladder")
	if l.TrackTitle != "" {
		w(", ", esc(l.TrackTitle), " track")
	}
	w(".</p>\n")
	if n := l.Next; n != nil {
		compare := "/compare/?a=" + url.QueryEscape(n.Ref.Ladder) + "/" + url.QueryEscape(l.Ref.Level) +
			"&b=" + url.QueryEscape(n.Ref.Ladder) + "/" + url.QueryEscape(n.Ref.Level)
		w(`<p>Next level: <a href="`, esc(n.URL), `">`, esc(n.Code), " ", esc(n.Title), `</a> (<a href="`, esc(compare), "\">what changes</a>).</p>\n")
	} else {
		w("<p>This is the top of the ladder.</p>\n")
	}
	w("</section>\n")
}

// checkIns writes the links to the person's check-ins and the expectations they named.
func (d personData) checkIns(w web.Writer, id string) {
	w("\n<section aria-labelledby=\"checkins-heading\">\n<h2 id=\"checkins-heading\">Check-ins</h2>\n<p><a href=\"/people/", id, "/checkins\">")
	if d.CheckIns.Notes {
		w("Check-ins and action items")
	} else {
		w("When check-ins were held")
	}
	w("</a>")
	if d.CheckIns.Hold {
		w(` · <a href="/people/`, id, `/checkins/new">New check-in</a>`)
	}
	w("</p>\n")
	if len(d.Talked) > 0 {
		w("<h3 id=\"talked-heading\">Talked about in check-ins</h3>\n<ul class=\"talked\" aria-labelledby=\"talked-heading\">\n")
		for _, t := range d.Talked {
			w(`  <li id="expectation-`, esc(t.E.ID), `">`)
			if t.E.URL != "" {
				w(`<a href="`, esc(t.E.URL), `">`, esc(t.E.Text), `</a> <span class="muted">(`, esc(t.E.Level), ")</span>")
			} else {
				w("<code>#", esc(t.E.ID), "</code> <span class=\"muted\">(no longer in the framework)</span>")
			}
			w("\n    <br><span class=\"muted\">In the check-ins of ")
			for i, c := range t.CheckIns {
				if i > 0 {
					w(", ")
				}
				on := web.Day(c.HeldOn)
				w(`<a href="/people/`, id, "/checkins/", strconv.FormatInt(c.ID, 10), `"><time datetime="`, on, `">`, on, "</time></a>")
			}
			w("</span>")
			for _, g := range t.Goals {
				w(`<br><span class="muted">A goal of the plan: <a href="/people/`, id, "/plan#goal-", strconv.FormatInt(g.ID, 10), `">`,
					esc(cmp.Or(g.Text, "this expectation")), "</a> · ", esc(g.Status), "</span>")
			}
			w("</li>\n")
		}
		w("</ul>\n")
	}
	w("</section>\n")
}

// growth writes the links to the growth plan and the promotion cases, and the plan's target
// and goals, as far as the viewer may read them.
func (d personData) growth(w web.Writer, id string) {
	if !d.Plan.Read && !d.Cases {
		return
	}
	w("\n<section aria-labelledby=\"growth-heading\">\n<h2 id=\"growth-heading\">Growth</h2>\n<p>")
	if d.Plan.Read {
		w(`<a href="/people/`, id, `/plan">Growth plan</a>`)
	}
	if d.Plan.Read && d.Cases {
		w(" · ")
	}
	if d.Cases {
		w(`<a href="/people/`, id, `/cases">Promotion cases</a>`)
	}
	w("</p>\n")
	if d.ToReview >= 0 {
		waiting := "one case is"
		if d.ToReview != 1 {
			waiting = strconv.Itoa(d.ToReview) + " cases are"
		}
		w(`<p>You review promotion cases: <a href="/cases">`, waiting, " waiting</a>.</p>\n")
	}
	g := d.Growth
	if g == nil {
		if d.Plan.Read {
			w("<p class=\"muted\">No growth plan yet.</p>\n")
		}
		w("</section>\n")
		return
	}
	w("<p>Towards ")
	if t := g.Target; t != nil {
		if t.URL != "" {
			w(`<a href="`, esc(t.URL), `">`, esc(t.Code), " ", esc(t.Title), "</a>")
		} else {
			w(esc(t.Title))
		}
	}
	if g.Agreed {
		w(", agreed by both.</p>\n")
	} else {
		w(", not agreed by both yet.</p>\n")
	}
	if len(g.Goals) > 0 {
		w("<ul class=\"goals\">\n")
		for _, gl := range g.Goals {
			w(`<li id="plan-goal-`, strconv.FormatInt(gl.ID, 10), `">`)
			if gl.E.ID != "" {
				if gl.E.URL != "" {
					w(`<a href="`, esc(gl.E.URL), `">`, esc(gl.E.Text), "</a>")
				} else {
					w("<code>#", esc(gl.E.ID), "</code>")
				}
				if gl.Text != "" {
					w(": ")
				}
			}
			w(esc(gl.Text), ` <span class="tag">`, esc(gl.Status), "</span></li>\n")
		}
		w("</ul>\n")
	}
	w("</section>\n")
}

// events writes the timeline: what happened to the person, newest first.
func (d personData) events(w web.Writer) {
	w("\n<section aria-labelledby=\"events-heading\">\n<h2 id=\"events-heading\">Timeline</h2>\n")
	if len(d.Events) == 0 {
		w("<p class=\"empty\">Nothing yet.</p>\n</section>\n")
		return
	}
	w("<ol class=\"events\">\n")
	for _, e := range d.Events {
		on := web.Day(e.On)
		w(`<li class="event-`, esc(e.Kind), `"><time datetime="`, on, `">`, on, "</time> ")
		if e.URL != "" {
			w(`<a href="`, esc(e.URL), `">`, esc(e.Text), "</a>")
		} else {
			w(esc(e.Text))
		}
		w("</li>\n")
	}
	w("</ol>\n</section>\n")
}

// history writes the level changes, newest first, each from the level before it.
func (d personData) history(w web.Writer) {
	w("\n<section aria-labelledby=\"timeline-heading\">\n<h2 id=\"timeline-heading\">Level history</h2>\n")
	if len(d.Timeline) == 0 {
		w("<p class=\"muted\">No level changes yet.</p>\n</section>\n")
		return
	}
	w("<ol class=\"timeline\">\n")
	for _, e := range d.Timeline {
		c := e.Change
		on := web.Day(c.Date)
		w(`  <li class="reason-`, esc(string(c.Reason)), "\">\n    <p class=\"when\"><time datetime=\"", on, `">`, on,
			`</time> · <span class="reason">`, esc(web.Label(string(c.Reason))), "</span></p>\n    <p>")
		if to, from := e.To, e.From; to != nil {
			name := "<strong>" + esc(to.Code) + " " + esc(to.Title) + "</strong>, " + esc(to.LadderTitle)
			switch {
			case from != nil && from.Ref.Ladder == to.Ref.Ladder && from.Ref.Level == to.Ref.Level:
				w(name, ": ")
				if from.Ref.Track == to.Ref.Track {
					w("the same level and track")
				} else {
					w("track ", esc(cmp.Or(from.TrackTitle, "none")), " → <strong>", esc(cmp.Or(to.TrackTitle, "none")), "</strong>")
				}
			default:
				if from != nil {
					w(esc(from.Code), " ", esc(from.Title), " → ")
				}
				w(name)
				if to.TrackTitle != "" {
					w(" (", esc(to.TrackTitle), ")")
				}
			}
		}
		w("</p>\n")
		if c.Note != "" {
			w(`    <p class="note">`, esc(c.Note), "</p>\n")
		}
		w(`    <p class="muted">Recorded `, web.When(c.CreatedAt))
		if e.By != "" {
			w(" by ", esc(e.By))
		}
		w("</p>\n  </li>\n")
	}
	w("</ol>\n</section>\n")
}

// reasons are the choices of the level form's reason, in the order it offers them.
var reasons = []struct{ value, label string }{
	{"promotion", "Promotion"}, {"hire", "Hire"}, {"correction", "Correction"},
	{"track-change", "Track change"}, {"rollout", "Rollout"},
}

// form writes an admin's form for recording a level change, as it was filled in when it
// comes back with problems.
func (d personData) form(w web.Writer, id, csrf string) {
	f := d.Form
	// invalid marks a field with a problem, and problem writes the problem under it.
	invalid := func(field string) string {
		if f.Errors[field] == "" {
			return ""
		}
		return ` aria-invalid="true" aria-describedby="` + field + `-error"`
	}
	problem := func(field string) {
		if msg := f.Errors[field]; msg != "" {
			w(`  <p class="field-error" id="`, field, `-error">`, esc(msg), "</p>\n")
		}
	}
	name := esc(d.Person.Name)
	w("\n<section aria-labelledby=\"change-heading\">\n<h2 id=\"change-heading\">Record a level change</h2>\n",
		"<p class=\"hint\">History is never edited: to put a mistake right, record the right level with the reason “correction”.</p>\n")
	if f.Stale {
		w(`<p class="problem" role="alert">Someone else recorded a level change for `, name,
			" since you opened this page. Nothing of yours was recorded. The level and history above are as they are now, and the form below is as you filled it in: if your change still applies, record it again.</p>\n")
	}
	w(`<form method="post" action="/people/`, id, "/levels\" class=\"form\">\n",
		`  <input type="hidden" name="csrf" value="`, esc(csrf), "\">\n",
		`  <input type="hidden" name="last" value="`, strconv.FormatInt(f.Last, 10), "\">\n",
		"  <label for=\"level\">Level</label>\n",
		`  <select id="level" name="level" required`, invalid("level"), ">\n",
		"    <option value=\"\">Choose a level</option>\n    ", string(web.LevelOptions(d.Levels, f.Level)), "\n  </select>\n")
	problem("level")
	w("  <label for=\"track\">Track</label>\n",
		`  <select id="track" name="track">`, string(web.TrackOptions(d.Tracks, f.Track)), "</select>\n",
		"  <label for=\"reason\">Reason</label>\n",
		`  <select id="reason" name="reason" required`, invalid("reason"), ">\n",
		"    <option value=\"\">Choose why</option>\n")
	for _, r := range reasons {
		w(`    <option value="`, r.value, `"`)
		if f.Reason == r.value {
			w(" selected")
		}
		w(">", r.label, "</option>\n")
	}
	w("  </select>\n")
	problem("reason")
	w("  <label for=\"date\">Takes effect on</label>\n",
		`  <input id="date" name="date" type="date" required value="`, esc(f.Date), `"`, invalid("date"), ">\n")
	problem("date")
	w(`  <label for="note">Note <span class="hint">(optional; it is part of `, name, "'s level history, which they can read)</span></label>\n",
		`  <textarea id="note" name="note" rows="3" maxlength="2000"`, invalid("note"), ">", esc(f.Note), "</textarea>\n")
	problem("note")
	w("  <button type=\"submit\">Record the change</button>\n</form>\n</section>\n")
}
