// Package guidance evaluates a ladder's promotion guidance (its rules or points) against a set of
// ratings and says which level the ratings read as, and why. The same evaluator is written in
// JavaScript (guidance.js) for the static self-assessment page; the tests hold both to the same
// table of cases.
package guidance

import (
	_ "embed"
	"slices"

	"github.com/rungs/rungs/internal/ladder"
)

// Script is the JavaScript twin of Evaluate, with identical semantics, for pages without a server.
//
//go:embed guidance.js
var Script []byte

// Ladder is what the evaluator needs of a ladder: its areas in order, its levels lowest first with
// their expectations per area, and its promotion guidance. It has the shape of the site's
// levels.json, so the page can pass that file's content as it is.
type Ladder struct {
	Areas     []Area            `json:"areas"`
	Levels    []Level           `json:"levels"`
	Promotion *ladder.Promotion `json:"promotion"`
}

// Area is one competency area.
type Area struct {
	ID string `json:"id"`
}

// Level is one level with its expectations per area id.
type Level struct {
	ID    string            `json:"id"`
	Areas map[string][]Item `json:"areas"`
}

// Item is one expectation; Track is empty when it applies to every track.
type Item struct {
	ID    string `json:"id"`
	Track string `json:"track,omitempty"`
}

// Input is one evaluation: ratings of expectations keyed "level/expectation", rating ids from
// Scale (lowest first). Only expectations for every track and for Track count.
type Input struct {
	Ladder  Ladder            `json:"ladder"`
	Scale   []string          `json:"scale"`
	Track   string            `json:"track"`
	Ratings map[string]string `json:"ratings"`
}

// Styles of guidance.
const (
	StyleRules  = "rules"
	StylePoints = "points"
)

// Result is what the guidance reads: Level is the highest level whose rule holds (rules) or whose
// threshold the points reach (points), "" when none; Rule names the rule it came from.
type Result struct {
	Style  string        `json:"style"`
	Level  string        `json:"level"`
	Rule   string        `json:"rule,omitempty"`
	Points int           `json:"points"`
	Areas  []AreaPoints  `json:"areas,omitempty"` // points style
	Levels []LevelResult `json:"levels,omitempty"`
}

// AreaPoints is what one area earns in the points style: the highest level it is shown at.
type AreaPoints struct {
	Area   string `json:"area"`
	Level  string `json:"level"` // "" when not shown at any level
	Points int    `json:"points"`
}

// LevelResult says whether a level holds, and through which rules or threshold.
type LevelResult struct {
	Level     string       `json:"level"`
	Holds     bool         `json:"holds"`
	Threshold int          `json:"threshold,omitempty"` // points style
	Rules     []RuleResult `json:"rules,omitempty"`     // rules style
}

// RuleResult is one rule evaluated for one level.
type RuleResult struct {
	Rule       string            `json:"rule"`
	Holds      bool              `json:"holds"`
	Conditions []ConditionResult `json:"conditions,omitempty"`
}

// ConditionResult is one condition evaluated: how many areas met it out of how many considered
// (those with expectations at that level) and how many were needed.
type ConditionResult struct {
	Of          string       `json:"of"` // the level id it looked at
	Rating      string       `json:"rating"`
	Holds       bool         `json:"holds"`
	AreasMet    int          `json:"areas_met"`
	AreasNeeded int          `json:"areas_needed"`
	Areas       []AreaResult `json:"areas,omitempty"`
}

// AreaResult is one area of a condition: Shown of Total expectations rated at least the rating,
// Needed of them to meet it.
type AreaResult struct {
	Area   string `json:"area"`
	Shown  int    `json:"shown"`
	Total  int    `json:"total"`
	Needed int    `json:"needed"`
	Met    bool   `json:"met"`
}

// FromLadder turns a loaded ladder into the evaluator's input shape.
func FromLadder(l *ladder.Ladder) Ladder {
	out := Ladder{Promotion: l.Promotion}
	for _, a := range l.Areas() {
		out.Areas = append(out.Areas, Area{ID: a.ID})
	}
	for _, lv := range l.Levels {
		ld := Level{ID: lv.ID, Areas: map[string][]Item{}}
		for _, la := range lv.Areas {
			for _, e := range la.Expectations {
				ld.Areas[la.Area] = append(ld.Areas[la.Area], Item{ID: e.ID, Track: e.Track})
			}
		}
		out.Levels = append(out.Levels, ld)
	}
	return out
}

// Bar is the position on a scale of n ratings that an expectation must reach to count as
// shown: the second rating from the top ("consistently" on a four-step scale, below "role
// model"), and never the lowest. The self-assessment page and the people app both use it.
func Bar(n int) int { return max(1, n-2) }

// evaluator carries one Input while it is evaluated.
type evaluator struct {
	in   Input
	rank map[string]int
}

// rating is the position of the rating given to an expectation in the scale, -1 when unrated.
func (e *evaluator) rating(level, id string) int {
	if r, ok := e.rank[e.in.Ratings[level+"/"+id]]; ok {
		return r
	}
	return -1
}

// area counts, at a level, an area's expectations that apply to the track and how many of them
// are rated at least min.
func (e *evaluator) area(lv *Level, area string, min int) (shown, total int) {
	for _, it := range lv.Areas[area] {
		if it.Track != "" && it.Track != e.in.Track {
			continue
		}
		total++
		if e.rating(lv.ID, it.ID) >= min {
			shown++
		}
	}
	return shown, total
}

// Evaluate reads the ratings against the ladder's promotion guidance. It returns a zero Result
// (Style "") when the ladder has none.
func Evaluate(in Input) Result {
	p := in.Ladder.Promotion
	if p == nil {
		return Result{}
	}
	e := &evaluator{in: in, rank: map[string]int{}}
	for i, s := range in.Scale {
		e.rank[s] = i
	}
	if p.Points != nil {
		return e.points(p.Points)
	}
	return e.rules(p.Rules)
}

func (e *evaluator) rules(rules []*ladder.PromotionRule) Result {
	res := Result{Style: StyleRules}
	levels := e.in.Ladder.Levels
	for i := range levels {
		lr := LevelResult{Level: levels[i].ID}
		for _, r := range rules {
			if !slices.Contains(r.Levels, levels[i].ID) {
				continue
			}
			rr := RuleResult{Rule: r.Name, Holds: true}
			for _, c := range r.When {
				cr := e.condition(i, c)
				rr.Holds = rr.Holds && cr.Holds
				rr.Conditions = append(rr.Conditions, cr)
			}
			if rr.Holds && !lr.Holds {
				lr.Holds = true
				res.Level, res.Rule = levels[i].ID, r.Name
			}
			lr.Rules = append(lr.Rules, rr)
		}
		if len(lr.Rules) > 0 {
			res.Levels = append(res.Levels, lr)
		}
	}
	return res
}

// condition evaluates c for the level at index i.
func (e *evaluator) condition(i int, c ladder.Condition) ConditionResult {
	levels := e.in.Ladder.Levels
	j := -1
	switch c.Of {
	case ladder.OfLevel, "":
		j = i
	case ladder.OfBelow:
		j = i - 1
	case ladder.OfAbove:
		j = i + 1
	default:
		for k := range levels {
			if levels[k].ID == c.Of {
				j = k
			}
		}
	}
	cr := ConditionResult{Rating: c.Rating}
	if j < 0 || j >= len(levels) {
		return cr // checked when loading; a level that is not there holds nothing
	}
	lv := &levels[j]
	cr.Of = lv.ID
	min, ok := e.rank[c.Rating]
	if !ok {
		return cr
	}
	areas := c.Areas
	if len(areas) == 0 {
		for _, a := range e.in.Ladder.Areas {
			areas = append(areas, a.ID)
		}
	}
	for _, a := range areas {
		shown, total := e.area(lv, a, min)
		if total == 0 {
			continue // an area the level says nothing about cannot be shown or missed
		}
		ar := AreaResult{Area: a, Shown: shown, Total: total, Needed: c.Expect.Of(total)}
		ar.Met = shown >= ar.Needed
		if ar.Met {
			cr.AreasMet++
		}
		cr.Areas = append(cr.Areas, ar)
	}
	cr.AreasNeeded = c.AreasNeeded.Of(len(cr.Areas))
	cr.Holds = len(cr.Areas) > 0 && cr.AreasMet >= cr.AreasNeeded
	return cr
}

func (e *evaluator) points(p *ladder.Points) Result {
	res := Result{Style: StylePoints}
	milestone := map[string]int{}
	for _, m := range p.Milestones {
		milestone[m.Level] = m.Points
	}
	min, ok := e.rank[p.Rating]
	levels := e.in.Ladder.Levels
	for _, a := range e.in.Ladder.Areas {
		ap := AreaPoints{Area: a.ID}
		for i := len(levels) - 1; i >= 0 && ok; i-- {
			shown, total := e.area(&levels[i], a.ID, min)
			if total > 0 && shown >= p.Expect.Of(total) {
				ap.Level, ap.Points = levels[i].ID, milestone[levels[i].ID]
				break
			}
		}
		res.Points += ap.Points
		res.Areas = append(res.Areas, ap)
	}
	for _, t := range p.Thresholds {
		lr := LevelResult{Level: t.Level, Threshold: t.Points, Holds: res.Points >= t.Points}
		if lr.Holds {
			res.Level = t.Level // thresholds are in level order, increasing
		}
		res.Levels = append(res.Levels, lr)
	}
	return res
}
