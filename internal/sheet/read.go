package sheet

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing/fstest"
	"unicode"
	"unicode/utf8"

	"github.com/rungs/rungs/internal/ladder"
)

// Shapes of a ladder sheet.
const (
	ShapeMatrix     = "matrix"
	ShapeMilestones = "milestones"
)

// Options say how to read a spreadsheet.
type Options struct {
	Format string // "csv" or "xlsx"
	Shape  string // ShapeMatrix, ShapeMilestones, or "" to tell from each sheet's header
}

// Result is a framework read from a spreadsheet, with what could not be mapped.
type Result struct {
	Framework *ladder.Framework
	Warnings  []string
}

// Read reads a framework from a spreadsheet. Every problem is reported at once, each with its
// sheet, row and column, as Problems; nothing is returned then.
func Read(file string, data []byte, opt Options) (*Result, error) {
	base := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	var wb *Workbook
	var err error
	switch opt.Format {
	case "csv":
		wb, err = ReadCSV(file, base, data)
	case "xlsx":
		wb, err = ReadXLSX(file, data)
	default:
		return nil, fmt.Errorf("unknown spreadsheet format %q", opt.Format)
	}
	if err != nil {
		return nil, err
	}
	switch opt.Shape {
	case "", ShapeMatrix, ShapeMilestones:
	default:
		return nil, fmt.Errorf("unknown shape %q: use %s or %s", opt.Shape, ShapeMatrix, ShapeMilestones)
	}
	rd := &reader{reporter: reporter{file: file}, wb: wb, shape: opt.Shape, base: base}
	f := rd.framework()
	if len(rd.problems) > 0 {
		return nil, rd.problems
	}
	ladder.AssignIDs(f)
	rd.promotions(f)
	if len(rd.problems) > 0 {
		return nil, rd.problems
	}
	return &Result{Framework: f, Warnings: rd.warnings}, nil
}

// reader turns a workbook into a framework.
type reader struct {
	reporter
	wb    *Workbook
	shape string
	base  string // the file name without extension: the title when nothing else gives one

	laddersTable *table // the Ladders sheet, read once for ladders and again for links
	areasTable   *table // the Areas sheet, read again for where areas start
}

// ladderDef is what the Ladders, Areas and Tracks sheets say about one ladder.
type ladderDef struct {
	ladder    *ladder.Ladder
	sheet     string
	row       int // in the Ladders sheet, for messages
	equivs    string
	branch    string
	promotion string // YAML, as ladder.yaml holds it under "promotion"
	areas     bool   // the Areas sheet defined its areas
}

func (rd *reader) framework() *ladder.Framework {
	f := &ladder.Framework{Format: ladder.FormatVersion, Title: titleCase(rd.base)}
	rd.frameworkSheet(f)
	rd.scaleSheet(f)
	defs := rd.ladderDefs()
	if defs == nil {
		for _, s := range rd.wb.Sheets {
			if reserved(s.Name) {
				continue
			}
			defs = append(defs, &ladderDef{ladder: &ladder.Ladder{Title: titleCase(s.Name)}, sheet: s.Name})
		}
		taken := map[string]bool{}
		for _, d := range defs {
			d.ladder.ID = ladder.Slug(d.ladder.Title, taken)
		}
	}
	if len(defs) == 0 {
		rd.problems = append(rd.problems, Problem{File: rd.file, Msg: "no sheet holds a ladder (sheets: " + sheetNames(rd.wb) + ")"})
		return f
	}
	rd.areaSheet(defs)
	rd.trackSheet(defs)
	for _, d := range defs {
		s := rd.wb.Sheet(d.sheet)
		if s == nil {
			ls := rd.wb.Sheet(sheetLadders)
			rd.at(ls, d.row, 4, "no sheet named %q (sheets: %s)", d.sheet, sheetNames(rd.wb))
			continue
		}
		d.ladder.Path = "ladders/" + d.ladder.ID + "/ladder.yaml"
		shape := rd.shape
		if shape == "" {
			shape = detectShape(s)
		}
		if shape == ShapeMilestones {
			rd.milestones(f, d, s)
		} else {
			rd.matrix(d, s)
		}
		f.Ladders = append(f.Ladders, d.ladder)
	}
	rd.links(f, defs)
	rd.pagesSheet(f)
	rd.crosswalkSheet(f)
	return f
}

func sheetNames(wb *Workbook) string {
	var names []string
	for _, s := range wb.Sheets {
		names = append(names, fmt.Sprintf("%q", s.Name))
	}
	return strings.Join(names, ", ")
}

// titleCase turns a file name such as "growth_framework" into "Growth framework".
func titleCase(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '_' || r == ' ' }), " ")
	if s == "" {
		return "Career Framework"
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// table reads a sheet whose first non-blank row is a header, giving each later non-blank row
// with the index of each known column (-1 when absent). It reports an unknown header cell.
type table struct {
	s      *Sheet
	cols   map[string]int
	header int
	rows   []int
}

func (rd *reader) table(name string, known ...string) *table {
	s := rd.wb.Sheet(name)
	if s == nil {
		return nil
	}
	t := &table{s: s, cols: map[string]int{}, header: -1}
	for _, k := range known {
		t.cols[k] = -1
	}
	for r := range s.Rows {
		if s.blankRow(r) {
			continue
		}
		if t.header < 0 {
			t.header = r
			for c := range s.Rows[r] {
				h := strings.ToLower(s.cell(r, c))
				if h == "" {
					continue
				}
				if _, ok := t.cols[h]; !ok {
					rd.at(s, r, c, "unknown column %q; this sheet's columns are: %s", s.cell(r, c), strings.Join(known, ", "))
					continue
				}
				t.cols[h] = c
			}
			if t.cols[known[0]] < 0 {
				rd.at(s, r, -1, "the header row needs a %q column", known[0])
			}
			continue
		}
		t.rows = append(t.rows, r)
	}
	return t
}

func (t *table) get(r int, col string) string {
	c, ok := t.cols[col]
	if !ok || c < 0 {
		return ""
	}
	return t.s.cell(r, c)
}

// raw returns the cell as written, for Markdown bodies and descriptions, where line breaks and
// a closing newline (a YAML block) are part of the text.
func (t *table) raw(r int, col string) string {
	c := t.cols[col]
	if c < 0 || r >= len(t.s.Rows) || c >= len(t.s.Rows[r]) {
		return ""
	}
	return strings.ReplaceAll(t.s.Rows[r][c], "\r\n", "\n")
}

func (rd *reader) frameworkSheet(f *ladder.Framework) {
	t := rd.table(sheetFramework, "key", "value")
	if t == nil {
		return
	}
	for _, r := range t.rows {
		v := t.get(r, "value")
		switch key := strings.ToLower(t.get(r, "key")); key {
		case "title":
			f.Title = v
		case "organisation", "organization":
			f.Organisation = v
		case "logo":
			f.Logo = v
		case "description":
			f.Description = strings.TrimSpace(t.raw(r, "value"))
		case "base_url":
			f.BaseURL = v
		case "repository":
			f.Repository = v
		case "edit_url":
			f.EditURL = v
		default:
			rd.at(t.s, r, t.cols["key"], "unknown key %q; keys: title, organisation, logo, description, base_url, repository, edit_url", t.get(r, "key"))
		}
	}
}

func (rd *reader) scaleSheet(f *ladder.Framework) {
	t := rd.table(sheetScale, "rating", "label", "description")
	if t == nil {
		f.Scale = ladder.DefaultScale()
		rd.warnings = append(rd.warnings, fmt.Sprintf("%s: no %s sheet; using the scale Not yet, Sometimes, Consistently", rd.file, sheetScale))
		return
	}
	for _, r := range t.rows {
		id := t.get(r, "rating")
		if !ladder.ValidID(id) {
			rd.at(t.s, r, t.cols["rating"], "bad rating id %q: use lowercase letters, digits and dashes", id)
			continue
		}
		f.Scale = append(f.Scale, ladder.Rating{ID: id, Label: t.get(r, "label"), Description: t.get(r, "description")})
	}
	if len(f.Scale) < 2 {
		rd.at(t.s, t.header, -1, "the scale needs at least two ratings")
	}
}

func (rd *reader) pagesSheet(f *ladder.Framework) {
	t := rd.table(sheetPages, "page", "title", "body")
	if t == nil {
		return
	}
	seen := map[string]bool{}
	for _, r := range t.rows {
		id := t.get(r, "page")
		switch {
		case !ladder.ValidID(id):
			rd.at(t.s, r, t.cols["page"], "bad page id %q: use lowercase letters, digits and dashes", id)
		case seen[id]:
			rd.at(t.s, r, t.cols["page"], "page %q appears twice", id)
		case t.get(r, "title") == "":
			rd.at(t.s, r, t.cols["title"], "page %q has no title", id)
		default:
			seen[id] = true
			f.Pages = append(f.Pages, &ladder.Page{ID: id, Title: t.get(r, "title"), Body: t.raw(r, "body"), Path: "pages/" + id + ".md"})
		}
	}
}

func (rd *reader) crosswalkSheet(f *ladder.Framework) {
	t := rd.table(sheetCrosswalk, "title", "level", "note")
	if t == nil {
		return
	}
	for _, r := range t.rows {
		ref, ok := rd.levelRef(f, t.s, r, t.cols["level"], t.get(r, "level"))
		if ok {
			f.Crosswalk = append(f.Crosswalk, ladder.TitleMatch{Title: t.get(r, "title"), Ladder: ref.Ladder, Level: ref.Level, Note: t.get(r, "note")})
		}
	}
}

// levelRef reads "ladder/level", reporting a reference to nothing at the cell.
func (rd *reader) levelRef(f *ladder.Framework, s *Sheet, r, c int, v string) (ladder.LevelRef, bool) {
	ld, lv, ok := strings.Cut(v, "/")
	if !ok {
		rd.at(s, r, c, "%q does not name a level: write <ladder>/<level>, such as engineering/senior", v)
		return ladder.LevelRef{}, false
	}
	l := f.Ladder(strings.TrimSpace(ld))
	if l == nil {
		rd.at(s, r, c, "unknown ladder %q", ld)
		return ladder.LevelRef{}, false
	}
	if l.Level(strings.TrimSpace(lv)) == nil {
		rd.at(s, r, c, "unknown level %q on ladder %q", lv, l.ID)
		return ladder.LevelRef{}, false
	}
	return ladder.LevelRef{Ladder: l.ID, Level: strings.TrimSpace(lv)}, true
}

func (rd *reader) ladderDefs() []*ladderDef {
	t := rd.table(sheetLadders, "ladder", "title", "summary", "description", "sheet", "branches from", "equivalences", "promotion")
	if t == nil {
		return nil
	}
	rd.laddersTable = t
	var defs []*ladderDef
	seen := map[string]bool{}
	for _, r := range t.rows {
		id := t.get(r, "ladder")
		if !ladder.ValidID(id) {
			rd.at(t.s, r, t.cols["ladder"], "bad ladder id %q: use lowercase letters, digits and dashes", id)
			continue
		}
		if seen[id] {
			rd.at(t.s, r, t.cols["ladder"], "ladder %q appears twice", id)
			continue
		}
		seen[id] = true
		d := &ladderDef{
			ladder: &ladder.Ladder{ID: id, Title: t.get(r, "title"), Summary: t.get(r, "summary"), Description: strings.TrimSpace(t.raw(r, "description"))},
			sheet:  t.get(r, "sheet"), row: r, equivs: t.get(r, "equivalences"), branch: t.get(r, "branches from"),
			promotion: t.raw(r, "promotion"),
		}
		if d.ladder.Title == "" {
			d.ladder.Title = id
		}
		if d.sheet == "" {
			d.sheet = d.ladder.Title
		}
		defs = append(defs, d)
	}
	return defs
}

func levelTitles(ld *ladder.Ladder) string {
	var names []string
	for _, lv := range ld.Levels {
		names = append(names, lv.Title)
	}
	return strings.Join(names, ", ")
}

func findDef(defs []*ladderDef, id string) *ladderDef {
	for _, d := range defs {
		if d.ladder.ID == id {
			return d
		}
	}
	return nil
}

func (rd *reader) areaSheet(defs []*ladderDef) {
	t := rd.table(sheetAreas, "ladder", "group", "group title", "area", "area title", "kind", "description", "from")
	if t == nil {
		return
	}
	rd.areasTable = t
	for _, r := range t.rows {
		d := findDef(defs, t.get(r, "ladder"))
		if d == nil {
			rd.at(t.s, r, t.cols["ladder"], "unknown ladder %q", t.get(r, "ladder"))
			continue
		}
		d.areas = true
		ld := d.ladder
		gid, aid := t.get(r, "group"), t.get(r, "area")
		for _, c := range []struct{ col, v string }{{"group", gid}, {"area", aid}} {
			if !ladder.ValidID(c.v) {
				rd.at(t.s, r, t.cols[c.col], "bad %s id %q: use lowercase letters, digits and dashes", c.col, c.v)
			}
		}
		var g *ladder.Group
		for _, x := range ld.Groups {
			if x.ID == gid {
				g = x
			}
		}
		if g == nil {
			g = &ladder.Group{ID: gid, Title: t.get(r, "group title")}
			ld.Groups = append(ld.Groups, g)
		}
		kind := strings.ToLower(t.get(r, "kind"))
		switch kind {
		case "":
			kind = ladder.KindExpectations
		case ladder.KindExpectations, ladder.KindTraits:
		default:
			rd.at(t.s, r, t.cols["kind"], "unknown kind %q: use %s or %s", kind, ladder.KindExpectations, ladder.KindTraits)
		}
		if ld.Area(aid) != nil {
			rd.at(t.s, r, t.cols["area"], "area %q of ladder %q appears twice", aid, ld.ID)
			continue
		}
		g.Areas = append(g.Areas, &ladder.Area{ID: aid, Title: t.get(r, "area title"), Kind: kind, Description: strings.TrimSpace(t.raw(r, "description")), Group: gid})
	}
}

func (rd *reader) trackSheet(defs []*ladderDef) {
	t := rd.table(sheetTracks, "ladder", "track", "title", "summary")
	if t == nil {
		return
	}
	for _, r := range t.rows {
		d := findDef(defs, t.get(r, "ladder"))
		if d == nil {
			rd.at(t.s, r, t.cols["ladder"], "unknown ladder %q", t.get(r, "ladder"))
			continue
		}
		id := t.get(r, "track")
		if !ladder.ValidID(id) {
			rd.at(t.s, r, t.cols["track"], "bad track id %q: use lowercase letters, digits and dashes", id)
			continue
		}
		d.ladder.Tracks = append(d.ladder.Tracks, &ladder.Track{ID: id, Title: t.get(r, "title"), Summary: t.get(r, "summary")})
	}
}

// links reads branches, equivalences and where areas start once every ladder and level is known.
func (rd *reader) links(f *ladder.Framework, defs []*ladderDef) {
	if at := rd.areasTable; at != nil {
		for _, r := range at.rows {
			from := at.get(r, "from")
			d := findDef(defs, at.get(r, "ladder"))
			if from == "" || d == nil {
				continue
			}
			a := d.ladder.Area(at.get(r, "area"))
			lv := d.ladder.LevelNamed(from)
			switch {
			case a == nil:
			case lv == nil:
				rd.at(at.s, r, at.cols["from"], "area %q starts at unknown level %q; levels of ladder %q: %s", a.ID, from, d.ladder.ID, levelTitles(d.ladder))
			default:
				a.From = lv.ID
			}
		}
	}
	t := rd.laddersTable
	if t == nil {
		return
	}
	ls := t.s
	for _, d := range defs {
		if d.branch != "" {
			if ref, ok := rd.levelRef(f, ls, d.row, t.cols["branches from"], d.branch); ok {
				d.ladder.BranchesFrom = &ref
			}
		}
		for _, line := range listLines(d.equivs) {
			lv, eq, ok := strings.Cut(line, "=")
			lv = strings.TrimSpace(lv)
			if !ok || d.ladder.Level(lv) == nil {
				rd.at(ls, d.row, t.cols["equivalences"], "%q does not read as <level> = <ladder>/<level> with a level of ladder %q", line, d.ladder.ID)
				continue
			}
			if ref, ok := rd.levelRef(f, ls, d.row, t.cols["equivalences"], strings.TrimSpace(eq)); ok {
				d.ladder.Equivalences = append(d.ladder.Equivalences, ladder.Equivalence{Level: lv, Equals: ref})
			}
		}
	}
}

// promotions reads each ladder's promotion guidance, kept as YAML in the Ladders sheet, the way
// rungs reads it from ladder.yaml: the framework is written out in memory with the guidance in
// place and loaded back, so the rules are checked against the ladder's levels, areas and scale.
func (rd *reader) promotions(f *ladder.Framework) {
	t := rd.laddersTable
	if t == nil {
		return
	}
	var defs []*ladderDef
	for _, r := range t.rows {
		if text := strings.TrimSpace(t.raw(r, "promotion")); text != "" {
			defs = append(defs, &ladderDef{ladder: f.Ladder(t.get(r, "ladder")), row: r, promotion: text})
		}
	}
	if len(defs) == 0 {
		return
	}
	files, err := ladder.Files(f)
	if err != nil {
		rd.at(t.s, defs[0].row, t.cols["promotion"], "%v", err)
		return
	}
	m := fstest.MapFS{}
	for p, b := range files {
		m[p] = &fstest.MapFile{Data: b}
	}
	for _, d := range defs {
		if d.ladder == nil {
			continue
		}
		indented := "  " + strings.ReplaceAll(strings.TrimRight(d.promotion, "\n"), "\n", "\n  ")
		p := "ladders/" + d.ladder.ID + "/ladder.yaml"
		m[p] = &fstest.MapFile{Data: append(append([]byte{}, files[p]...), []byte("promotion:\n"+indented+"\n")...)}
	}
	loaded, diags, err := ladder.Load(m)
	if err != nil {
		rd.at(t.s, defs[0].row, t.cols["promotion"], "%v", err)
		return
	}
	for _, d := range defs {
		if d.ladder == nil {
			continue
		}
		bad := false
		for _, dg := range diags {
			if dg.Severity == ladder.Error && dg.Pos.File == "ladders/"+d.ladder.ID+"/ladder.yaml" {
				rd.at(t.s, d.row, t.cols["promotion"], "promotion: %s", dg.Message)
				bad = true
			}
		}
		if !bad {
			d.ladder.Promotion = loaded.Ladder(d.ladder.ID).Promotion
		}
	}
}
