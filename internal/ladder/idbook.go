package ladder

import (
	"fmt"
	"strings"
)

// Expectation ids across levels. An id names one expectation of a ladder: each ladder is a
// namespace of its own, as its pages' addresses are, so two ladders may each have, say, a
// "writing" expectation. The same id on another level of the same ladder, in the same area,
// says "the same expectation, grown", and comparisons show it as changed rather than new; it
// may skip a level (a spreadsheet row, which is one competency, may leave a level's cell
// empty). An enabling trait keeps its id wherever it appears, on any level of any ladder, as
// long as it has the same name. Any other reuse (in another area of the ladder, for a trait of
// another name) cannot mean "grown" and is a collision that `rungs check` reports. New ids
// (from `rungs fmt`, the loader and the importers) collide with no id anywhere: they are unique
// across the framework unless they name that very same expectation.

// idUse is one place an expectation id is used.
type idUse struct {
	ladder *Ladder
	level  int // the level's index in the ladder
	area   *Area
	e      *Expectation
}

// idBook knows where every expectation id of a framework is used, and gives new ones.
type idBook struct {
	uses map[string][]idUse
}

func newIDBook() *idBook { return &idBook{uses: map[string][]idUse{}} }

func (b *idBook) add(id string, u idUse) { b.uses[id] = append(b.uses[id], u) }

// give returns an id for u's expectation, which has none: made from its text, not in taken
// (the ids of its level and the areas of its ladder, to which it is added), and used nowhere
// else unless by the same expectation (see sameExpectation).
func (b *idBook) give(u idUse, taken map[string]bool) string {
	text := u.e.Text
	if u.e.Name != "" {
		text = "**" + u.e.Name + "**: " + u.e.Text
	}
	base := idBase(text)
	if len(base) > 40 {
		base = strings.Trim(base[:40], "-")
	}
	if base == "" {
		base = "expectation"
	}
	for n := 1; ; n++ {
		id := base
		if n > 1 {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		if taken[id] {
			continue
		}
		if uses := b.uses[id]; len(uses) == 0 || sameExpectation(uses, u) {
			b.add(id, u)
			taken[id] = true
			return id
		}
	}
}

// sameExpectation reports whether u is the same expectation as one of uses, so that it may
// share their id: a trait of the same name in an area of the same id, or the very same text in
// the same area on the level next to it.
func sameExpectation(uses []idUse, u idUse) bool {
	for _, o := range uses {
		if o.area.ID != u.area.ID {
			continue
		}
		if o.area.Kind == KindTraits && u.area.Kind == KindTraits && u.e.Name != "" && strings.EqualFold(o.e.Name, u.e.Name) {
			return true
		}
		if o.ladder == u.ladder && (o.level == u.level-1 || o.level == u.level+1) && o.e.Text == u.e.Text && o.e.Name == u.e.Name {
			return true
		}
	}
	return false
}

// eachExpectation calls fn for every expectation of f, in the order of ladders, levels, areas.
func eachExpectation(f *Framework, fn func(lv *Level, u idUse)) {
	for _, ld := range f.Ladders {
		for i, lv := range ld.Levels {
			for _, la := range lv.Areas {
				a := ld.Area(la.Area)
				if a == nil {
					continue
				}
				for _, e := range la.Expectations {
					fn(lv, idUse{ladder: ld, level: i, area: a, e: e})
				}
			}
		}
	}
}

// assignIDs gives every expectation of f without an id one from an idBook that knows every id
// already written, calling given (when not nil) for each.
func assignIDs(f *Framework, given func(lv *Level, e *Expectation)) {
	missing := false
	eachExpectation(f, func(_ *Level, u idUse) { missing = missing || u.e.ID == "" })
	if !missing {
		return // a formatted framework: nothing to give, no book to keep
	}
	book := newIDBook()
	eachExpectation(f, func(_ *Level, u idUse) {
		if u.e.ID != "" {
			book.add(u.e.ID, u)
		}
	})
	var taken map[string]bool
	var cur *Level
	eachExpectation(f, func(lv *Level, u idUse) {
		if lv != cur {
			cur, taken = lv, map[string]bool{}
			for _, a := range u.ladder.Areas() {
				taken[a.ID] = true
			}
			for _, la := range lv.Areas {
				for _, e := range la.Expectations {
					taken[e.ID] = true
				}
			}
		}
		if u.e.ID == "" {
			u.e.ID = book.give(u, taken)
			if given != nil {
				given(lv, u.e)
			}
		}
	})
}

// checkIDReuse reports the expectation ids that two unrelated expectations share (see the top
// of this file).
func (l *loader) checkIDReuse(f *Framework) {
	type use struct {
		idUse
		file string
	}
	type key struct {
		ladder *Ladder
		id     string
	}
	firstTrait := map[string]use{} // traits: across the framework
	first := map[key]use{}         // expectations: within their ladder
	eachExpectation(f, func(lv *Level, iu idUse) {
		u := use{iu, lv.Path}
		id := u.e.ID
		if id == "" {
			return
		}
		var o use
		var seen bool
		if u.area.Kind == KindTraits {
			if o, seen = firstTrait[id]; !seen {
				firstTrait[id] = u
			}
		}
		if !seen {
			k := key{u.ladder, id}
			if o, seen = first[k]; !seen {
				first[k] = u
				return
			}
		}
		if o.e == u.e || (o.ladder == u.ladder && o.level == u.level) {
			return // the same level: reported when the level was read
		}
		// Where the ids are written is looked up only for a message: it means reading the file.
		where := func(o use) string {
			p := l.idAt(o.file, o.e)
			return fmt.Sprintf("%s:%d", p.File, p.Line)
		}
		errorf := func(format string, args ...any) { l.r.errorf(l.idAt(u.file, u.e), format, args...) }
		traits := o.area.Kind == KindTraits && u.area.Kind == KindTraits
		switch {
		case traits && o.area.ID != u.area.ID:
			errorf("trait id %q is already used in area %q (%s); an id names one trait: give this one an id of its own", id, o.area.Title, where(o))
		case traits && !strings.EqualFold(o.e.Name, u.e.Name):
			errorf("trait id %q already names the trait %q (%s), not %q: give this one an id of its own", id, o.e.Name, where(o), u.e.Name)
		case traits:
		case o.area.ID != u.area.ID:
			errorf("expectation id %q is already used in area %q (%s); an expectation stays in its area as it grows: give this one an id of its own", id, o.area.Title, where(o))
		}
	})
}
