// Package conversations is the people app's 1:1 check-ins: the list of a person's check-ins
// with their open action items, a new check-in, and one check-in's notes and items. Who may
// see and do what is package policy's; these pages ask it and show its answer.
package conversations

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/checkins"
)

// Expectation is an expectation a check-in names, as the pages show it.
type Expectation struct {
	ID    string
	Text  string // "" when the framework no longer has it
	Level string // the level it is found at, "E3 Senior Engineer"
	URL   string // its place on the published ladder
}

// Expectations finds expectation ids in the framework for one person: an id names one
// expectation per ladder, grown from level to level, so the person's own ladder and level
// come first, then the levels above theirs, then the rest of their ladder, then any ladder.
type Expectations struct {
	f *ladder.Framework
	p store.Person
}

// ExpectationsFor looks up f's expectations as p would. A page looks up a few ids, so each
// is found when asked for rather than every expectation of the framework indexed first
// (which cost a person's page more than all its reads of the database).
func ExpectationsFor(f *ladder.Framework, p store.Person) Expectations {
	return Expectations{f: f, p: p}
}

// find returns where id is found first in the order Expectations describes, and false when
// the framework does not have it.
func (x Expectations) find(id string) (l *ladder.Ladder, level int, e *ladder.Expectation, ok bool) {
	p := x.p
	// Lower ranks win: the expectation found first at the lowest rank, in this order.
	rank := func(l *ladder.Ladder, i int) int {
		switch {
		case l.ID != p.Ladder:
			return 3
		case l.Levels[i].ID == p.Level:
			return 0
		}
		for j := range i {
			if l.Levels[j].ID == p.Level {
				return 1 // above their level: what they grow towards
			}
		}
		return 2
	}
	best := 5
	for _, lad := range x.f.Ladders {
		for i, lv := range lad.Levels {
			for _, la := range lv.Areas {
				for _, ex := range la.Expectations {
					if ex.ID != id {
						continue
					}
					r := rank(lad, i)
					if ex.Track != "" && lad.ID == p.Ladder && p.Track != "" && ex.Track != p.Track {
						r = 4 // another track's: theirs only when nothing else has the id
					}
					if r < best {
						best, l, level, e, ok = r, lad, i, ex, true
					}
				}
			}
		}
	}
	return l, level, e, ok
}

// Known reports whether id is an expectation anywhere in the framework.
func (x Expectations) Known(id string) bool {
	_, _, _, ok := x.find(id)
	return ok
}

// Get returns what the framework says of id; an id it no longer has keeps its id alone.
func (x Expectations) Get(id string) Expectation {
	l, i, e, ok := x.find(id)
	if !ok {
		return Expectation{ID: id}
	}
	lv := l.Levels[i]
	name := lv.Title
	if lv.Code != "" {
		name = lv.Code + " " + lv.Title
	}
	text := e.Text
	if e.Name != "" {
		text = e.Name + ": " + e.Text
	}
	return Expectation{ID: e.ID, Text: text, Level: name, URL: "/ladders/" + l.ID + "/" + lv.ID + "/#" + e.ID}
}

// notesHTML shows notes as typed, with each #expectation-id a link to where the person's page
// lists what their check-ins talked about. Line breaks are kept by the stylesheet.
func notesHTML(notes string, person int64) template.HTML {
	var b strings.Builder
	at := 0
	for _, l := range checkins.FindExpectationLinks(notes) {
		b.WriteString(template.HTMLEscapeString(notes[at:l.Start]))
		b.WriteString(`<a href="` + PersonAnchor(person, l.ID) + `">`)
		b.WriteString(template.HTMLEscapeString(notes[l.Start:l.End]))
		b.WriteString(`</a>`)
		at = l.End
	}
	b.WriteString(template.HTMLEscapeString(notes[at:]))
	return template.HTML(b.String()) //nolint:gosec // every piece of the text is escaped above; ids are [a-z0-9-]
}

// PersonAnchor is the place on a person's page that lists an expectation their check-ins
// named.
func PersonAnchor(person int64, id string) string {
	return "/people/" + web.Itoa(person) + "#expectation-" + id
}

// cleanNotes is a textarea's value as the store keeps it: "\n" line breaks, no space around.
func cleanNotes(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// pathInt reads a number from the route's path; a malformed one is a page that is not there.
func pathInt(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, web.ErrNotFound
	}
	return n, nil
}
