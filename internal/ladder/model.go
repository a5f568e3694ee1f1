// Package ladder holds the career-framework model and loads, checks and formats the files that
// describe it.
package ladder

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// FormatVersion is the version of the file format and of the model as exported in framework.json.
const FormatVersion = 1

// Framework is a whole career framework: one folder with a rungs.yaml at its root.
type Framework struct {
	Format       int    `json:"format"`
	Title        string `json:"title"`
	Organisation string `json:"organisation,omitempty"`
	Logo         string `json:"logo,omitempty"`
	Description  string `json:"description,omitempty"`
	BaseURL      string `json:"base_url,omitempty"`
	Repository   string `json:"repository,omitempty"`
	EditURL      string `json:"edit_url,omitempty"`
	// AdminsReadAssessments, when false, keeps the people team (admins) out of people's
	// assessments in the people app: they see only how far each has come. Nil means true.
	AdminsReadAssessments *bool        `json:"admins_read_assessments,omitempty"`
	Scale                 []Rating     `json:"scale"`
	Ladders               []*Ladder    `json:"ladders"`
	Pages                 []*Page      `json:"pages"`
	Crosswalk             []TitleMatch `json:"crosswalk"`
}

// Rating is one step of the scale used in assessments, lowest first.
type Rating struct {
	ID          string `json:"id"`
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
}

// Page is a free Markdown page such as the introduction or the FAQ.
type Page struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Body  string `json:"body"`
	Path  string `json:"path"`
}

// TitleMatch maps a title used elsewhere to a level of this framework.
type TitleMatch struct {
	Title  string `json:"title"`
	Ladder string `json:"ladder"`
	Level  string `json:"level"`
	Note   string `json:"note,omitempty"`
}

// Ladder is one job function with its ordered levels.
type Ladder struct {
	ID           string        `json:"id"`
	Title        string        `json:"title"`
	Summary      string        `json:"summary,omitempty"`
	Description  string        `json:"description,omitempty"`
	Groups       []*Group      `json:"groups"`
	Tracks       []*Track      `json:"tracks,omitempty"`
	Levels       []*Level      `json:"levels"`
	BranchesFrom *LevelRef     `json:"branches_from,omitempty"`
	Equivalences []Equivalence `json:"equivalences,omitempty"`
	Promotion    *Promotion    `json:"promotion,omitempty"`
	Path         string        `json:"path"`
}

// Group gathers competency areas under one heading (professional, behavioural...).
type Group struct {
	ID    string  `json:"id"`
	Title string  `json:"title"`
	Areas []*Area `json:"areas"`
}

// Area kinds: most areas hold expectations; a traits area holds named enabling traits.
const (
	KindExpectations = "expectations"
	KindTraits       = "traits"
)

// Area is a competency area such as Core or Management.
type Area struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Kind        string `json:"kind"`
	Description string `json:"description,omitempty"`
	Group       string `json:"group"`
	// From is the level the area starts at, when it does not apply to the levels below it (a
	// leadership area from Staff up); "" when it applies at every level.
	From string `json:"from,omitempty"`
}

// Track is a stream that shares the ladder's levels and may add its own expectations.
type Track struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary,omitempty"`
}

// LevelRef names a level on a ladder.
type LevelRef struct {
	Ladder string `json:"ladder"`
	Level  string `json:"level"`
}

// Equivalence says a level of this ladder stands level with a level of another ladder.
type Equivalence struct {
	Level  string   `json:"level"`
	Equals LevelRef `json:"equals"`
}

// Level is one rung of a ladder.
type Level struct {
	ID        string      `json:"id"`
	Title     string      `json:"title"`
	Code      string      `json:"code,omitempty"` // a short code such as E3, when the ladder uses them
	Summary   string      `json:"summary,omitempty"`
	Intro     string      `json:"intro,omitempty"`
	Tenure    Range       `json:"tenure"`
	TimeSplit []AreaRange `json:"time_split,omitempty"`
	// IndicatorNotes is Markdown shown with the time split and tenure: how to read them, and
	// caveats, in the order the author wrote them.
	IndicatorNotes string       `json:"indicator_notes,omitempty"`
	Areas          []*LevelArea `json:"areas"`
	Path           string       `json:"path"`
}

// AreaRange is the share of time, in percent, a level spends on one area.
type AreaRange struct {
	Area  string `json:"area"`
	Range Range  `json:"range"`
}

// Range is a numeric range; Max is nil when it has no upper bound ("5+"). Approx marks a range
// written as approximate ("~2-3"), which is shown as written.
type Range struct {
	Min    float64  `json:"min"`
	Max    *float64 `json:"max,omitempty"`
	Approx bool     `json:"approx,omitempty"`
}

// LevelArea is what a level expects in one area.
type LevelArea struct {
	Area         string         `json:"area"`
	Expectations []*Expectation `json:"expectations"`
}

// Expectation is one observable behaviour expected at a level.
type Expectation struct {
	ID       string   `json:"id"`
	Name     string   `json:"name,omitempty"` // the trait's name, in a traits area
	Text     string   `json:"text"`
	Examples []string `json:"examples,omitempty"`
	Track    string   `json:"track,omitempty"`
	Line     int      `json:"-"` // where the bullet starts in its file, for messages
}

// AdminsRead reports whether admins may read people's assessments: unless the framework says
// admins_read_assessments: false.
func (f *Framework) AdminsRead() bool {
	return f.AdminsReadAssessments == nil || *f.AdminsReadAssessments
}

// Ladder returns the ladder with the given id, or nil.
func (f *Framework) Ladder(id string) *Ladder {
	for _, l := range f.Ladders {
		if l.ID == id {
			return l
		}
	}
	return nil
}

// Level returns the level with the given id, or nil.
func (l *Ladder) Level(id string) *Level {
	for _, lv := range l.Levels {
		if lv.ID == id {
			return lv
		}
	}
	return nil
}

// Areas returns every area of the ladder in display order.
func (l *Ladder) Areas() []*Area {
	var out []*Area
	for _, g := range l.Groups {
		out = append(out, g.Areas...)
	}
	return out
}

// Area returns the area with the given id, or nil. Pages look areas up thousands of times, so
// it allocates nothing.
func (l *Ladder) Area(id string) *Area {
	for _, g := range l.Groups {
		for _, a := range g.Areas {
			if a.ID == id {
				return a
			}
		}
	}
	return nil
}

// Track returns the track with the given id, or nil.
func (l *Ladder) Track(id string) *Track {
	for _, t := range l.Tracks {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// The Named lookups find what a person typed, as in a spreadsheet or an HR export: an id or
// a title (a level also by its code), whatever its case.

// LadderNamed returns the ladder with that id or title, or nil.
func (f *Framework) LadderNamed(name string) *Ladder {
	for _, l := range f.Ladders {
		if strings.EqualFold(l.ID, name) || strings.EqualFold(l.Title, name) {
			return l
		}
	}
	return nil
}

// TrackNamed returns the track with that id or title, or nil.
func (l *Ladder) TrackNamed(name string) *Track {
	for _, t := range l.Tracks {
		if strings.EqualFold(t.ID, name) || strings.EqualFold(t.Title, name) {
			return t
		}
	}
	return nil
}

// LevelNamed returns the level with that id, code or title, or nil.
func (l *Ladder) LevelNamed(name string) *Level {
	for _, lv := range l.Levels {
		if strings.EqualFold(lv.ID, name) || (lv.Code != "" && strings.EqualFold(lv.Code, name)) || strings.EqualFold(lv.Title, name) {
			return lv
		}
	}
	return nil
}

// Applies reports whether area a applies at the level with the given id: at every level when
// the area has no start, else at its start level and the levels above it.
func (l *Ladder) Applies(a *Area, level string) bool {
	if a.From == "" {
		return true
	}
	for _, lv := range l.Levels {
		switch lv.ID {
		case a.From:
			return true
		case level:
			return false
		}
	}
	return true
}

// Area returns what the level expects in the given area, or nil.
func (lv *Level) Area(id string) *LevelArea {
	for _, a := range lv.Areas {
		if a.Area == id {
			return a
		}
	}
	return nil
}

// JSON encodes the whole framework as framework.json: the model with its format version, compact
// (a large framework's is tens of megabytes; `jq .` makes it readable), ending in a newline. The
// site publishes it and `rungs export --format json` writes it.
func JSON(f *Framework) ([]byte, error) {
	var b bytes.Buffer
	if err := WriteJSON(&b, f); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteJSON writes what JSON returns, a ladder at a time, so that a large framework's JSON is
// never held in memory whole.
func WriteJSON(w io.Writer, f *Framework) error {
	shallow := *f
	if f.Ladders != nil { // nil encodes as null, with no ladder to stream
		shallow.Ladders = []*Ladder{}
	}
	head, err := json.Marshal(&shallow)
	if err != nil {
		return fmt.Errorf("encode framework.json: %w", err)
	}
	if f.Ladders == nil {
		_, err := w.Write(append(head, '\n'))
		return err
	}
	// Inside JSON strings every quote is escaped, so the first `"ladders":[` is the key.
	const key = `"ladders":[`
	at := bytes.Index(head, []byte(key)) + len(key)
	if _, err := w.Write(head[:at]); err != nil {
		return err
	}
	var b []byte
	for i, l := range f.Ladders {
		b = b[:0]
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = appendLadderJSON(b, l); err != nil {
			return fmt.Errorf("encode framework.json: ladder %s: %w", l.ID, err)
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	if _, err := w.Write(head[at:]); err != nil {
		return err
	}
	_, err = w.Write([]byte{'\n'})
	return err
}

// appendLadderJSON appends a ladder as encoding/json writes it: its levels by appendLevelJSON,
// the rest by encoding/json.
func appendLadderJSON(b []byte, l *Ladder) ([]byte, error) {
	if l == nil || l.Levels == nil {
		head, err := json.Marshal(l)
		return append(b, head...), err
	}
	shallow := *l
	shallow.Levels = []*Level{}
	head, err := json.Marshal(&shallow)
	if err != nil {
		return b, err
	}
	// No key before "levels" can hold that text, and strings escape their quotes.
	const key = `"levels":[`
	at := bytes.Index(head, []byte(key)) + len(key)
	b = append(b, head[:at]...)
	for i, lv := range l.Levels {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendLevelJSON(b, lv)
	}
	return append(b, head[at:]...), nil
}
