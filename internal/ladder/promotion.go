package ladder

import (
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// A ladder may say how its levels are reached, as data: either rules ("consistently shows every
// Core expectation of the level") or points (areas earn points at the highest level they are
// shown at; thresholds turn the total into a level). The guidance package evaluates them; this
// file reads and checks them.

// Values of Condition.Of besides a level id: the level being read, the one below it, the one
// above it.
const (
	OfLevel = "level"
	OfBelow = "below"
	OfAbove = "above"
)

// Promotion is how a ladder declares that its levels are reached. Exactly one of Rules and
// Points is set.
type Promotion struct {
	About  string           `json:"about,omitempty"`
	Rules  []*PromotionRule `json:"rules,omitempty"`
	Points *Points          `json:"points,omitempty"`
}

// PromotionRule reads as one of its levels when every one of its conditions holds. Rules are
// alternatives: a level is shown when any rule for it holds.
type PromotionRule struct {
	Name   string      `json:"name"`
	Levels []string    `json:"levels"` // the levels it reads, resolved: never empty
	When   []Condition `json:"when"`
}

// Condition asks for enough expectations of a level, rated at least Rating, in enough areas.
type Condition struct {
	Of          string   `json:"of"`              // OfLevel, OfBelow, OfAbove or a level id
	Areas       []string `json:"areas,omitempty"` // empty: every area of the ladder
	Rating      string   `json:"rating"`
	Expect      Share    `json:"expectations"` // of each area's expectations
	AreasNeeded Share    `json:"areas_needed"` // of the areas that have expectations at that level
}

// Share is how many of something are needed: a count, a percent (rounded up), or, when both are
// zero, all of them.
type Share struct {
	Count   int `json:"count,omitempty"`
	Percent int `json:"percent,omitempty"`
}

// Of returns how many of n are needed.
func (s Share) Of(n int) int {
	switch {
	case s.Count > 0:
		return min(s.Count, n)
	case s.Percent > 0:
		return (n*s.Percent + 99) / 100
	}
	return n
}

// String writes the share as it is written in YAML.
func (s Share) String() string {
	switch {
	case s.Count > 0:
		return strconv.Itoa(s.Count)
	case s.Percent > 0:
		return strconv.Itoa(s.Percent) + "%"
	}
	return "all"
}

// Points is the points-based style: an area counts as shown at a level when enough of that
// level's expectations in it are rated at least Rating; it earns the milestone points of the
// highest level it is shown at; the total reads as the highest level whose threshold it reaches.
type Points struct {
	Rating     string        `json:"rating"`
	Expect     Share         `json:"expectations"`
	Milestones []LevelPoints `json:"milestones"`
	Thresholds []LevelPoints `json:"thresholds"`
}

// LevelPoints is a number of points tied to a level.
type LevelPoints struct {
	Level  string `json:"level"`
	Points int    `json:"points"`
}

// The YAML shapes.

type promotionFile struct {
	Pos    Pos
	About  string      `yaml:"about"`
	Rules  []ruleFile  `yaml:"rules"`
	Points *pointsFile `yaml:"points"`
}

type ruleFile struct {
	Pos    Pos
	Name   string          `yaml:"name,required"`
	Levels []ident         `yaml:"levels"`
	When   []conditionFile `yaml:"when,required"`
}

type conditionFile struct {
	Pos         Pos
	Of          ident      `yaml:"of"`
	Areas       []ident    `yaml:"areas"`
	Rating      ident      `yaml:"rating,required"`
	Expect      shareValue `yaml:"expectations"`
	AreasNeeded shareValue `yaml:"areas_needed"`
}

type pointsFile struct {
	Pos        Pos
	Rating     ident          `yaml:"shown_at,required"`
	Expect     shareValue     `yaml:"expectations"`
	Milestones levelPointsMap `yaml:"milestones,required"`
	Thresholds levelPointsMap `yaml:"thresholds,required"`
}

// shareValue is "all", a whole number or a percent such as "75%".
type shareValue struct {
	Share Share
	Pos   Pos
	Set   bool
}

func (sv *shareValue) decodeNode(d *yamlDecoder, n *yaml.Node) {
	sv.Pos = d.nodePos(n)
	s, ok := d.scalar(n, `"all", a number or a percent such as "75%"`)
	if !ok || s == "" {
		return
	}
	sv.Set = true
	t := strings.TrimSpace(s)
	if t == "all" {
		return
	}
	if p, ok := strings.CutSuffix(t, "%"); ok {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || v < 1 || v > 100 {
			d.r.errorf(sv.Pos, "%q is not a percent from 1%% to 100%%", s)
			return
		}
		sv.Share.Percent = v
		return
	}
	v, err := strconv.Atoi(t)
	if err != nil || v < 1 {
		d.r.errorf(sv.Pos, "%q is not a share: write \"all\", a number from 1 or a percent such as \"75%%\"", s)
		return
	}
	sv.Share.Count = v
}

// levelPointsEntry is one "level: points" line.
type levelPointsEntry struct {
	Level  ident
	Points int
	Pos    Pos // of the number
}

// levelPointsMap keeps the levels in the order they were written.
type levelPointsMap []levelPointsEntry

func (m *levelPointsMap) decodeNode(d *yamlDecoder, n *yaml.Node) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.r.errorf(d.nodePos(n), "expected a mapping of level ids to points, found %s", describe(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		var e levelPointsEntry
		d.decodeValue(n.Content[i], reflect.ValueOf(&e.Level).Elem())
		if seen[e.Level.Value] {
			d.r.errorf(e.Level.Pos, "level %q appears twice", e.Level.Value)
			continue
		}
		seen[e.Level.Value] = true
		e.Pos = d.nodePos(n.Content[i+1])
		e.Points = math.MinInt // stays so when the decoder reported a bad number
		d.decodeValue(n.Content[i+1], reflect.ValueOf(&e.Points).Elem())
		*m = append(*m, e)
	}
}

// promotions checks and resolves every ladder's promotion guidance, once levels are loaded.
func (l *loader) promotions(f *Framework) {
	var ratings []string
	for _, s := range f.Scale {
		ratings = append(ratings, s.ID)
	}
	for _, ld := range f.Ladders {
		lf := l.ladderSrc[ld.ID]
		if lf == nil || lf.Promotion == nil || l.broken[ld.ID] != nil {
			continue // with a level unread, the rules are checked once it reads
		}
		pc := promotionChecker{r: &l.r, ld: ld, ratings: ratings}
		ld.Promotion = pc.check(lf.Promotion)
	}
}

type promotionChecker struct {
	r       *reporter
	ld      *Ladder
	ratings []string
	bad     bool
}

func (c *promotionChecker) errorf(p Pos, format string, args ...any) {
	c.bad = true
	c.r.errorf(p, format, args...)
}

// levelIndex finds a level of the ladder, reporting an unknown one.
func (c *promotionChecker) levelIndex(id ident) int {
	for i, lv := range c.ld.Levels {
		if lv.ID == id.Value {
			return i
		}
	}
	c.errorf(id.Pos, "unknown level %q on ladder %q%s", id.Value, c.ld.ID, Suggest(id.Value, levelIDs(c.ld)))
	return -1
}

func (c *promotionChecker) rating(id ident) string {
	if slices.Contains(c.ratings, id.Value) {
		return id.Value
	}
	c.errorf(id.Pos, "unknown rating %q%s; the scale in %s has: %s", id.Value, Suggest(id.Value, c.ratings), FrameworkFile, strings.Join(c.ratings, ", "))
	return ""
}

func (c *promotionChecker) check(pf *promotionFile) *Promotion {
	p := &Promotion{About: strings.TrimSpace(pf.About)}
	switch {
	case len(pf.Rules) > 0 && pf.Points != nil:
		c.errorf(pf.Pos, "promotion has both rules and points: a ladder uses one style, so keep one of them")
	case len(pf.Rules) == 0 && pf.Points == nil:
		c.errorf(pf.Pos, "promotion needs rules or points")
	}
	for _, rf := range pf.Rules {
		if r := c.rule(rf); r != nil {
			p.Rules = append(p.Rules, r)
		}
	}
	if pf.Points != nil {
		p.Points = c.points(pf.Points)
	}
	if c.bad {
		return nil // half-checked guidance would read people wrongly
	}
	return p
}

func (c *promotionChecker) rule(rf ruleFile) *PromotionRule {
	r := &PromotionRule{Name: rf.Name}
	// Which positions relative to the read level its conditions need: "below" rules out the
	// lowest level, "above" the top one.
	needBelow, needAbove := false, false
	for _, cf := range rf.When {
		switch cf.Of.Value {
		case OfBelow:
			needBelow = true
		case OfAbove:
			needAbove = true
		}
	}
	top := len(c.ld.Levels) - 1
	fits := func(i int) bool { return !(needBelow && i == 0) && !(needAbove && i == top) }
	if len(rf.Levels) == 0 {
		for i, lv := range c.ld.Levels {
			if fits(i) {
				r.Levels = append(r.Levels, lv.ID)
			}
		}
		if len(r.Levels) == 0 {
			c.errorf(rf.Pos, "rule %q reads no level: its conditions need a level below and above", rf.Name)
		}
	}
	seen := map[string]bool{}
	for _, id := range rf.Levels {
		i := c.levelIndex(id)
		if i < 0 {
			continue
		}
		if seen[id.Value] {
			c.errorf(id.Pos, "level %q is listed twice", id.Value)
			continue
		}
		seen[id.Value] = true
		switch {
		case needBelow && i == 0:
			c.errorf(id.Pos, "rule %q reads level %q, the lowest, but a condition asks about the level below it", rf.Name, id.Value)
		case needAbove && i == top:
			c.errorf(id.Pos, "rule %q reads level %q, the highest, but a condition asks about the level above it", rf.Name, id.Value)
		}
		r.Levels = append(r.Levels, id.Value)
	}
	for _, cf := range rf.When {
		r.When = append(r.When, c.condition(cf))
	}
	return r
}

func (c *promotionChecker) areas(ids []ident) []string {
	var names, out []string
	for _, a := range c.ld.Areas() {
		names = append(names, a.ID)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if c.ld.Area(id.Value) == nil {
			c.errorf(id.Pos, "unknown area %q on ladder %q%s; areas: %s", id.Value, c.ld.ID, Suggest(id.Value, names), strings.Join(names, ", "))
			continue
		}
		if seen[id.Value] {
			c.errorf(id.Pos, "area %q is listed twice", id.Value)
			continue
		}
		seen[id.Value] = true
		out = append(out, id.Value)
	}
	return out
}

func (c *promotionChecker) condition(cf conditionFile) Condition {
	cond := Condition{Of: cf.Of.Value, Expect: cf.Expect.Share, AreasNeeded: cf.AreasNeeded.Share}
	switch cond.Of {
	case "":
		cond.Of = OfLevel
	case OfLevel, OfBelow, OfAbove:
	default:
		if c.ld.Level(cond.Of) == nil {
			c.errorf(cf.Of.Pos, "of: %q is neither %q, %q, %q nor a level of ladder %q%s", cond.Of, OfLevel, OfBelow, OfAbove, c.ld.ID,
				Suggest(cond.Of, append([]string{OfLevel, OfBelow, OfAbove}, levelIDs(c.ld)...)))
		}
	}
	cond.Areas = c.areas(cf.Areas)
	cond.Rating = c.rating(cf.Rating)
	n := len(cond.Areas)
	if len(cf.Areas) == 0 {
		n = len(c.ld.Areas())
	}
	if k := cf.AreasNeeded.Share.Count; k > n {
		c.errorf(cf.AreasNeeded.Pos, "areas_needed is %d but the condition looks at only %d area(s)", k, n)
	}
	return cond
}

func (c *promotionChecker) points(pf *pointsFile) *Points {
	p := &Points{Rating: c.rating(pf.Rating), Expect: pf.Expect.Share}
	resolve := func(m levelPointsMap, what string, strictly bool) []LevelPoints {
		type at struct {
			i int
			e levelPointsEntry
		}
		var found []at
		for _, e := range m {
			if e.Points == math.MinInt {
				c.bad = true
				continue
			}
			if e.Points < 0 {
				c.errorf(e.Pos, "%s of level %q is %d: points start at 0", what, e.Level.Value, e.Points)
				continue
			}
			if i := c.levelIndex(e.Level); i >= 0 {
				found = append(found, at{i, e})
			}
		}
		slices.SortStableFunc(found, func(a, b at) int { return a.i - b.i })
		var out []LevelPoints
		for k, f := range found {
			if k > 0 {
				prev := found[k-1].e
				if f.e.Points < prev.Points || (strictly && f.e.Points == prev.Points) {
					word := "at least"
					if strictly {
						word = "above"
					}
					c.errorf(f.e.Pos, "%s of level %q (%d) must be %s the %d of level %q below it", what, f.e.Level.Value, f.e.Points, word, prev.Points, prev.Level.Value)
				}
			}
			out = append(out, LevelPoints{Level: f.e.Level.Value, Points: f.e.Points})
		}
		return out
	}
	p.Milestones = resolve(pf.Milestones, "milestone", false)
	p.Thresholds = resolve(pf.Thresholds, "threshold", true)
	return p
}
