package sheet

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/rungs/rungs/internal/ladder"
)

// Header names of the leading columns of a matrix sheet; every column after them is a level.
var (
	groupHeaders      = []string{"group", "competency group", "pillar"}
	areaHeaders       = []string{"area", "competency area", "category", "section"}
	trackHeaders      = []string{"track", "stream", "specialism"}
	competencyHeaders = []string{"competency", "skill", "topic"}
	descHeaders       = []string{"description", "area description", "definition", "what it means"}
	// notLevelHeaders name columns that are rarely levels: one of them among the level columns
	// is read as a level, with a warning that says how to change that.
	notLevelHeaders = []string{"description", "notes", "note", "comments", "comment", "examples", "example", "owner", "status", "source", "link", "links"}
)

func oneOf(h string, names []string) bool {
	for _, n := range names {
		if h == n {
			return true
		}
	}
	return false
}

// matrixCols is where the leading columns of a matrix sheet are (-1 when absent).
type matrixCols struct {
	group, area, track, competency int
	desc                           int // the areas' descriptions
	levels                         []int
}

// pending is one cell of expectations, read before the levels are known.
type pending struct {
	row, col int
	area     *ladder.Area
	track    string
	items    []*cellItem
	level    int
	stem     string
}

// matrix reads a sheet of the matrix shape into the ladder.
func (rd *reader) matrix(d *ladderDef, s *Sheet) {
	ld := d.ladder
	header := firstRow(s)
	if header < 0 {
		rd.at(s, 0, -1, "the sheet is empty")
		return
	}
	cols, ok := rd.matrixHeader(s, header)
	if !ok {
		return
	}
	// Levels, from the header's titles.
	taken := map[string]bool{}
	// A level has the code a Code row gives it, or none: codes are never made up.
	for _, c := range cols.levels {
		ld.Levels = append(ld.Levels, &ladder.Level{Title: s.cell(header, c)})
	}

	areaTaken, groupTaken, trackTaken := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, a := range ld.Areas() {
		areaTaken[a.ID] = true
	}
	for _, g := range ld.Groups {
		groupTaken[g.ID] = true
	}
	for _, t := range ld.Tracks {
		trackTaken[t.ID] = true
	}
	tracksDefined := len(ld.Tracks) > 0
	codes := map[string]int{}
	inLevelRows := true
	idRow := -1
	var group, area, competency string
	var cells []pending
	var levelRows []int
	areaRows := map[*ladder.Area][]int{} // the rows of each area, to tell trait rows

	for r := header + 1; r < len(s.Rows); r++ {
		if s.blankRow(r) {
			continue
		}
		label := cellAt(s, r, cols.area)
		if inLevelRows && cellAt(s, r, cols.group) == "" {
			if kind, _ := levelRowKind(label); kind != "" {
				levelRows = append(levelRows, r)
				if kind == rowLevelID {
					idRow = r
				}
				continue
			}
		}
		inLevelRows = false
		// A blank group, area or competency cell continues the one above, as merged cells read.
		if g := cellAt(s, r, cols.group); g != "" {
			group = g
		}
		if label != "" {
			if label != area {
				competency = ""
			}
			area = label
		}
		if c := cellAt(s, r, cols.competency); c != "" {
			competency = c
		}
		if area == "" {
			rd.at(s, r, cols.area, "this row has no area; name one in column %s", ColumnName(cols.area))
			continue
		}
		a := rd.matrixArea(d, s, r, cols, group, area, areaTaken, groupTaken)
		if a == nil {
			continue
		}
		if cols.desc >= 0 && cols.desc < len(s.Rows[r]) {
			switch desc := strings.TrimSpace(strings.ReplaceAll(s.Rows[r][cols.desc], "\r\n", "\n")); {
			case desc == "" || desc == a.Description:
			case a.Description == "":
				a.Description = desc
			default:
				rd.warnf(s, r, cols.desc, "area %q has a description in an earlier row already; kept that one", a.Title)
			}
		}
		areaRows[a] = append(areaRows[a], r)
		track := ""
		if name := cellAt(s, r, cols.track); name != "" {
			t := ld.TrackNamed(name)
			switch {
			case t != nil:
				track = t.ID
			case tracksDefined:
				rd.at(s, r, cols.track, "unknown track %q; tracks of ladder %q: %s", name, ld.ID, trackTitles(ld))
				continue
			default:
				t := &ladder.Track{ID: ladder.Slug(name, trackTaken), Title: name}
				ld.Tracks = append(ld.Tracks, t)
				track = t.ID
			}
		}
		for i, c := range cols.levels {
			text := ""
			if c < len(s.Rows[r]) {
				text = s.Rows[r][c]
			}
			items, msg := parseCell(text)
			if msg != "" {
				rd.at(s, r, c, "%s", msg)
				continue
			}
			if len(items) > 0 {
				cells = append(cells, pending{row: r, col: c, area: a, track: track, items: items, level: i, stem: competency})
			}
		}
		for c := range s.Rows[r] {
			if c > cols.levels[len(cols.levels)-1] && s.cell(r, c) != "" {
				rd.at(s, r, c, "this cell is right of the last level column; give its column a level title in row %d", header+1)
			}
		}
	}
	// Level rows are read once the rows below have named every area their time splits refer to.
	for _, r := range levelRows {
		kind, areaName := levelRowKind(cellAt(s, r, cols.area))
		rd.levelRow(s, r, cols, ld, kind, areaName, codes)
	}
	for _, lv := range ld.Levels {
		if lv.ID == "" {
			lv.ID = ladder.Slug(lv.Title, taken)
		} else {
			taken[lv.ID] = true
		}
		lv.Path = "ladders/" + ld.ID + "/" + lv.ID + ".md"
	}
	if idRow < 0 {
		rd.duplicateTitles(s, header, cols, ld)
	}

	// Put each cell's expectations into its level, in row order, every-track rows first as the
	// file format lists them.
	ids := make([]map[string]bool, len(ld.Levels))
	for i := range ids {
		ids[i] = map[string]bool{}
		for _, a := range ld.Areas() {
			ids[i][a.ID] = true // an anchor names an expectation or an area, never both
		}
	}
	for _, p := range cells {
		lv := ld.Levels[p.level]
		la := lv.Area(p.area.ID)
		if la == nil {
			la = &ladder.LevelArea{Area: p.area.ID}
			lv.Areas = append(lv.Areas, la)
		}
		for k, it := range p.items {
			e := &ladder.Expectation{ID: it.id, Text: it.text, Examples: it.examples, Track: p.track}
			if p.area.Kind == ladder.KindTraits {
				name, text, ok := ladder.SplitTrait(it.text)
				if !ok {
					rd.at(s, p.row, p.col, "area %q holds enabling traits, written \"**Name**: text\"; this line is not: %q", p.area.Title, it.text)
					continue
				}
				e.Name, e.Text = name, text
			}
			if e.ID == "" && p.stem != "" {
				// A competency named in its own column gives its expectations the same id at every
				// level, so comparisons show them as grown rather than new.
				stem := p.stem
				if k > 0 {
					stem = fmt.Sprintf("%s %d", stem, k+1)
				}
				e.ID = ladder.Slug(stem, ids[p.level])
			}
			if e.ID != "" {
				if ids[p.level][e.ID] && it.id != "" {
					if ld.Area(e.ID) != nil {
						rd.at(s, p.row, p.col, "expectation id %q is also the id of an area; choose another", e.ID)
					} else {
						rd.at(s, p.row, p.col, "expectation id %q is already used at level %q", e.ID, lv.Title)
					}
					continue
				}
				ids[p.level][e.ID] = true
			}
			la.Expectations = append(la.Expectations, e)
		}
	}
	for _, lv := range ld.Levels {
		for _, la := range lv.Areas {
			sortByTrack(ld, la)
		}
		sortAreas(ld, lv)
	}
	if !d.areas {
		traitRows := map[int]bool{}
		for _, p := range cells {
			if _, ok := traitRows[p.row]; !ok {
				traitRows[p.row] = true
			}
			traitRows[p.row] = traitRows[p.row] && sameName(cells, p.row)
		}
		rd.traitAreas(ld, areaRows, traitRows)
	}
}

// plainTraitRE reads a trait written without bold, as spreadsheets have them: "Curiosity: asks
// why", a name of up to three words that starts with a capital.
var plainTraitRE = regexp.MustCompile(`^(\p{Lu}[\p{L}'’-]*(?:[ \t]+[\p{L}'’-]+){0,2})[ \t]*:[ \t]+(\S.*)$`)

// splitTrait reads "**Name**: text" or "Name: text".
func splitTrait(s string, plain bool) (name, text string, ok bool) {
	if name, text, ok := ladder.SplitTrait(s); ok {
		return name, text, true
	}
	if m := plainTraitRE.FindStringSubmatch(s); plain && m != nil {
		return m[1], m[2], true
	}
	return "", "", false
}

// sameName reports whether every line in the cells of a row reads "Name: text" with one name:
// a trait row, which says how one trait grows from level to level.
func sameName(cells []pending, row int) bool {
	name := ""
	for _, p := range cells {
		if p.row != row {
			continue
		}
		for _, it := range p.items {
			n, _, ok := splitTrait(it.text, true)
			if !ok || (name != "" && !strings.EqualFold(n, name)) {
				return false
			}
			name = n
		}
	}
	return name != ""
}

// matrixHeader finds the leading columns and the level columns of the header row.
func (rd *reader) matrixHeader(s *Sheet, header int) (matrixCols, bool) {
	cols := matrixCols{group: -1, area: -1, track: -1, competency: -1, desc: -1}
	c := 0
	for ; c < len(s.Rows[header]); c++ {
		h := strings.ToLower(s.cell(header, c))
		switch {
		case c == 0 && h == "":
			cols.area = 0 // a blank corner: the first column names the areas
		case oneOf(h, groupHeaders) && cols.group < 0 && cols.area < 0:
			cols.group = c
		case oneOf(h, areaHeaders) && cols.area < 0:
			cols.area = c
		case oneOf(h, trackHeaders) && cols.track < 0:
			cols.track = c
		case oneOf(h, descHeaders) && cols.area >= 0 && cols.desc < 0:
			cols.desc = c
		case oneOf(h, competencyHeaders) && cols.competency < 0:
			if cols.area < 0 {
				cols.area = c // "Competency" alone names the rows' areas
			} else {
				cols.competency = c
			}
		default:
			goto levels
		}
	}
levels:
	if cols.area < 0 {
		rd.at(s, header, 0, "the header row must start with an Area column (optionally after Group), then one column per level; found %q", s.cell(header, 0))
		return cols, false
	}
	last := len(s.Rows[header]) - 1
	for last >= c && s.cell(header, last) == "" {
		last--
	}
	for ; c <= last; c++ {
		h := s.cell(header, c)
		if h == "" {
			rd.at(s, header, c, "level column without a title: write the level's title in the header")
			continue
		}
		if oneOf(strings.ToLower(h), notLevelHeaders) {
			fix := "if it is not a level, delete the column or move it to a sheet of its own"
			if oneOf(strings.ToLower(h), descHeaders) {
				fix = "if it describes the areas, move it right after the Area column"
			}
			rd.warnf(s, header, c, "column %q is read as a level, as it comes after the first level column; %s", h, fix)
		}
		cols.levels = append(cols.levels, c)
	}
	if len(cols.levels) == 0 {
		rd.at(s, header, -1, "the header row names no levels: after the Area column, write one level title per column")
		return cols, false
	}
	return cols, true
}

func (rd *reader) duplicateTitles(s *Sheet, header int, cols matrixCols, ld *ladder.Ladder) {
	first := map[string]int{}
	for _, c := range cols.levels {
		t := strings.ToLower(s.cell(header, c))
		if f, dup := first[t]; dup {
			rd.at(s, header, c, "level %q is also in column %s; add a %q row to tell them apart", s.cell(header, c), ColumnName(f), rowLevelID)
			continue
		}
		first[t] = c
	}
}

// levelRow reads one of the level rows at the top of a matrix sheet.
func (rd *reader) levelRow(s *Sheet, r int, cols matrixCols, ld *ladder.Ladder, kind, areaName string, codes map[string]int) {
	var area *ladder.Area
	if kind == rowTimeSplit {
		a, ok := findArea(ld, areaName)
		if !ok {
			rd.at(s, r, cols.area, "time split names unknown area %q; areas: %s", areaName, areaTitles(ld))
			return
		}
		area = a
	}
	for i, c := range cols.levels {
		lv := ld.Levels[i]
		v := s.cell(r, c)
		if (kind == rowIntro || kind == rowNotes) && c < len(s.Rows[r]) {
			v = strings.Trim(strings.ReplaceAll(s.Rows[r][c], "\r\n", "\n"), "\n")
		}
		if v == "" {
			continue
		}
		switch kind {
		case rowLevelID:
			if !ladder.ValidID(v) {
				rd.at(s, r, c, "bad level id %q: use lowercase letters, digits and dashes (at most 64)", v)
				continue
			}
			for _, o := range ld.Levels[:i] {
				if o.ID == v {
					rd.at(s, r, c, "level id %q is used twice", v)
				}
			}
			lv.ID = v
		case rowCode:
			if other, dup := codes[v]; dup {
				rd.at(s, r, c, "level code %q is already used in column %s", v, ColumnName(other))
				continue
			}
			codes[v] = c
			lv.Code = v
		case rowSummary:
			lv.Summary = v
		case rowIntro:
			lv.Intro = v
		case rowNotes:
			lv.IndicatorNotes = v
		case rowTenure:
			rg, err := ladder.ParseRange(strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(v), "years"), "year"))
			if err != nil {
				rd.at(s, r, c, "tenure: %v", err)
				continue
			}
			lv.Tenure = rg
		case rowTimeSplit:
			rg, err := ladder.ParseRange(v)
			if err != nil {
				rd.at(s, r, c, "time split: %v", err)
				continue
			}
			if rg.Min > 100 || (rg.Max != nil && *rg.Max > 100) {
				rd.at(s, r, c, "time split %s%% is outside 0-100", rg)
				continue
			}
			for _, ts := range lv.TimeSplit {
				if ts.Area == area.ID {
					rd.at(s, r, c, "a second time split for area %q at this level", area.Title)
				}
			}
			lv.TimeSplit = append(lv.TimeSplit, ladder.AreaRange{Area: area.ID, Range: rg})
		}
	}
}

func firstRow(s *Sheet) int {
	for r := range s.Rows {
		if !s.blankRow(r) {
			return r
		}
	}
	return -1
}

func cellAt(s *Sheet, r, c int) string {
	if c < 0 {
		return ""
	}
	return s.cell(r, c)
}

// matrixArea finds or makes the area a competency row names. With an Areas sheet the area must
// be one it defines; without one, areas and groups are made from the titles, in row order.
func (rd *reader) matrixArea(d *ladderDef, s *Sheet, r int, cols matrixCols, groupName, areaName string, areaTaken, groupTaken map[string]bool) *ladder.Area {
	ld := d.ladder
	if a, ok := findArea(ld, areaName); ok {
		return a
	}
	if d.areas {
		rd.at(s, r, cols.area, "unknown area %q; areas of ladder %q (sheet %s): %s", areaName, ld.ID, sheetAreas, areaTitles(ld))
		return nil
	}
	if groupName == "" {
		groupName = "Competencies"
	}
	var g *ladder.Group
	for _, x := range ld.Groups {
		if strings.EqualFold(x.Title, groupName) {
			g = x
		}
	}
	if g == nil {
		g = &ladder.Group{ID: ladder.Slug(groupName, groupTaken), Title: groupName}
		ld.Groups = append(ld.Groups, g)
	}
	a := &ladder.Area{ID: ladder.Slug(areaName, areaTaken), Title: areaName, Kind: ladder.KindExpectations, Group: g.ID}
	g.Areas = append(g.Areas, a)
	return a
}

// traitAreas makes an area of a hand-made sheet an enabling-traits area when every one of its
// expectations reads "**Name**: text", or when every one of its rows is a trait row ("Curiosity:
// asks why" | "Curiosity: reads widely"). A trait keeps the same id from level to level, so
// comparisons show it growing.
func (rd *reader) traitAreas(ld *ladder.Ladder, areaRows map[*ladder.Area][]int, traitRows map[int]bool) {
	for _, a := range ld.Areas() {
		var es []*ladder.Expectation
		for _, lv := range ld.Levels {
			if la := lv.Area(a.ID); la != nil {
				es = append(es, la.Expectations...)
			}
		}
		plain := len(areaRows[a]) > 0
		for _, r := range areaRows[a] {
			plain = plain && traitRows[r]
		}
		all := len(es) > 0
		for _, e := range es {
			if _, _, ok := splitTrait(e.Text, plain); !ok {
				all = false
			}
		}
		if !all {
			continue
		}
		a.Kind = ladder.KindTraits
		for _, lv := range ld.Levels {
			la := lv.Area(a.ID)
			if la == nil {
				continue
			}
			taken := map[string]bool{}
			for _, x := range ld.Areas() {
				taken[x.ID] = true
			}
			for _, xa := range lv.Areas {
				for _, e := range xa.Expectations {
					if e.ID != "" {
						taken[e.ID] = true
					}
				}
			}
			for _, e := range la.Expectations {
				e.Name, e.Text, _ = splitTrait(e.Text, plain)
				if e.ID == "" {
					e.ID = ladder.Slug(e.Name, taken)
				}
			}
		}
	}
}

func findArea(ld *ladder.Ladder, name string) (*ladder.Area, bool) {
	for _, a := range ld.Areas() {
		if strings.EqualFold(a.ID, name) || strings.EqualFold(a.Title, name) {
			return a, true
		}
	}
	return nil, false
}

func areaTitles(ld *ladder.Ladder) string {
	var names []string
	for _, a := range ld.Areas() {
		names = append(names, a.Title)
	}
	if len(names) == 0 {
		return "none yet"
	}
	return strings.Join(names, ", ")
}

func trackTitles(ld *ladder.Ladder) string {
	var names []string
	for _, t := range ld.Tracks {
		names = append(names, t.Title)
	}
	return strings.Join(names, ", ")
}

// sortByTrack lists expectations for every track first, then each track's in the ladder's order,
// as a level file does.
func sortByTrack(ld *ladder.Ladder, la *ladder.LevelArea) {
	index := func(track string) int {
		for i, t := range ld.Tracks {
			if t.ID == track {
				return i + 1
			}
		}
		return 0
	}
	slices.SortStableFunc(la.Expectations, func(a, b *ladder.Expectation) int { return index(a.Track) - index(b.Track) })
}

// sortAreas puts a level's areas in the ladder's order.
func sortAreas(ld *ladder.Ladder, lv *ladder.Level) {
	order := map[string]int{}
	for i, a := range ld.Areas() {
		order[a.ID] = i
	}
	slices.SortStableFunc(lv.Areas, func(a, b *ladder.LevelArea) int { return order[a.Area] - order[b.Area] })
}
