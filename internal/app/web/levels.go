package web

import (
	"html"
	"html/template"
	"strings"
	"sync"

	"github.com/rungs/rungs/internal/ladder"
)

// LevelRef names a level of the framework as a person holds it.
type LevelRef struct {
	Ladder, Track, Level string
}

// LevelInfo is what pages show of a level held or proposed.
type LevelInfo struct {
	Ref         LevelRef
	LadderTitle string
	TrackTitle  string
	Title       string // the level's title, or its id when the framework no longer has it
	Code        string
	URL         string // its page on the published ladder; "" when it no longer exists
	Next        *LevelInfo
}

// LevelChoice is one option of a level picker.
type LevelChoice struct {
	Value, Label string // Value is ladder/level
}

// LadderChoices are a ladder's levels in a picker.
type LadderChoices struct {
	Title  string
	Levels []LevelChoice
}

// TrackChoice is one option of a track picker.
type TrackChoice struct {
	Value, Label string
}

// Describe looks a level up in the framework; one it no longer has is still shown, by id.
// What it returns is shared: not to be changed.
func Describe(f *ladder.Framework, ref LevelRef) *LevelInfo {
	if ref.Level == "" {
		return nil
	}
	described.RLock()
	info, ok := described.refs[ref]
	ok = ok && described.f == f
	described.RUnlock()
	if ok {
		return info
	}
	info = describe(f, ref)
	described.Lock()
	defer described.Unlock()
	if described.f != f || len(described.refs) >= maxDescribed {
		described.f, described.refs = f, map[LevelRef]*LevelInfo{}
	}
	described.refs[ref] = info
	return info
}

// described keeps the levels Describe made for the framework it was last given: the people
// list described the levels of each of its pages afresh, 5 KB of garbage a page. A framework
// does not change once loaded (serve loads a new one, see Server.SetFramework), so what is
// kept for it stays true; another framework starts it anew.
var described struct {
	sync.RWMutex
	f    *ladder.Framework
	refs map[LevelRef]*LevelInfo
}

// maxDescribed bounds described: the levels people hold, which are few, and those they held
// that the framework no longer has.
const maxDescribed = 10_000

// describe is Describe without described.
func describe(f *ladder.Framework, ref LevelRef) *LevelInfo {
	info := &LevelInfo{Ref: ref, LadderTitle: ref.Ladder, TrackTitle: ref.Track, Title: ref.Level}
	l := f.Ladder(ref.Ladder)
	if l == nil {
		return info
	}
	info.LadderTitle = l.Title
	if t := l.Track(ref.Track); t != nil {
		info.TrackTitle = t.Title
	}
	for i, lv := range l.Levels {
		if lv.ID != ref.Level {
			continue
		}
		info.Title, info.Code, info.URL = lv.Title, lv.Code, "/ladders/"+l.ID+"/"+lv.ID+"/"
		if i+1 < len(l.Levels) {
			next := l.Levels[i+1]
			info.Next = &LevelInfo{Ref: LevelRef{l.ID, ref.Track, next.ID}, LadderTitle: l.Title, TrackTitle: info.TrackTitle,
				Title: next.Title, Code: next.Code, URL: "/ladders/" + l.ID + "/" + next.ID + "/"}
		}
	}
	return info
}

// ParseLevel checks a level picked in a form ("ladder/level") and a track against the
// framework, and returns a message for the person filling the form when they do not fit.
func ParseLevel(f *ladder.Framework, value, track string) (LevelRef, string) {
	ladderID, levelID, ok := strings.Cut(strings.TrimSpace(value), "/")
	if !ok {
		return LevelRef{}, "Choose a level."
	}
	l := f.Ladder(ladderID)
	if l == nil {
		return LevelRef{}, "The ladder " + ladderID + " is not in the framework."
	}
	if l.Level(levelID) == nil {
		return LevelRef{}, "The level " + levelID + " is not on the " + l.Title + " ladder."
	}
	track = strings.TrimSpace(track)
	if len(l.Tracks) == 0 {
		// A ladder without tracks: whatever track was picked for another ladder is dropped.
		return LevelRef{Ladder: l.ID, Level: levelID}, ""
	}
	if l.Track(track) == nil {
		return LevelRef{}, "Choose one of the " + l.Title + " ladder's tracks."
	}
	return LevelRef{Ladder: l.ID, Track: track, Level: levelID}, ""
}

// FitTrack makes a track picked in a form follow the level picked with it ("ladder/level"):
// a track of that level's ladder is kept, any other (none, or another ladder's) becomes the
// ladder's first track, and a ladder without tracks takes none. The pickers list every
// ladder's tracks in one list, and a form sent without script cannot narrow it to the
// level's ladder, so the server does. A level that is not in the framework leaves the track
// as it is, for ParseLevel to refuse.
func FitTrack(f *ladder.Framework, value, track string) string {
	ladderID, _, ok := strings.Cut(strings.TrimSpace(value), "/")
	if !ok {
		return track
	}
	l := f.Ladder(ladderID)
	switch {
	case l == nil:
		return track
	case len(l.Tracks) == 0:
		return ""
	case l.Track(strings.TrimSpace(track)) != nil:
		return strings.TrimSpace(track)
	}
	return l.Tracks[0].ID
}

// LevelChoices lists every level of the framework, ladder by ladder, for a picker.
func LevelChoices(f *ladder.Framework) []LadderChoices {
	var out []LadderChoices
	for _, l := range f.Ladders {
		lc := LadderChoices{Title: l.Title}
		for _, lv := range l.Levels {
			label := lv.Title
			if lv.Code != "" {
				label = lv.Code + " " + lv.Title
			}
			lc.Levels = append(lc.Levels, LevelChoice{Value: l.ID + "/" + lv.ID, Label: label})
		}
		out = append(out, lc)
	}
	return out
}

// LevelOptions is the options of a level picker, ladder by ladder, with selected (a
// ladder/level value) chosen. A page with a picker per row (the rollout's) had a template
// loop of four calls an option, thousands on one page; this writes them in one.
func LevelOptions(ladders []LadderChoices, selected string) template.HTML {
	var b strings.Builder
	n := 0
	for _, l := range ladders {
		n += 1 + len(l.Levels)
	}
	b.Grow(optionBytes * n) // once, rather than doubling through a page's worth of options
	for _, l := range ladders {
		b.WriteString(`<optgroup label="`)
		b.WriteString(html.EscapeString(l.Title))
		b.WriteString(`">`)
		for _, c := range l.Levels {
			option(&b, c.Value, c.Label, selected)
		}
		b.WriteString(`</optgroup>`)
	}
	return template.HTML(b.String())
}

// TrackOptions is the options of a track picker, with selected (a track id) chosen.
func TrackOptions(tracks []TrackChoice, selected string) template.HTML {
	var b strings.Builder
	b.Grow(optionBytes * len(tracks))
	for _, t := range tracks {
		option(&b, t.Value, t.Label, selected)
	}
	return template.HTML(b.String())
}

// optionBytes is about what an option (or a ladder's group) of a picker takes.
const optionBytes = 64

// option writes one option of a picker, chosen when its value is selected.
func option(b *strings.Builder, value, label, selected string) {
	b.WriteString(`<option value="`)
	b.WriteString(html.EscapeString(value))
	b.WriteString(`"`)
	if value == selected {
		b.WriteString(` selected`)
	}
	b.WriteString(`>`)
	b.WriteString(html.EscapeString(label))
	b.WriteString(`</option>`)
}

// TrackChoices lists every track of every ladder, once each.
func TrackChoices(f *ladder.Framework) []TrackChoice {
	out := []TrackChoice{{Value: "", Label: "No track (ladders without tracks)"}}
	seen := map[string]bool{}
	for _, l := range f.Ladders {
		for _, t := range l.Tracks {
			if !seen[t.ID] {
				seen[t.ID] = true
				out = append(out, TrackChoice{Value: t.ID, Label: t.Title})
			}
		}
	}
	return out
}
