package api

import (
	_ "embed"
	"net/http"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/ladder"
)

// Framework is the career framework in use: its ladders, their tracks and levels.
type Framework struct {
	Title   string   `json:"title"`
	Ladders []Ladder `json:"ladders"`
}

// Ladder is one ladder of the framework.
type Ladder struct {
	ID     string      `json:"id"`
	Title  string      `json:"title"`
	Tracks []Track     `json:"tracks"`
	Levels []LevelInfo `json:"levels"`
}

// Track is a stream of a ladder.
type Track struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// LevelInfo is a level as the framework lists it.
type LevelInfo struct {
	ID    string `json:"id"`
	Code  string `json:"code"`
	Title string `json:"title"`
}

// GetFramework shows the framework's ladders and levels.
func GetFramework(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	f := srv.Framework()
	out := Framework{Title: f.Title, Ladders: []Ladder{}}
	for _, l := range f.Ladders {
		lo := Ladder{ID: l.ID, Title: l.Title, Tracks: []Track{}, Levels: []LevelInfo{}}
		for _, t := range l.Tracks {
			lo.Tracks = append(lo.Tracks, Track{ID: t.ID, Title: t.Title})
		}
		for _, lv := range l.Levels {
			lo.Levels = append(lo.Levels, LevelInfo{ID: lv.ID, Code: lv.Code, Title: lv.Title})
		}
		out.Ladders = append(out.Ladders, lo)
	}
	return Write(w, r, http.StatusOK, out)
}

// Level is a level with what it expects.
type Level struct {
	Ladder       string        `json:"ladder"`
	ID           string        `json:"id"`
	Code         string        `json:"code"`
	Title        string        `json:"title"`
	Summary      string        `json:"summary"`
	Expectations []Expectation `json:"expectations"`
}

// Expectation is one expectation of a level, by its stable id.
type Expectation struct {
	ID    string `json:"id"`
	Area  string `json:"area"`
	Track string `json:"track"`
	Name  string `json:"name"` // a trait's name; empty for other expectations
	Text  string `json:"text"`
}

// GetLevel shows a level of a ladder with its expectations.
func GetLevel(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	l := srv.Framework().Ladder(r.PathValue("ladder"))
	if l == nil {
		return ErrNotFound
	}
	lv := l.Level(r.PathValue("level"))
	if lv == nil {
		return ErrNotFound
	}
	return Write(w, r, http.StatusOK, levelOf(l, lv))
}

func levelOf(l *ladder.Ladder, lv *ladder.Level) Level {
	out := Level{Ladder: l.ID, ID: lv.ID, Code: lv.Code, Title: lv.Title, Summary: lv.Summary, Expectations: []Expectation{}}
	for _, a := range lv.Areas {
		for _, e := range a.Expectations {
			out.Expectations = append(out.Expectations, Expectation{ID: e.ID, Area: a.Area, Track: e.Track, Name: e.Name, Text: e.Text})
		}
	}
	return out
}

//go:embed openapi.json
var openapi []byte

// OpenAPI is the API's OpenAPI 3.1 description.
func OpenAPI() []byte { return openapi }

// ServeOpenAPI serves the API's description, to anyone: it holds no one's data.
func ServeOpenAPI(_ *web.Server, w http.ResponseWriter, r *http.Request, _ *policy.Viewer) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	_, err := w.Write(openapi)
	return err
}
