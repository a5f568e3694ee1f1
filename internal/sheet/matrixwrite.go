package sheet

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rungs/rungs/internal/ladder"
)

// Matrix lays the framework out as a workbook of the matrix shape: one sheet per ladder with a
// column per level and a row per competency, where a row holds the same expectation (same id)
// as it grows from level to level, and level rows (id, code, summary, tenure, time split,
// introduction) at the top. Sheets after the ladders hold the rest (areas, tracks, pages,
// scale, crosswalk), so reading the workbook back gives the same framework.
func Matrix(f *ladder.Framework) *Workbook {
	wb := &Workbook{}
	used := map[string]bool{}
	ladders := &Sheet{Name: sheetLadders, Rows: [][]string{{"Ladder", "Title", "Summary", "Description", "Sheet", "Branches from", "Equivalences", "Promotion"}}}
	areas := &Sheet{Name: sheetAreas, Rows: [][]string{{"Ladder", "Group", "Group title", "Area", "Area title", "Kind", "Description", "From"}}}
	tracks := &Sheet{Name: sheetTracks, Rows: [][]string{{"Ladder", "Track", "Title", "Summary"}}}
	for _, ld := range f.Ladders {
		s := ladderSheet(ld, sheetName(ld.Title, used))
		wb.Sheets = append(wb.Sheets, s)
		branch := ""
		if b := ld.BranchesFrom; b != nil {
			branch = b.Ladder + "/" + b.Level
		}
		var eqs []string
		for _, e := range ld.Equivalences {
			eqs = append(eqs, e.Level+" = "+e.Equals.Ladder+"/"+e.Equals.Level)
		}
		promotion := ""
		if ld.Promotion != nil {
			b, _ := yaml.Marshal(ladder.PromotionNode(ld))
			promotion = string(b)
		}
		ladders.Rows = append(ladders.Rows, []string{ld.ID, ld.Title, ld.Summary, ld.Description, s.Name, branch, strings.Join(eqs, "\n"), promotion})
		for _, g := range ld.Groups {
			for _, a := range g.Areas {
				areas.Rows = append(areas.Rows, []string{ld.ID, g.ID, g.Title, a.ID, a.Title, a.Kind, a.Description, a.From})
			}
		}
		for _, t := range ld.Tracks {
			tracks.Rows = append(tracks.Rows, []string{ld.ID, t.ID, t.Title, t.Summary})
		}
	}
	fw := &Sheet{Name: sheetFramework, Rows: [][]string{{"Key", "Value"}}}
	for _, kv := range [][2]string{
		{"title", f.Title}, {"organisation", f.Organisation}, {"logo", f.Logo}, {"description", f.Description},
		{"base_url", f.BaseURL}, {"repository", f.Repository}, {"edit_url", f.EditURL},
	} {
		if kv[1] != "" {
			fw.Rows = append(fw.Rows, []string{kv[0], kv[1]})
		}
	}
	scale := &Sheet{Name: sheetScale, Rows: [][]string{{"Rating", "Label", "Description"}}}
	for _, r := range f.Scale {
		scale.Rows = append(scale.Rows, []string{r.ID, r.Label, r.Description})
	}
	pages := &Sheet{Name: sheetPages, Rows: [][]string{{"Page", "Title", "Body"}}}
	for _, p := range f.Pages {
		pages.Rows = append(pages.Rows, []string{p.ID, p.Title, p.Body})
	}
	wb.Sheets = append(wb.Sheets, ladders, areas)
	if len(tracks.Rows) > 1 {
		wb.Sheets = append(wb.Sheets, tracks)
	}
	wb.Sheets = append(wb.Sheets, fw, scale, pages)
	if len(f.Crosswalk) > 0 {
		cw := &Sheet{Name: sheetCrosswalk, Rows: [][]string{{"Title", "Level", "Note"}}}
		for _, t := range f.Crosswalk {
			cw.Rows = append(cw.Rows, []string{t.Title, t.Ladder + "/" + t.Level, t.Note})
		}
		wb.Sheets = append(wb.Sheets, cw)
	}
	return wb
}

// matrixRow is one competency row: an area, a track and one cell of expectations per level.
type matrixRow struct {
	area, track string
	id          string // the id the row was made for, so later levels put the same id beside it
	cells       [][]*ladder.Expectation
}

func ladderSheet(ld *ladder.Ladder, name string) *Sheet {
	n := len(ld.Levels)
	s := &Sheet{Name: name}
	header := []string{"Group", "Area", "Track"}
	for _, lv := range ld.Levels {
		header = append(header, lv.Title)
	}
	s.Rows = append(s.Rows, header)
	levelRow := func(label string, value func(*ladder.Level) string) {
		row := []string{"", label, ""}
		any := false
		for _, lv := range ld.Levels {
			v := value(lv)
			any = any || v != ""
			row = append(row, v)
		}
		if any || label == rowLevelID || label == rowCode {
			s.Rows = append(s.Rows, row)
		}
	}
	levelRow(rowLevelID, func(lv *ladder.Level) string { return lv.ID })
	levelRow(rowCode, func(lv *ladder.Level) string { return lv.Code })
	levelRow(rowSummary, func(lv *ladder.Level) string { return lv.Summary })
	levelRow(rowTenure, func(lv *ladder.Level) string {
		if lv.Tenure.IsZero() {
			return ""
		}
		return lv.Tenure.String()
	})
	for _, areaID := range splitAreas(ld) {
		levelRow(rowTimeSplit+ref(ld, areaID), func(lv *ladder.Level) string {
			for _, ts := range lv.TimeSplit {
				if ts.Area == areaID {
					return ts.Range.String()
				}
			}
			return ""
		})
	}
	levelRow(rowIntro, func(lv *ladder.Level) string { return lv.Intro })
	levelRow(rowNotes, func(lv *ladder.Level) string { return lv.IndicatorNotes })

	for _, g := range ld.Groups {
		for _, a := range g.Areas {
			tracks := []string{""}
			for _, t := range ld.Tracks {
				tracks = append(tracks, t.ID)
			}
			for _, track := range tracks {
				rows := alignRows(ld, a.ID, track)
				for _, r := range rows {
					row := []string{g.Title, ref(ld, a.ID), trackRef(ld, track)}
					for i := range n {
						row = append(row, cellText(a, r.cells[i]))
					}
					s.Rows = append(s.Rows, row)
				}
			}
		}
	}
	return s
}

// alignRows puts the expectations of one area and track into rows so that each level's
// expectations keep their order reading down the column, and an expectation whose id was seen
// at a lower level sits in the same row where that order allows.
func alignRows(ld *ladder.Ladder, area, track string) []*matrixRow {
	n := len(ld.Levels)
	var rows []*matrixRow
	for li, lv := range ld.Levels {
		la := lv.Area(area)
		if la == nil {
			continue
		}
		var es []*ladder.Expectation
		for _, e := range la.Expectations {
			if e.Track == track {
				es = append(es, e)
			}
		}
		prev := -1
		for k, e := range es {
			found := -1
			for r := prev + 1; r < len(rows); r++ {
				if rows[r].id == e.ID && rows[r].cells[li] == nil {
					found = r
					break
				}
			}
			if found < 0 {
				// A new row goes before the next row this level will use, else at the end.
				later := map[string]bool{}
				for _, x := range es[k+1:] {
					later[x.ID] = true
				}
				found = len(rows)
				for r := prev + 1; r < len(rows); r++ {
					if later[rows[r].id] && rows[r].cells[li] == nil {
						found = r
						break
					}
				}
				row := &matrixRow{area: area, track: track, id: e.ID, cells: make([][]*ladder.Expectation, n)}
				rows = append(rows[:found], append([]*matrixRow{row}, rows[found:]...)...)
			}
			rows[found].cells[li] = append(rows[found].cells[li], e)
			prev = found
		}
	}
	return rows
}

// cellText writes a cell's expectations as bullets with their ids, examples nested below.
func cellText(a *ladder.Area, es []*ladder.Expectation) string {
	var lines []string
	for _, e := range es {
		text := e.Text
		if a.Kind == ladder.KindTraits {
			text = strings.TrimSpace("**" + e.Name + "**: " + e.Text)
		}
		lines = append(lines, "- "+text+" {#"+e.ID+"}")
		for _, ex := range e.Examples {
			lines = append(lines, "  - "+ex)
		}
	}
	return strings.Join(lines, "\n")
}

// splitAreas lists the areas any level gives a time split for, in the order levels write them.
func splitAreas(ld *ladder.Ladder) []string {
	var order []string
	seen := map[string]bool{}
	for _, lv := range ld.Levels {
		for i, ts := range lv.TimeSplit {
			if seen[ts.Area] {
				continue
			}
			seen[ts.Area] = true
			// Insert after the area this level lists just before it, to keep every level's order
			// where the levels agree.
			at := len(order)
			if i > 0 {
				for j, a := range order {
					if a == lv.TimeSplit[i-1].Area {
						at = j + 1
					}
				}
			}
			order = append(order[:at], append([]string{ts.Area}, order[at:]...)...)
		}
	}
	return order
}

// ref names an area by its title when no other area of the ladder has that title, else by id.
func ref(ld *ladder.Ladder, id string) string {
	a := ld.Area(id)
	if a == nil {
		return id
	}
	for _, o := range ld.Areas() {
		if o != a && (strings.EqualFold(o.Title, a.Title) || strings.EqualFold(o.ID, a.Title)) {
			return a.ID
		}
	}
	return a.Title
}

func trackRef(ld *ladder.Ladder, id string) string {
	t := ld.Track(id)
	if t == nil {
		return ""
	}
	for _, o := range ld.Tracks {
		if o != t && (strings.EqualFold(o.Title, t.Title) || strings.EqualFold(o.ID, t.Title)) {
			return t.ID
		}
	}
	return t.Title
}
