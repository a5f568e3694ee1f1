package app

import (
	"strings"

	"github.com/rungs/rungs/internal/ladder"
)

// levelRef names a level of the framework as a person holds it.
type levelRef struct {
	Ladder, Track, Level string
}

// levelInfo is what pages show of a level held or proposed.
type levelInfo struct {
	Ref         levelRef
	LadderTitle string
	TrackTitle  string
	Title       string // the level's title, or its id when the framework no longer has it
	Code        string
	URL         string // its page on the published ladder; "" when it no longer exists
	Next        *levelInfo
}

// levelChoice is one option of a level picker.
type levelChoice struct {
	Value, Label string // Value is ladder/level
}

type ladderChoices struct {
	Title  string
	Levels []levelChoice
}

type trackChoice struct {
	Value, Label string
}

// describe looks a level up in the framework; one it no longer has is still shown, by id.
func describe(f *ladder.Framework, ref levelRef) *levelInfo {
	if ref.Level == "" {
		return nil
	}
	info := &levelInfo{Ref: ref, LadderTitle: ref.Ladder, TrackTitle: ref.Track, Title: ref.Level}
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
			info.Next = &levelInfo{Ref: levelRef{l.ID, ref.Track, next.ID}, LadderTitle: l.Title, TrackTitle: info.TrackTitle,
				Title: next.Title, Code: next.Code, URL: "/ladders/" + l.ID + "/" + next.ID + "/"}
		}
	}
	return info
}

// parseLevel checks a level picked in a form ("ladder/level") and a track against the
// framework, and returns a message for the person filling the form when they do not fit.
func parseLevel(f *ladder.Framework, value, track string) (levelRef, string) {
	ladderID, levelID, ok := strings.Cut(strings.TrimSpace(value), "/")
	if !ok {
		return levelRef{}, "Choose a level."
	}
	l := f.Ladder(ladderID)
	if l == nil {
		return levelRef{}, "The ladder " + ladderID + " is not in the framework."
	}
	if l.Level(levelID) == nil {
		return levelRef{}, "The level " + levelID + " is not on the " + l.Title + " ladder."
	}
	track = strings.TrimSpace(track)
	if len(l.Tracks) == 0 {
		// A ladder without tracks: whatever track was picked for another ladder is dropped.
		return levelRef{Ladder: l.ID, Level: levelID}, ""
	}
	if l.Track(track) == nil {
		return levelRef{}, "Choose one of the " + l.Title + " ladder's tracks."
	}
	return levelRef{Ladder: l.ID, Track: track, Level: levelID}, ""
}

// levelChoices lists every level of the framework, ladder by ladder, for a picker.
func levelChoices(f *ladder.Framework) []ladderChoices {
	var out []ladderChoices
	for _, l := range f.Ladders {
		lc := ladderChoices{Title: l.Title}
		for _, lv := range l.Levels {
			label := lv.Title
			if lv.Code != "" {
				label = lv.Code + " " + lv.Title
			}
			lc.Levels = append(lc.Levels, levelChoice{Value: l.ID + "/" + lv.ID, Label: label})
		}
		out = append(out, lc)
	}
	return out
}

// trackChoices lists every track of every ladder, once each.
func trackChoices(f *ladder.Framework) []trackChoice {
	out := []trackChoice{{Value: "", Label: "No track (ladders without tracks)"}}
	seen := map[string]bool{}
	for _, l := range f.Ladders {
		for _, t := range l.Tracks {
			if !seen[t.ID] {
				seen[t.ID] = true
				out = append(out, trackChoice{Value: t.ID, Label: t.Title})
			}
		}
	}
	return out
}
