package site

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"

	"github.com/rungs/rungs/internal/guidance"
	"github.com/rungs/rungs/internal/ladder"
)

// The self-assessment page runs in the browser alone: the page carries the scale, the ladders'
// promotion guidance and the framework's version; assess.js fetches each ladder's levels.json
// and evaluates the guidance with guidance.js, the JavaScript twin of the guidance package.

// assessPath is where the self-assessment page lives.
const assessPath = "assess/"

// assessView is what the page's template sees.
type assessView struct {
	Data     assessData
	Ladders  []assessLadder
	Script   string
	Guidance string
	Style    string
}

// assessData is the page's data, read by assess.js from a JSON script element.
type assessData struct {
	Title   string          `json:"title"`
	Version string          `json:"version"`
	Scale   []ladder.Rating `json:"scale"`
	Bar     int             `json:"bar"` // the scale position an expectation must reach to count as shown
	Ladders []assessLadder  `json:"ladders"`
}

type assessLadder struct {
	ID        string            `json:"id"`
	Title     string            `json:"title"`
	Src       string            `json:"src"` // its levels.json
	Levels    []levelData       `json:"levels"`
	Tracks    []trackData       `json:"tracks"`
	Promotion *ladder.Promotion `json:"promotion,omitempty"`
}

// FrameworkVersion is a short content hash of the framework as published in framework.json: a
// saved self-assessment names it, so that opening it later shows what changed since.
func FrameworkVersion(f *ladder.Framework) (string, error) {
	h := sha256.New()
	if err := ladder.WriteJSON(h, f); err != nil {
		return "", err
	}
	return versionOf(h), nil
}

// versionOf is the version named by the hash of framework.json.
func versionOf(h hash.Hash) string {
	return hex.EncodeToString(h.Sum(nil)[:6])
}

// scaleBar is where on the scale an expectation counts as shown: the second rating from the top
// ("consistently" on a four-step scale, below "role model"), and never the lowest.
func scaleBar(scale []ladder.Rating) int {
	return guidance.Bar(len(scale))
}

func (r *renderer) assessPage(c *chrome, home link) error {
	version, err := r.version()
	if err != nil {
		return fmt.Errorf("self-assessment: %w", err)
	}
	gp := "assets/" + fingerprint("guidance.js", guidance.Script)
	if err := r.put(gp, guidance.Script); err != nil {
		return err
	}
	v := assessView{Script: r.assetURL["assess.js"], Style: r.assetURL["assess.css"], Guidance: r.url(gp)}
	v.Data = assessData{Title: r.f.Title, Version: version, Scale: r.f.Scale, Bar: scaleBar(r.f.Scale)}
	for _, l := range r.f.Ladders {
		if len(l.Levels) == 0 {
			continue
		}
		al := assessLadder{ID: l.ID, Title: l.Title, Src: r.url(ladderPath(l) + "levels.json"), Promotion: l.Promotion, Tracks: []trackData{}}
		for _, lv := range l.Levels {
			al.Levels = append(al.Levels, levelData{ID: lv.ID, Title: lv.Title, Code: lv.Code})
		}
		for _, t := range l.Tracks {
			al.Tracks = append(al.Tracks, trackData{ID: t.ID, Title: t.Title})
		}
		v.Data.Ladders = append(v.Data.Ladders, al)
	}
	v.Ladders = v.Data.Ladders
	return r.page(&page{Site: c, Title: "Self-assessment", Description: "Rate yourself against your level and the next, with evidence, and see what to work on next. Nothing leaves your browser.",
		Section: "assess", Path: assessPath, Crumbs: []link{home}, Body: v}, "assess")
}
