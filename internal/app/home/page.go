package home

import (
	"bytes"
	"html"
	"strconv"

	"github.com/rungs/rungs/internal/app/web"
)

// esc escapes a value for text and quoted attribute values alike.
var esc = html.EscapeString

// WriteBody writes the home's content, as the person page does (see package people): a
// manager's home is fifty cards that were written in Go already, and html/template then
// walked the rest of the page through reflection and copied the cards into it, a tenth of
// the page's CPU on the server. The links are the app's own paths and the published
// ladder's (each starts with a slash, made of numbers and the framework's ids).
// TestHomeTextIsInert checks the page with markup in names.
func (d data) WriteBody(b *bytes.Buffer, _ string) {
	w := web.WriterTo(b)
	me := strconv.FormatInt(d.Person.ID, 10)
	w("\n<h1>Hello, ", esc(d.Name), "</h1>\n")
	d.level(w, me)
	d.tasks(w)
	d.checkIns(b, w, me)
	if d.Access.Team {
		w("\n<section aria-labelledby=\"team-heading\">\n<h2 id=\"team-heading\">Your team</h2>\n")
		if len(d.Team) > 0 {
			w("\n<p class=\"hint\">Your direct reports, those who need you most first.")
			if c := d.TeamCycle; c != nil {
				day := web.Day(c.EndsOn)
				w(" Assessments are those of ", esc(c.Name), `, open until <time datetime="`, day, `">`, day, "</time>.")
			}
			w("</p>\n<ul class=\"team\">\n")
			writeTeamCards(b, d.Team, d.TeamCycleID)
			w("</ul>\n")
		} else {
			w("<p class=\"muted\">Nobody reports to you directly any more.</p>")
		}
		w("\n</section>\n")
	}
	w("\n\n")
	if d.People != nil {
		d.People.write(w)
	}
	w("\n")
}

// level writes where the viewer is on the ladder, and for how long.
func (d data) level(w web.Writer, me string) {
	l := d.Level
	if l == nil {
		w("<p class=\"muted\">You have no level yet: the people team places everyone on the ladder.</p>\n\n")
		return
	}
	w(`<p>You are <a href="`, levelURL(l, me), `">`, esc(l.Title))
	if l.Code != "" {
		w(" (", esc(l.Code), ")")
	}
	w("</a> on ", esc(l.LadderTitle))
	if l.TrackTitle != "" {
		w(", ", esc(l.TrackTitle), " track")
	}
	if d.LevelSince != "" {
		w(", for ", esc(d.LevelSince))
	}
	w(".")
	if n := l.Next; n != nil {
		w(` Next: <a href="`, levelURL(n, me), `">`, esc(n.Title), "</a>.")
	}
	w("</p>\n\n\n")
}

// levelURL is a level's page on the published ladder, or the viewer's own page when the
// framework no longer has it.
func levelURL(l *web.LevelInfo, me string) string {
	if l.URL != "" {
		return esc(l.URL)
	}
	return "/people/" + me
}

// tasks writes what waits for the viewer.
func (d data) tasks(w web.Writer) {
	w("<section aria-labelledby=\"tasks-heading\">\n<h2 id=\"tasks-heading\">Waiting for you</h2>\n")
	if len(d.Tasks) == 0 && len(d.CasesToReview) == 0 {
		w("<p class=\"muted\">Nothing waits for you right now.</p>\n</section>\n")
		return
	}
	w("\n<ul class=\"tasks\">\n")
	for _, t := range d.Tasks {
		w("<li")
		if t.Overdue {
			w(` class="overdue"`)
		}
		w(`><a href="`, esc(t.URL), `">`, esc(t.Text), "</a>")
		if !t.Due.IsZero() {
			due, words := web.Day(t.Due), "due by"
			if t.Overdue {
				words = "was due"
			}
			w(` <span class="muted">· `, words, ` <time datetime="`, due, `">`, due, "</time></span>")
		}
		w("</li>\n")
	}
	w("\n")
	for _, t := range d.CasesToReview {
		w(`<li><a href="`, esc(t.URL), `">`, esc(t.Text), "</a>")
		if !t.Due.IsZero() {
			due := web.Day(t.Due)
			w(` <span class="muted">· due by <time datetime="`, due, `">`, due, "</time></span>")
		}
		w("</li>\n")
	}
	w("\n</ul>\n\n</section>\n")
}

// checkIns writes the viewer's last check-in, when the next is due, and their open items.
func (d data) checkIns(b *bytes.Buffer, w web.Writer, me string) {
	w("\n<section aria-labelledby=\"checkins-heading\">\n<h2 id=\"checkins-heading\">Your check-ins</h2>\n")
	if c := d.CheckIn; c.Had {
		held, next := web.Day(c.Last.HeldOn), web.Day(c.NextDue)
		w("\n<p>Your last check-in was with ", esc(c.Last.ManagerName), ` on <a href="/people/`, me, "/checkins/", strconv.FormatInt(c.Last.ID, 10),
			`"><time datetime="`, held, `">`, held, "</time></a> (", esc(c.Ago), ").\n")
		if c.Overdue {
			w(`<strong>The next was due by <time datetime="`, next, `">`, next, "</time>.</strong>")
		} else {
			w(`The next is due by <time datetime="`, next, `">`, next, "</time>.")
		}
		w("</p>\n")
	} else {
		w("<p class=\"muted\">No check-ins yet. ")
		if d.Person.ManagerID != 0 {
			w("Your manager writes one up when you meet.")
		} else {
			w("Check-ins are held with a manager: you have none in rungs yet.")
		}
		w("</p>")
	}
	w("\n<p><a href=\"/people/", me, "/checkins\">All your check-ins</a></p>\n<h3>Your open action items</h3>\n")
	if len(d.Items) > 0 {
		w("\n<ul class=\"items\">\n")
		writeItemCards(b, d.Items, d.Person.ID)
		w("</ul>\n")
		if d.MoreItems {
			w("<p class=\"hint\">There are more: each check-in has all of its items.</p>")
		}
		w("\n")
	} else {
		w("<p class=\"muted\">None open.</p>")
	}
	w("\n</section>\n\n")
}

// write writes the people team's picture of the organisation.
func (p *picture) write(w web.Writer) {
	w("\n<section aria-labelledby=\"org-heading\">\n<h2 id=\"org-heading\">Your organisation</h2>\n")
	if len(p.Setup) > 0 {
		w("\n<h3 id=\"setup-heading\">Getting started</h3>\n<p class=\"hint\">Four steps put everyone on the ladder. Each is ticked as soon as it is done.</p>\n<ol class=\"checklist\" aria-labelledby=\"setup-heading\">\n")
		for _, s := range p.Setup {
			class := "todo"
			if s.Done {
				class = "done"
			}
			w(`<li class="`, class, `"><strong>`, esc(s.Text), "</strong>")
			if s.Done {
				w(` <span class="tick">✓ done</span>`)
			}
			w("\n  <p class=\"hint\">", esc(s.Hint), "</p>")
			if !s.Done {
				w(`<p><a href="`, esc(s.URL), `">`, esc(s.Link), "</a></p>")
			}
			w("</li>\n")
		}
		w("\n</ol>\n")
	}
	w("\n<dl class=\"facts\">\n  <dt>People</dt><dd><a href=\"/people\">", web.Thousands(p.People), "</a></dd>\n  <dt>Without a level</dt><dd>")
	if p.Unplaced > 0 {
		w(`<a href="/rollout">`, web.Thousands(p.Unplaced), "</a>")
	} else {
		w("none")
	}
	w("</dd>\n  ")
	for _, c := range p.Cycles {
		ends := web.Day(c.Cycle.EndsOn)
		w("<dt>", esc(c.Cycle.Name), `</dt><dd><a href="/cycles/`, strconv.FormatInt(c.Cycle.ID, 10), `">`, web.Thousands(c.Done), " of ", web.Thousands(c.Of),
			" shared</a> (", strconv.Itoa(c.Percent), `%), open until <time datetime="`, ends, `">`, ends, "</time></dd>\n  ")
	}
	if len(p.Cycles) == 0 {
		w("<dt>Assessments</dt><dd>No cycle is open. <a href=\"/cycles\">Open one</a></dd>")
	}
	w("\n</dl>\n</section>\n")
}
