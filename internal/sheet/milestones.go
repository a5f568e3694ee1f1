package sheet

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/rungs/rungs/internal/ladder"
)

// A points-based growth framework lays out one row per track (with its category) and, for each
// milestone, a summary, signals and examples, often with points per milestone and a separate
// list of levels by the points they need. rungs reads it as a ladder whose levels are the
// milestones and whose areas are the tracks, grouped by category; the summary is the first
// expectation (with the examples) and each signal another. rungs has no points, so points and
// thresholds are kept, readable, on a page of their own.

var (
	milestoneRE = regexp.MustCompile(`(?i)^(?:milestone|m)\s*#?\s*(\d+)\s*[:.\-–]?\s*(summary|signals|examples|points)?$`)
	numberedRE  = regexp.MustCompile(`(?i)^#?\s*(\d+)\s*[:.\-–]?\s*(summary|signals|examples|points)$`)
)

// detectShape tells a milestones sheet from a matrix by its header.
func detectShape(s *Sheet) string {
	r := firstRow(s)
	if r < 0 {
		return ShapeMatrix
	}
	for c := range s.Rows[r] {
		if _, _, ok := milestoneColumn(s.cell(r, c)); ok {
			return ShapeMilestones
		}
	}
	return ShapeMatrix
}

func milestoneColumn(h string) (n int, kind string, ok bool) {
	m := milestoneRE.FindStringSubmatch(strings.TrimSpace(h))
	if m == nil {
		m = numberedRE.FindStringSubmatch(strings.TrimSpace(h))
	}
	if m == nil {
		return 0, "", false
	}
	n, _ = strconv.Atoi(m[1])
	kind = strings.ToLower(m[2])
	if kind == "" {
		kind = "summary"
	}
	return n, kind, true
}

// milestoneCols is where each part of one milestone is (-1 when absent).
type milestoneCols struct {
	n                                 int
	summary, signals, examples, point int
}

func (rd *reader) milestones(f *ladder.Framework, d *ladderDef, s *Sheet) {
	ld := d.ladder
	header := firstRow(s)
	if header < 0 {
		rd.at(s, 0, -1, "the sheet is empty")
		return
	}
	track, category, desc := -1, -1, -1
	byN := map[int]*milestoneCols{}
	for c := range s.Rows[header] {
		h := s.cell(header, c)
		if h == "" {
			continue
		}
		if n, kind, ok := milestoneColumn(h); ok {
			mc := byN[n]
			if mc == nil {
				mc = &milestoneCols{n: n, summary: -1, signals: -1, examples: -1, point: -1}
				byN[n] = mc
			}
			col := map[string]*int{"summary": &mc.summary, "signals": &mc.signals, "examples": &mc.examples, "points": &mc.point}[kind]
			if *col >= 0 {
				rd.at(s, header, c, "milestone %d has a second %s column (the first is %s)", n, kind, ColumnName(*col))
				continue
			}
			*col = c
			continue
		}
		switch strings.ToLower(h) {
		case "track", "competency", "area":
			track = c
		case "category", "group":
			category = c
		case "description", "about":
			desc = c
		default:
			rd.at(s, header, c, "unknown column %q: a milestones sheet has Category, Track, Description and, per milestone, \"Milestone N summary\", \"... signals\", \"... examples\" and \"... points\"", h)
		}
	}
	if track < 0 {
		rd.at(s, header, -1, "the header row needs a Track column")
		return
	}
	var ms []*milestoneCols
	for _, mc := range byN {
		ms = append(ms, mc)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].n < ms[j].n })
	for i, mc := range ms {
		if mc.n != i+1 {
			rd.at(s, header, -1, "milestones must be numbered 1, 2, 3... without gaps; milestone %d is missing", i+1)
			return
		}
		ld.Levels = append(ld.Levels, &ladder.Level{
			ID: fmt.Sprintf("milestone-%d", mc.n), Title: fmt.Sprintf("Milestone %d", mc.n), Code: fmt.Sprintf("M%d", mc.n),
			Path: fmt.Sprintf("ladders/%s/milestone-%d.md", ld.ID, mc.n),
		})
	}

	groupTaken, areaTaken := map[string]bool{}, map[string]bool{}
	points := map[string][]string{} // track title -> points per milestone, as written
	var trackOrder []string
	cat := ""
	for r := header + 1; r < len(s.Rows); r++ {
		if s.blankRow(r) {
			continue
		}
		if c := cellAt(s, r, category); c != "" {
			cat = c
		}
		name := s.cell(r, track)
		if name == "" {
			rd.at(s, r, track, "this row has no track")
			continue
		}
		if _, dup := findArea(ld, name); dup {
			rd.at(s, r, track, "track %q appears twice", name)
			continue
		}
		gname := cat
		if gname == "" {
			gname = "Tracks"
		}
		var g *ladder.Group
		for _, x := range ld.Groups {
			if x.Title == gname {
				g = x
			}
		}
		if g == nil {
			g = &ladder.Group{ID: ladder.Slug(gname, groupTaken), Title: gname}
			ld.Groups = append(ld.Groups, g)
		}
		a := &ladder.Area{ID: ladder.Slug(name, areaTaken), Title: name, Kind: ladder.KindExpectations, Group: g.ID, Description: cellAt(s, r, desc)}
		g.Areas = append(g.Areas, a)
		trackOrder = append(trackOrder, name)
		for i, mc := range ms {
			lv := ld.Levels[i]
			summary := cellAt(s, r, mc.summary)
			signals := listLines(cellAt(s, r, mc.signals))
			examples := listLines(cellAt(s, r, mc.examples))
			var es []*ladder.Expectation
			if summary != "" {
				// The summary keeps one id from milestone to milestone, so comparisons show it grow.
				es = append(es, &ladder.Expectation{ID: a.ID + "-summary", Text: oneLine(summary), Examples: examples})
			}
			for _, sig := range signals {
				es = append(es, &ladder.Expectation{Text: sig})
			}
			if summary == "" && len(examples) > 0 {
				if len(es) == 0 {
					rd.at(s, r, mc.examples, "milestone %d of %q has examples but no summary or signals for them to illustrate", mc.n, name)
					continue
				}
				es[0].Examples = examples
			}
			if p := cellAt(s, r, mc.point); p != "" {
				if _, err := strconv.ParseFloat(p, 64); err != nil {
					rd.at(s, r, mc.point, "points must be a number, found %q", p)
				}
			}
			points[name] = append(points[name], cellAt(s, r, mc.point))
			if len(es) > 0 {
				lv.Areas = append(lv.Areas, &ladder.LevelArea{Area: a.ID, Expectations: es})
			}
		}
	}
	if len(ld.Areas()) == 0 {
		rd.at(s, header, -1, "no track rows below the header")
		return
	}
	for _, lv := range ld.Levels {
		sortAreas(ld, lv)
	}
	thresholds := rd.thresholds()
	anyPoints := false
	for _, ps := range points {
		for _, p := range ps {
			anyPoints = anyPoints || p != ""
		}
	}
	if !anyPoints && thresholds == nil {
		return
	}
	id := "points"
	for _, p := range f.Pages {
		if p.ID == id {
			id = ld.ID + "-points" // a second points-based ladder in the same workbook
		}
	}
	f.Pages = append(f.Pages, &ladder.Page{ID: id, Title: "Points and levels: " + ld.Title, Body: pointsPage(ms, trackOrder, points, thresholds), Path: "pages/" + id + ".md"})
	rd.warn(s, "points per milestone and the levels they lead to are kept on the page %q: rungs levels have no points", id)
}

// threshold is a level of a points-based framework and the points it starts at.
type threshold struct{ title, code, points string }

func (rd *reader) thresholds() []threshold {
	s := rd.wb.Sheet(sheetLevels)
	if s == nil {
		return nil
	}
	header := firstRow(s)
	if header < 0 {
		return nil
	}
	title, code, pts := -1, -1, -1
	for c := range s.Rows[header] {
		switch strings.ToLower(s.cell(header, c)) {
		case "level", "title":
			title = c
		case "code":
			code = c
		case "points", "min points", "minimum points", "threshold", "from":
			pts = c
		case "":
		default:
			rd.at(s, header, c, "unknown column %q; the %s sheet has Level, Code and Points", s.cell(header, c), sheetLevels)
		}
	}
	if title < 0 || pts < 0 {
		rd.at(s, header, -1, "the %s sheet needs a Level column and a Points column", sheetLevels)
		return nil
	}
	var out []threshold
	for r := header + 1; r < len(s.Rows); r++ {
		if s.blankRow(r) {
			continue
		}
		p := s.cell(r, pts)
		if _, err := strconv.ParseFloat(p, 64); err != nil {
			rd.at(s, r, pts, "points must be a number, found %q", p)
			continue
		}
		out = append(out, threshold{title: s.cell(r, title), code: cellAt(s, r, code), points: p})
	}
	return out
}

func pointsPage(ms []*milestoneCols, tracks []string, points map[string][]string, levels []threshold) string {
	var b strings.Builder
	b.WriteString("This ladder came from a points-based growth framework: each milestone reached on a track earns points, and the total points lead to a level.\n")
	if len(levels) > 0 {
		b.WriteString("\n### Levels by points\n\n| Level | Code | Points from |\n| --- | --- | --- |\n")
		for _, l := range levels {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", cellEscape(l.title), cellEscape(l.code), l.points)
		}
	}
	has := false
	for _, t := range tracks {
		for _, p := range points[t] {
			has = has || p != ""
		}
	}
	if has {
		b.WriteString("\n### Points per milestone\n\n| Track |")
		for _, mc := range ms {
			fmt.Fprintf(&b, " Milestone %d |", mc.n)
		}
		b.WriteString("\n| --- |" + strings.Repeat(" --- |", len(ms)) + "\n")
		for _, t := range tracks {
			b.WriteString("| " + cellEscape(t) + " |")
			for _, p := range points[t] {
				b.WriteString(" " + p + " |")
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func cellEscape(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
