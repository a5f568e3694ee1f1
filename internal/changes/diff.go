// Package changes compares two versions of a career framework, per ladder, level and area, and
// reads versions and their history from git (or a CHANGELOG), so people can see what changed.
package changes

import (
	"strings"

	"github.com/rungs/rungs/internal/ladder"
)

// Kinds of change.
const (
	Added   = "added"
	Removed = "removed"
	Changed = "changed"
)

// Diff is everything that differs between two versions of a framework.
type Diff struct {
	Framework []Field         `json:"framework,omitempty"`
	Ladders   []*LadderChange `json:"ladders,omitempty"`
	Pages     []*PageChange   `json:"pages,omitempty"`
}

// Empty reports whether the versions are the same in everything Compare looks at.
func (d *Diff) Empty() bool {
	return len(d.Framework) == 0 && len(d.Ladders) == 0 && len(d.Pages) == 0
}

// Field is a named value that changed; an empty Old or New means it was not set.
type Field struct {
	Name string `json:"name"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

// Item is something a ladder holds (an area or a track) that was added, removed or renamed.
type Item struct {
	ID     string `json:"id"`
	Change string `json:"change"`
	Old    string `json:"old,omitempty"` // title before
	New    string `json:"new,omitempty"` // title after
}

// LadderChange is what changed in one ladder.
type LadderChange struct {
	ID     string         `json:"id"`
	Title  string         `json:"title"`
	Change string         `json:"change"`
	Fields []Field        `json:"fields,omitempty"`
	Areas  []Item         `json:"areas,omitempty"`
	Tracks []Item         `json:"tracks,omitempty"`
	Order  *Order         `json:"order,omitempty"` // levels in a new order
	Levels []*LevelChange `json:"levels,omitempty"`
}

// Order is the level ids before and after they were reordered.
type Order struct {
	Old []string `json:"old"`
	New []string `json:"new"`
}

// LevelChange is what changed in one level.
type LevelChange struct {
	ID           string        `json:"id"`
	Title        string        `json:"title"`
	Change       string        `json:"change"`
	OldID        string        `json:"old_id,omitempty"` // the level's file was renamed
	Fields       []Field       `json:"fields,omitempty"` // title, code, summary, introduction
	Tenure       *Field        `json:"tenure,omitempty"`
	TimeSplit    []Field       `json:"time_split,omitempty"` // Name is the area id
	Areas        []*AreaChange `json:"areas,omitempty"`
	Expectations int           `json:"expectations,omitempty"` // of a level added or removed
}

// AreaChange is what changed in what one level expects in one area.
type AreaChange struct {
	Area    string              `json:"area"`
	Title   string              `json:"title"`
	Added   []Expectation       `json:"added,omitempty"`
	Removed []Expectation       `json:"removed,omitempty"`
	Changed []ExpectationChange `json:"changed,omitempty"`
}

// Expectation is one expectation as a reader sees it.
type Expectation struct {
	ID    string `json:"id"`
	Text  string `json:"text"` // with the trait's name in front, "**Name**: text"
	Track string `json:"track,omitempty"`
}

// ExpectationChange is an expectation, matched by id, whose text, examples, track or area
// changed.
type ExpectationChange struct {
	ID        string   `json:"id"`
	Old       string   `json:"old"`
	New       string   `json:"new"`
	Words     []Word   `json:"words,omitempty"` // the text as a word diff
	MovedFrom string   `json:"moved_from,omitempty"`
	Notes     []string `json:"notes,omitempty"` // examples or track changed
}

// PageChange is a free page added, removed or changed.
type PageChange struct {
	ID     string  `json:"id"`
	Title  string  `json:"title"`
	Change string  `json:"change"`
	Fields []Field `json:"fields,omitempty"`
}

// Compare returns what changed from old to new; either may be nil (no framework yet, or no
// longer one).
func Compare(old, new *ladder.Framework) *Diff {
	if old == nil {
		old = &ladder.Framework{}
	}
	if new == nil {
		new = &ladder.Framework{}
	}
	d := &Diff{}
	d.Framework = fields(
		"title", old.Title, new.Title,
		"organisation", old.Organisation, new.Organisation,
		"description", old.Description, new.Description,
		"scale", scale(old), scale(new),
	)
	for _, ol := range old.Ladders {
		if new.Ladder(ol.ID) == nil {
			d.Ladders = append(d.Ladders, &LadderChange{ID: ol.ID, Title: ol.Title, Change: Removed, Levels: levelsOnly(ol, Removed)})
		}
	}
	for _, nl := range new.Ladders {
		ol := old.Ladder(nl.ID)
		if ol == nil {
			d.Ladders = append(d.Ladders, &LadderChange{ID: nl.ID, Title: nl.Title, Change: Added, Levels: levelsOnly(nl, Added)})
			continue
		}
		if lc := compareLadder(ol, nl); lc != nil {
			d.Ladders = append(d.Ladders, lc)
		}
	}
	oldPages := map[string]*ladder.Page{}
	for _, p := range old.Pages {
		oldPages[p.ID] = p
	}
	seen := map[string]bool{}
	for _, p := range new.Pages {
		seen[p.ID] = true
		op := oldPages[p.ID]
		switch {
		case op == nil:
			d.Pages = append(d.Pages, &PageChange{ID: p.ID, Title: p.Title, Change: Added})
		case op.Title != p.Title || op.Body != p.Body:
			pc := &PageChange{ID: p.ID, Title: p.Title, Change: Changed, Fields: fields("title", op.Title, p.Title)}
			if op.Body != p.Body {
				pc.Fields = append(pc.Fields, Field{Name: "text", Old: op.Body, New: p.Body})
			}
			d.Pages = append(d.Pages, pc)
		}
	}
	for _, p := range old.Pages {
		if !seen[p.ID] {
			d.Pages = append(d.Pages, &PageChange{ID: p.ID, Title: p.Title, Change: Removed})
		}
	}
	return d
}

func scale(f *ladder.Framework) string {
	var labels []string
	for _, r := range f.Scale {
		labels = append(labels, r.Label)
	}
	return strings.Join(labels, ", ")
}

// fields lists the name, old, new triples whose values differ.
func fields(triples ...string) []Field {
	var out []Field
	for i := 0; i+2 < len(triples); i += 3 {
		if triples[i+1] != triples[i+2] {
			out = append(out, Field{Name: triples[i], Old: triples[i+1], New: triples[i+2]})
		}
	}
	return out
}

func levelsOnly(ld *ladder.Ladder, change string) []*LevelChange {
	var out []*LevelChange
	for _, lv := range ld.Levels {
		out = append(out, &LevelChange{ID: lv.ID, Title: lv.Title, Change: change, Expectations: count(lv)})
	}
	return out
}

func count(lv *ladder.Level) int {
	n := 0
	for _, la := range lv.Areas {
		n += len(la.Expectations)
	}
	return n
}

func compareLadder(ol, nl *ladder.Ladder) *LadderChange {
	lc := &LadderChange{ID: nl.ID, Title: nl.Title, Change: Changed}
	lc.Fields = fields("title", ol.Title, nl.Title, "summary", ol.Summary, nl.Summary, "description", ol.Description, nl.Description)
	lc.Areas = items(ids(ol.Areas(), func(a *ladder.Area) (string, string) { return a.ID, a.Title }), ids(nl.Areas(), func(a *ladder.Area) (string, string) { return a.ID, a.Title }))
	lc.Tracks = items(ids(ol.Tracks, func(t *ladder.Track) (string, string) { return t.ID, t.Title }), ids(nl.Tracks, func(t *ladder.Track) (string, string) { return t.ID, t.Title }))

	// Levels match by id; a level whose file was renamed matches by its unchanged title.
	match := map[*ladder.Level]*ladder.Level{} // new -> old
	used := map[*ladder.Level]bool{}
	for _, nv := range nl.Levels {
		if ov := ol.Level(nv.ID); ov != nil {
			match[nv], used[ov] = ov, true
		}
	}
	for _, nv := range nl.Levels {
		if match[nv] != nil {
			continue
		}
		for _, ov := range ol.Levels {
			if !used[ov] && nl.Level(ov.ID) == nil && ov.Title == nv.Title {
				match[nv], used[ov] = ov, true
				break
			}
		}
	}
	var oldOrder, newOrder []string
	for _, ov := range ol.Levels {
		if used[ov] {
			oldOrder = append(oldOrder, ov.ID)
		}
	}
	for _, nv := range nl.Levels {
		if ov := match[nv]; ov != nil {
			newOrder = append(newOrder, ov.ID)
		}
	}
	if strings.Join(oldOrder, " ") != strings.Join(newOrder, " ") {
		var newIDs []string
		for _, nv := range nl.Levels {
			if match[nv] != nil {
				newIDs = append(newIDs, nv.ID)
			}
		}
		lc.Order = &Order{Old: oldOrder, New: newIDs}
	}
	for _, ov := range ol.Levels {
		if !used[ov] {
			lc.Levels = append(lc.Levels, &LevelChange{ID: ov.ID, Title: ov.Title, Change: Removed, Expectations: count(ov)})
		}
	}
	for _, nv := range nl.Levels {
		ov := match[nv]
		if ov == nil {
			lc.Levels = append(lc.Levels, &LevelChange{ID: nv.ID, Title: nv.Title, Change: Added, Expectations: count(nv)})
			continue
		}
		if c := compareLevel(ol, nl, ov, nv); c != nil {
			lc.Levels = append(lc.Levels, c)
		}
	}
	if len(lc.Fields) == 0 && len(lc.Areas) == 0 && len(lc.Tracks) == 0 && lc.Order == nil && len(lc.Levels) == 0 {
		return nil
	}
	return lc
}

type idTitle struct{ id, title string }

func ids[T any](xs []T, f func(T) (string, string)) []idTitle {
	var out []idTitle
	for _, x := range xs {
		id, title := f(x)
		out = append(out, idTitle{id, title})
	}
	return out
}

func items(old, new []idTitle) []Item {
	var out []Item
	for _, o := range old {
		found := false
		for _, n := range new {
			if n.id == o.id {
				found = true
				if n.title != o.title {
					out = append(out, Item{ID: n.id, Change: Changed, Old: o.title, New: n.title})
				}
			}
		}
		if !found {
			out = append(out, Item{ID: o.id, Change: Removed, Old: o.title})
		}
	}
	for _, n := range new {
		found := false
		for _, o := range old {
			found = found || o.id == n.id
		}
		if !found {
			out = append(out, Item{ID: n.id, Change: Added, New: n.title})
		}
	}
	return out
}

func rangeText(r ladder.Range) string {
	if r.Min == 0 && r.Max == nil {
		return ""
	}
	return r.String()
}

func compareLevel(ol, nl *ladder.Ladder, ov, nv *ladder.Level) *LevelChange {
	c := &LevelChange{ID: nv.ID, Title: nv.Title, Change: Changed}
	if ov.ID != nv.ID {
		c.OldID = ov.ID
	}
	c.Fields = fields("title", ov.Title, nv.Title, "code", ov.Code, nv.Code, "summary", ov.Summary, nv.Summary, "introduction", ov.Intro, nv.Intro)
	if a, b := rangeText(ov.Tenure), rangeText(nv.Tenure); a != b {
		c.Tenure = &Field{Name: "tenure", Old: a, New: b}
	}
	split := func(lv *ladder.Level, area string) string {
		for _, ts := range lv.TimeSplit {
			if ts.Area == area {
				return ts.Range.String()
			}
		}
		return ""
	}
	seen := map[string]bool{}
	for _, lv := range []*ladder.Level{nv, ov} {
		for _, ts := range lv.TimeSplit {
			if seen[ts.Area] {
				continue
			}
			seen[ts.Area] = true
			if a, b := split(ov, ts.Area), split(nv, ts.Area); a != b {
				c.TimeSplit = append(c.TimeSplit, Field{Name: ts.Area, Old: a, New: b})
			}
		}
	}

	// Expectations match by id anywhere in the level, so one moved to another area shows as
	// moved rather than removed and added.
	type place struct {
		e    *ladder.Expectation
		area string
	}
	oldByID := map[string]place{}
	for _, la := range ov.Areas {
		for _, e := range la.Expectations {
			oldByID[e.ID] = place{e, la.Area}
		}
	}
	newIDs := map[string]bool{}
	areas := map[string]*AreaChange{}
	var order []string
	areaChange := func(id string, ld *ladder.Ladder) *AreaChange {
		if ac := areas[id]; ac != nil {
			return ac
		}
		title := id
		if a := ld.Area(id); a != nil {
			title = a.Title
		}
		ac := &AreaChange{Area: id, Title: title}
		areas[id] = ac
		order = append(order, id)
		return ac
	}
	for _, la := range nv.Areas {
		kind := kindOf(nl, la.Area)
		for _, e := range la.Expectations {
			newIDs[e.ID] = true
			o, ok := oldByID[e.ID]
			if !ok {
				ac := areaChange(la.Area, nl)
				ac.Added = append(ac.Added, view(e, kind))
				continue
			}
			oldText, newText := view(o.e, kindOf(ol, o.area)).Text, view(e, kind).Text
			ch := ExpectationChange{ID: e.ID, Old: oldText, New: newText}
			if oldText != newText {
				ch.Words = WordDiff(oldText, newText)
			}
			if o.area != la.Area {
				ch.MovedFrom = o.area
			}
			if o.e.Track != e.Track {
				ch.Notes = append(ch.Notes, "track: "+orNone(o.e.Track)+" -> "+orNone(e.Track))
			}
			if strings.Join(o.e.Examples, "\n") != strings.Join(e.Examples, "\n") {
				ch.Notes = append(ch.Notes, "examples changed")
			}
			if oldText != newText || ch.MovedFrom != "" || len(ch.Notes) > 0 {
				ac := areaChange(la.Area, nl)
				ac.Changed = append(ac.Changed, ch)
			}
		}
	}
	for _, la := range ov.Areas {
		for _, e := range la.Expectations {
			if !newIDs[e.ID] {
				ac := areaChange(la.Area, ol)
				ac.Removed = append(ac.Removed, view(e, kindOf(ol, la.Area)))
			}
		}
	}
	// Areas in the new ladder's order, then areas only the old one had.
	for _, a := range nl.Areas() {
		if ac := areas[a.ID]; ac != nil {
			c.Areas = append(c.Areas, ac)
			delete(areas, a.ID)
		}
	}
	for _, id := range order {
		if ac := areas[id]; ac != nil {
			c.Areas = append(c.Areas, ac)
		}
	}
	if len(c.Fields) == 0 && c.Tenure == nil && len(c.TimeSplit) == 0 && len(c.Areas) == 0 && c.OldID == "" {
		return nil
	}
	return c
}

func orNone(s string) string {
	if s == "" {
		return "all tracks"
	}
	return s
}

func kindOf(ld *ladder.Ladder, area string) string {
	if a := ld.Area(area); a != nil {
		return a.Kind
	}
	return ladder.KindExpectations
}

func view(e *ladder.Expectation, kind string) Expectation {
	text := e.Text
	if kind == ladder.KindTraits || e.Name != "" {
		text = strings.TrimSpace("**" + e.Name + "**: " + e.Text)
	}
	return Expectation{ID: e.ID, Text: text, Track: e.Track}
}
