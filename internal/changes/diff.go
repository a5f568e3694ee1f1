// Package changes compares two versions of a career framework, per ladder, level and area, and
// reads versions and their history from git (or a CHANGELOG), so people can see what changed.
package changes

import (
	"encoding/json"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rungs/rungs/internal/ladder"
)

// Compare looks at the whole model: every value a framework's files hold is compared, so two
// versions are the same (an empty Diff) exactly when their files would say the same. Only where
// a file is (Path) and where a bullet starts (Line) are left out: they follow from the ids.

// Kinds of change.
const (
	Added   = "added"
	Removed = "removed"
	Changed = "changed"
)

// Diff is everything that differs between two versions of a framework.
type Diff struct {
	Framework []Field         `json:"framework,omitempty"` // settings: title, organisation, logo...
	Scale     []Item          `json:"scale,omitempty"`     // ratings by id; the label is the title
	Crosswalk []Item          `json:"crosswalk,omitempty"` // ID "title -> ladder/level"
	Orders    []Order         `json:"orders,omitempty"`    // ladders, pages, ratings or titles reordered
	Ladders   []*LadderChange `json:"ladders,omitempty"`
	Pages     []*PageChange   `json:"pages,omitempty"`
}

// Empty reports whether the versions are the same.
func (d *Diff) Empty() bool {
	return len(d.Framework) == 0 && len(d.Scale) == 0 && len(d.Crosswalk) == 0 && len(d.Orders) == 0 &&
		len(d.Ladders) == 0 && len(d.Pages) == 0
}

// Field is a named value that changed; an empty Old or New means it was not set.
type Field struct {
	Name string `json:"name"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

// Item is something added, removed or changed that has an id: a rating, group, area, track,
// equivalence or crosswalk title.
type Item struct {
	ID     string  `json:"id"`
	Change string  `json:"change"`
	Old    string  `json:"old,omitempty"`    // title before
	New    string  `json:"new,omitempty"`    // title after
	Fields []Field `json:"fields,omitempty"` // other values that changed
}

// Order is a list whose entries are the same but in another order: What names the list.
type Order struct {
	What string   `json:"what"`
	Old  []string `json:"old"`
	New  []string `json:"new"`
}

// LadderChange is what changed in one ladder.
type LadderChange struct {
	ID           string         `json:"id"`
	Title        string         `json:"title"`
	Change       string         `json:"change"`
	Fields       []Field        `json:"fields,omitempty"` // title, summary, description, branches from, promotion
	Groups       []Item         `json:"groups,omitempty"`
	Areas        []Item         `json:"areas,omitempty"`
	Tracks       []Item         `json:"tracks,omitempty"`
	Equivalences []Item         `json:"equivalences,omitempty"` // ID "level = ladder/level"
	Orders       []Order        `json:"orders,omitempty"`       // levels, groups, areas, tracks, equivalences
	Levels       []*LevelChange `json:"levels,omitempty"`
}

// LevelChange is what changed in one level.
type LevelChange struct {
	ID           string        `json:"id"`
	Title        string        `json:"title"`
	Change       string        `json:"change"`
	OldID        string        `json:"old_id,omitempty"` // the level's file was renamed
	Fields       []Field       `json:"fields,omitempty"` // title, code, summary, introduction, indicator notes
	Tenure       *Field        `json:"tenure,omitempty"`
	TimeSplit    []Field       `json:"time_split,omitempty"` // Name is the area id
	Orders       []Order       `json:"orders,omitempty"`     // time split, sections, expectations in an area
	Areas        []*AreaChange `json:"areas,omitempty"`
	Expectations int           `json:"expectations,omitempty"` // of a level added or removed
}

// AreaChange is what changed in what one level expects in one area.
type AreaChange struct {
	Area    string              `json:"area"`
	Title   string              `json:"title"`
	Section string              `json:"section,omitempty"` // Added or Removed: the level gained or lost its section for the area
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
	format := func(f *ladder.Framework) string {
		if f.Format == 0 {
			return ""
		}
		return strconv.Itoa(f.Format)
	}
	d.Framework = fields(
		"format", format(old), format(new),
		"title", old.Title, new.Title,
		"organisation", old.Organisation, new.Organisation,
		"logo", old.Logo, new.Logo,
		"description", old.Description, new.Description,
		"base_url", old.BaseURL, new.BaseURL,
		"repository", old.Repository, new.Repository,
		"edit_url", old.EditURL, new.EditURL,
		"admins_read_assessments", adminsRead(old), adminsRead(new),
	)
	rating := func(r ladder.Rating) entry {
		return entry{id: r.ID, title: r.Label, fields: []string{"description", r.Description}}
	}
	d.Scale = items(each(old.Scale, rating), each(new.Scale, rating))
	d.Orders = appendOrder(d.Orders, "ratings", each(old.Scale, rating), each(new.Scale, rating))

	title := func(t ladder.TitleMatch) entry {
		return entry{id: t.Title + " -> " + t.Ladder + "/" + t.Level, title: t.Title, fields: []string{"note", t.Note}}
	}
	d.Crosswalk = items(each(old.Crosswalk, title), each(new.Crosswalk, title))
	d.Orders = appendOrder(d.Orders, "crosswalk", each(old.Crosswalk, title), each(new.Crosswalk, title))

	ladderEntry := func(l *ladder.Ladder) entry { return entry{id: l.ID, title: l.Title} }
	d.Orders = appendOrder(d.Orders, "ladders", each(old.Ladders, ladderEntry), each(new.Ladders, ladderEntry))
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
	d.Pages = comparePages(old.Pages, new.Pages)
	pageEntry := func(p *ladder.Page) entry { return entry{id: p.ID, title: p.Title} }
	d.Orders = appendOrder(d.Orders, "pages", each(old.Pages, pageEntry), each(new.Pages, pageEntry))
	return d
}

func comparePages(old, new []*ladder.Page) []*PageChange {
	var out []*PageChange
	oldPages := map[string]*ladder.Page{}
	for _, p := range old {
		oldPages[p.ID] = p
	}
	seen := map[string]bool{}
	for _, p := range new {
		seen[p.ID] = true
		op := oldPages[p.ID]
		switch {
		case op == nil:
			out = append(out, &PageChange{ID: p.ID, Title: p.Title, Change: Added})
		case op.Title != p.Title || op.Body != p.Body:
			pc := &PageChange{ID: p.ID, Title: p.Title, Change: Changed, Fields: fields("title", op.Title, p.Title)}
			if op.Body != p.Body {
				pc.Fields = append(pc.Fields, Field{Name: "text", Old: op.Body, New: p.Body})
			}
			out = append(out, pc)
		}
	}
	for _, p := range old {
		if !seen[p.ID] {
			out = append(out, &PageChange{ID: p.ID, Title: p.Title, Change: Removed})
		}
	}
	return out
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

func levelRef(r *ladder.LevelRef) string {
	if r == nil {
		return ""
	}
	return r.Ladder + "/" + r.Level
}

// promotion is a ladder's promotion guidance as ladder.yaml writes it, for people to read, and
// as JSON, which says exactly whether two versions differ.
func promotion(ld *ladder.Ladder) (text, exact string) {
	if ld.Promotion == nil {
		return "", ""
	}
	b, _ := json.Marshal(ld.Promotion)
	y, err := yaml.Marshal(ladder.PromotionNode(ld))
	if err != nil {
		return string(b), string(b)
	}
	return strings.TrimSpace(string(y)), string(b)
}

func compareLadder(ol, nl *ladder.Ladder) *LadderChange {
	lc := &LadderChange{ID: nl.ID, Title: nl.Title, Change: Changed}
	lc.Fields = fields("title", ol.Title, nl.Title, "summary", ol.Summary, nl.Summary, "description", ol.Description, nl.Description,
		"branches from", levelRef(ol.BranchesFrom), levelRef(nl.BranchesFrom))
	ot, oe := promotion(ol)
	nt, ne := promotion(nl)
	if oe != ne {
		if ot == nt { // the YAML leaves defaults out; say what differs exactly
			ot, nt = oe, ne
		}
		lc.Fields = append(lc.Fields, Field{Name: "promotion", Old: ot, New: nt})
	}

	group := func(g *ladder.Group) entry { return entry{id: g.ID, title: g.Title} }
	lc.Groups = items(each(ol.Groups, group), each(nl.Groups, group))
	lc.Orders = appendOrder(lc.Orders, "groups", each(ol.Groups, group), each(nl.Groups, group))
	area := func(a *ladder.Area) entry {
		return entry{id: a.ID, title: a.Title, fields: []string{"group", a.Group, "kind", a.Kind, "starts at", a.From, "description", a.Description}}
	}
	lc.Areas = items(each(ol.Areas(), area), each(nl.Areas(), area))
	lc.Orders = appendOrder(lc.Orders, "areas", each(ol.Areas(), area), each(nl.Areas(), area))
	track := func(t *ladder.Track) entry {
		return entry{id: t.ID, title: t.Title, fields: []string{"summary", t.Summary}}
	}
	lc.Tracks = items(each(ol.Tracks, track), each(nl.Tracks, track))
	lc.Orders = appendOrder(lc.Orders, "tracks", each(ol.Tracks, track), each(nl.Tracks, track))
	equiv := func(e ladder.Equivalence) entry {
		return entry{id: e.Level + " = " + e.Equals.Ladder + "/" + e.Equals.Level}
	}
	lc.Equivalences = items(each(ol.Equivalences, equiv), each(nl.Equivalences, equiv))
	lc.Orders = appendOrder(lc.Orders, "equivalences", each(ol.Equivalences, equiv), each(nl.Equivalences, equiv))

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
	var oldOrder, newOrder, newIDs []string
	for _, ov := range ol.Levels {
		if used[ov] {
			oldOrder = append(oldOrder, ov.ID)
		}
	}
	for _, nv := range nl.Levels {
		if ov := match[nv]; ov != nil {
			newOrder = append(newOrder, ov.ID)
			newIDs = append(newIDs, nv.ID)
		}
	}
	if strings.Join(oldOrder, " ") != strings.Join(newOrder, " ") {
		lc.Orders = append([]Order{{What: "levels", Old: oldOrder, New: newIDs}}, lc.Orders...)
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
	if len(lc.Fields) == 0 && len(lc.Groups) == 0 && len(lc.Areas) == 0 && len(lc.Tracks) == 0 &&
		len(lc.Equivalences) == 0 && len(lc.Orders) == 0 && len(lc.Levels) == 0 {
		return nil
	}
	return lc
}

func rangeText(r ladder.Range) string {
	if r.IsZero() {
		return ""
	}
	return r.String()
}

func compareLevel(ol, nl *ladder.Ladder, ov, nv *ladder.Level) *LevelChange {
	c := &LevelChange{ID: nv.ID, Title: nv.Title, Change: Changed}
	if ov.ID != nv.ID {
		c.OldID = ov.ID
	}
	c.Fields = fields("title", ov.Title, nv.Title, "code", ov.Code, nv.Code, "summary", ov.Summary, nv.Summary,
		"introduction", ov.Intro, nv.Intro, "indicator notes", ov.IndicatorNotes, nv.IndicatorNotes)
	if a, b := rangeText(ov.Tenure), rangeText(nv.Tenure); a != b {
		c.Tenure = &Field{Name: "tenure", Old: a, New: b}
	}
	split := func(s ladder.AreaRange) entry {
		return entry{id: s.Area, fields: []string{"range", rangeText(s.Range)}}
	}
	for _, it := range items(each(ov.TimeSplit, split), each(nv.TimeSplit, split)) {
		f := Field{Name: it.ID}
		for _, x := range it.Fields {
			f.Old, f.New = x.Old, x.New
		}
		if it.Change == Removed {
			f.Old = rangeText(findSplit(ov, it.ID))
		}
		if it.Change == Added {
			f.New = rangeText(findSplit(nv, it.ID))
		}
		c.TimeSplit = append(c.TimeSplit, f)
	}
	c.Orders = appendOrder(c.Orders, "time split", each(ov.TimeSplit, split), each(nv.TimeSplit, split))
	section := func(la *ladder.LevelArea) entry { return entry{id: la.Area} }
	c.Orders = appendOrder(c.Orders, "sections", each(ov.Areas, section), each(nv.Areas, section))

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
		if ov.Area(la.Area) == nil {
			areaChange(la.Area, nl).Section = Added
		}
	}
	for _, la := range ov.Areas {
		if nv.Area(la.Area) == nil {
			areaChange(la.Area, ol).Section = Removed
		}
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
			if o.e.Name != e.Name && kind != ladder.KindTraits {
				ch.Notes = append(ch.Notes, "name: "+orNoneText(o.e.Name)+" -> "+orNoneText(e.Name))
			}
			if o.e.Track != e.Track {
				ch.Notes = append(ch.Notes, "track: "+orNone(o.e.Track)+" -> "+orNone(e.Track))
			}
			if strings.Join(o.e.Examples, "\n") != strings.Join(e.Examples, "\n") || len(o.e.Examples) != len(e.Examples) {
				ch.Notes = append(ch.Notes, "examples changed")
			}
			if oldText != newText || ch.MovedFrom != "" || len(ch.Notes) > 0 {
				ac := areaChange(la.Area, nl)
				ac.Changed = append(ac.Changed, ch)
			}
		}
		if ola := ov.Area(la.Area); ola != nil {
			id := func(e *ladder.Expectation) entry { return entry{id: e.ID} }
			c.Orders = appendOrder(c.Orders, "expectations in "+la.Area, each(ola.Expectations, id), each(la.Expectations, id))
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
	if len(c.Fields) == 0 && c.Tenure == nil && len(c.TimeSplit) == 0 && len(c.Orders) == 0 && len(c.Areas) == 0 && c.OldID == "" {
		return nil
	}
	return c
}

func findSplit(lv *ladder.Level, area string) ladder.Range {
	for _, ts := range lv.TimeSplit {
		if ts.Area == area {
			return ts.Range
		}
	}
	return ladder.Range{}
}

func orNone(s string) string {
	if s == "" {
		return "all tracks"
	}
	return s
}

func orNoneText(s string) string {
	if s == "" {
		return "(none)"
	}
	return strconv.Quote(s)
}

func kindOf(ld *ladder.Ladder, area string) string {
	if a := ld.Area(area); a != nil {
		return a.Kind
	}
	return ladder.KindExpectations
}

func view(e *ladder.Expectation, kind string) Expectation {
	text := e.Text
	if kind == ladder.KindTraits {
		text = strings.TrimSpace("**" + e.Name + "**: " + e.Text)
	}
	return Expectation{ID: e.ID, Text: text, Track: e.Track}
}

// adminsRead is the admins_read_assessments setting as written, "" when it is not.
func adminsRead(f *ladder.Framework) string {
	if f.AdminsReadAssessments == nil {
		return ""
	}
	return strconv.FormatBool(*f.AdminsReadAssessments)
}
