package ladder

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Well-known file names inside a framework folder.
const (
	FrameworkFile = "rungs.yaml"
	CrosswalkFile = "crosswalk.yaml"
	LadderFile    = "ladder.yaml"
	laddersDir    = "ladders"
	pagesDir      = "pages"
	schemaDir     = "schema"
)

// ErrNoFramework means the folder has no rungs.yaml.
var ErrNoFramework = errors.New("no " + FrameworkFile + " here")

// Load reads and checks the framework in fsys. It returns the framework (as complete as the files
// allow, nil only when rungs.yaml is missing or unreadable) and every problem found, sorted.
func Load(fsys fs.FS) (*Framework, Diagnostics, error) {
	l, f, err := load(fsys)
	if err != nil {
		return nil, nil, err
	}
	return f, l.r.diags, nil
}

// load is Load, returning the loader too for what it learnt on the way.
func load(fsys fs.FS) (*loader, *Framework, error) {
	src, err := fs.ReadFile(fsys, FrameworkFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, ErrNoFramework
	}
	if err != nil {
		return nil, nil, err
	}
	l := &loader{fsys: fsys, levelFiles: map[string]*levelSource{}, levelOrder: map[string]map[string]int{},
		broken: map[string]map[string]bool{}, assigned: map[string]map[int]string{}}
	f := l.framework(src)
	if f != nil {
		l.crossReferences(f)
		l.promotions(f)
		l.checkIDReuse(f)
		assignIDs(f, func(lv *Level, e *Expectation) {
			if l.assigned[lv.Path] == nil {
				l.assigned[lv.Path] = map[int]string{}
			}
			l.assigned[lv.Path][e.Line] = e.ID
		})
		l.links(f)
	}
	l.r.diags.Sort()
	return l, f, nil
}

// loader carries what is learnt while loading, for the checks that span files.
type loader struct {
	fsys       fs.FS
	r          reporter
	ladderSrc  map[string]*ladderFile
	levelFiles map[string]*levelSource // by path
	// levelOrder is each ladder's level ids by position, known before the levels load (they
	// load in parallel, and an area's start depends on the order).
	levelOrder map[string]map[string]int
	// shapeOnly reads the YAML files alone, for LoadShape: no level or page file is read.
	shapeOnly bool
	// broken holds the ladders (by id, with a nil map) and levels (ladder id, level id) that are
	// listed but could not be read: their own error says why, and references to them are not
	// reported again as unknown.
	broken map[string]map[string]bool
	// assigned holds the ids given to expectations that had none, by file and bullet line: the
	// ids rungs fmt writes.
	assigned map[string]map[int]string
}

// idAt is where the id of e, an expectation of the level in file, is written: found again in
// the file, as it is only needed for the rare message about it.
func (l *loader) idAt(file string, e *Expectation) Pos {
	p := Pos{file, e.Line, 1}
	ls, ok := l.levelFiles[file]
	if !ok {
		return p
	}
	src := ls.src
	if src == nil { // kept only for files with links: read again
		var err error
		if src, err = fs.ReadFile(l.fsys, file); err != nil {
			return p
		}
	}
	marker := "{#" + e.ID + "}"
	for i, line := range strings.Split(normalise(src), "\n") {
		if i+1 < e.Line {
			continue
		}
		if col := strings.Index(line, marker); col >= 0 {
			return Pos{file, i + 1, utf8.RuneCountInString(line[:col]) + 1}
		}
	}
	return p
}

// isBroken reports whether the ladder, or the level on it when level is not "", is listed but
// could not be read.
func (l *loader) isBroken(ladder, level string) bool {
	levels, ok := l.broken[ladder]
	return ok && (levels == nil || levels[level])
}

// levelSource keeps a loaded level and, when it has links, its file for the link check.
type levelSource struct {
	level *Level
	src   []byte // nil when the file has no link
}

func (l *loader) decodeYAML(file string, src []byte, lineOffset int, v any) bool {
	d := &yamlDecoder{file: file, lineOffset: lineOffset, r: &l.r}
	n := d.parseYAML(src)
	if n == nil {
		return false
	}
	d.decode(n, v)
	return true
}

func (l *loader) checkID(id ident, what string) bool {
	if id.Value == "" {
		if id.Pos != (Pos{}) { // a missing key was reported already
			l.r.errorf(id.Pos, "missing %s id", what)
		}
		return false
	}
	if !ValidID(id.Value) {
		l.r.errorf(id.Pos, "bad %s id %q: use lowercase letters, digits and dashes (at most 64), starting with a letter or digit", what, id.Value)
		return false
	}
	return true
}

func (l *loader) framework(src []byte) *Framework {
	var ff frameworkFile
	if !checkText(FrameworkFile, src, &l.r) || !l.decodeYAML(FrameworkFile, src, 0, &ff) {
		return nil
	}
	f := &Framework{
		Format: FormatVersion, Title: ff.Title, Organisation: ff.Organisation, Logo: ff.Logo,
		Description: strings.TrimSpace(ff.Description), BaseURL: ff.BaseURL, Repository: ff.Repository, EditURL: ff.EditURL,
		AdminsReadAssessments: ff.AdminsReadAssessments,
	}
	if ff.Format != 0 && ff.Format != FormatVersion {
		l.r.errorf(ff.At["format"], "format %d is not known to this rungs; it reads format %d", ff.Format, FormatVersion)
	}
	if ff.Logo != "" && !l.exists(ff.Logo) {
		l.r.errorf(ff.At["logo"], "logo %q is not a file in the framework", ff.Logo)
	}
	if ff.EditURL != "" && !strings.Contains(ff.EditURL, "{path}") {
		l.r.warnf(ff.At["edit_url"], "edit_url has no {path}; every \"suggest a change\" link will open the same address")
	}
	seen := map[string]bool{}
	for _, s := range ff.Scale {
		if !l.checkID(s.ID, "rating") {
			continue
		}
		if seen[s.ID.Value] {
			l.r.errorf(s.ID.Pos, "rating %q appears twice in the scale", s.ID.Value)
			continue
		}
		seen[s.ID.Value] = true
		f.Scale = append(f.Scale, Rating{ID: s.ID.Value, Label: s.Label, Description: s.Description})
	}
	if len(ff.Scale) == 1 {
		l.r.errorf(ff.At["scale"], "the scale needs at least two ratings")
	}

	l.ladderSrc = map[string]*ladderFile{}
	listed := map[string]bool{}
	var jobs []levelJob
	for _, id := range ff.Ladders {
		if !l.checkID(id, "ladder") {
			continue
		}
		if listed[id.Value] {
			l.r.errorf(id.Pos, "ladder %q is listed twice", id.Value)
			continue
		}
		listed[id.Value] = true
		if ld, lj := l.ladder(id); ld != nil {
			f.Ladders = append(f.Ladders, ld)
			jobs = append(jobs, lj...)
		} else {
			l.broken[id.Value] = nil
		}
	}
	if l.shapeOnly {
		return f
	}
	l.levels(jobs)
	for _, dir := range l.dirs(laddersDir) {
		if !listed[dir] {
			l.r.warnf(Pos{path.Join(laddersDir, dir, LadderFile), 1, 1}, "ladder %q is not listed under ladders in %s, so it is not published", dir, FrameworkFile)
		}
	}

	listed = map[string]bool{}
	for _, id := range ff.Pages {
		if !l.checkID(id, "page") {
			continue
		}
		if listed[id.Value] {
			l.r.errorf(id.Pos, "page %q is listed twice", id.Value)
			continue
		}
		listed[id.Value] = true
		if p := l.page(id); p != nil {
			f.Pages = append(f.Pages, p)
		}
	}
	for _, name := range l.files(pagesDir, ".md") {
		if !listed[name] {
			l.r.warnf(Pos{path.Join(pagesDir, name+".md"), 1, 1}, "page %q is not listed under pages in %s, so it is not published", name, FrameworkFile)
		}
	}
	return f
}

// exists reports whether name is a file in the framework.
func (l *loader) exists(name string) bool {
	name = path.Clean(strings.TrimPrefix(name, "/"))
	if !fs.ValidPath(name) {
		return false
	}
	st, err := fs.Stat(l.fsys, name)
	return err == nil && !st.IsDir()
}

// dirs lists the sub-folders of dir, sorted.
func (l *loader) dirs(dir string) []string {
	entries, _ := fs.ReadDir(l.fsys, dir)
	var out []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	return out
}

// files lists the names (without ext) of the files in dir ending in ext, sorted.
func (l *loader) files(dir, ext string) []string {
	entries, _ := fs.ReadDir(l.fsys, dir)
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ext) && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, strings.TrimSuffix(e.Name(), ext))
		}
	}
	sort.Strings(out)
	return out
}

func (l *loader) page(id ident) *Page {
	file := path.Join(pagesDir, id.Value+".md")
	src, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		l.r.errorf(id.Pos, "page %q has no file %s", id.Value, file)
		return nil
	}
	if !checkText(file, src, &l.r) {
		return nil
	}
	md, ok := splitFrontMatter(file, src, &l.r)
	if !ok {
		return nil
	}
	if !md.hasFront {
		l.r.errorf(Pos{file, 1, 1}, "a page starts with front matter: ---, title: ..., ---")
		return nil
	}
	var pf pageFront
	if !l.decodeYAML(file, []byte(md.front), 1, &pf) {
		return nil
	}
	return &Page{ID: id.Value, Title: pf.Title, Body: strings.TrimSpace(strings.Join(md.body, "\n")), Path: file}
}

// ladder reads one ladder.yaml. Its levels are loaded later, all ladders' at once, from the jobs
// it returns.
func (l *loader) ladder(id ident) (*Ladder, []levelJob) {
	file := path.Join(laddersDir, id.Value, LadderFile)
	src, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		l.r.errorf(id.Pos, "ladder %q has no file %s", id.Value, file)
		return nil, nil
	}
	var lf ladderFile
	if !checkText(file, src, &l.r) || !l.decodeYAML(file, src, 0, &lf) {
		return nil, nil
	}
	l.ladderSrc[id.Value] = &lf
	// Space around Markdown means nothing; keeping it would make two ways to say one thing.
	ld := &Ladder{ID: id.Value, Title: lf.Title, Summary: lf.Summary, Description: strings.TrimSpace(lf.Description), Path: file}

	groups, areas := map[string]bool{}, map[string]bool{}
	for _, gf := range lf.Groups {
		if !l.checkID(gf.ID, "group") {
			continue
		}
		if groups[gf.ID.Value] {
			l.r.errorf(gf.ID.Pos, "group %q appears twice", gf.ID.Value)
			continue
		}
		groups[gf.ID.Value] = true
		g := &Group{ID: gf.ID.Value, Title: gf.Title}
		for _, af := range gf.Areas {
			if !l.checkID(af.ID, "area") {
				continue
			}
			if areas[af.ID.Value] {
				l.r.errorf(af.ID.Pos, "area %q appears twice", af.ID.Value)
				continue
			}
			areas[af.ID.Value] = true
			kind := af.Kind.Value
			switch kind {
			case "":
				kind = KindExpectations
			case KindExpectations, KindTraits:
			default:
				l.r.errorf(af.Kind.Pos, "unknown area kind %q%s; use %q or %q", kind, Suggest(kind, []string{KindExpectations, KindTraits}), KindExpectations, KindTraits)
				kind = KindExpectations
			}
			g.Areas = append(g.Areas, &Area{ID: af.ID.Value, Title: af.Title, Kind: kind, Description: strings.TrimSpace(af.Description), Group: g.ID, From: af.From.Value})
		}
		if len(gf.Areas) == 0 {
			l.r.errorf(gf.Pos, "group %q has no areas", gf.ID.Value)
		}
		ld.Groups = append(ld.Groups, g)
	}
	tracks := map[string]bool{}
	for _, tf := range lf.Tracks {
		if !l.checkID(tf.ID, "track") {
			continue
		}
		if tracks[tf.ID.Value] {
			l.r.errorf(tf.ID.Pos, "track %q appears twice", tf.ID.Value)
			continue
		}
		tracks[tf.ID.Value] = true
		ld.Tracks = append(ld.Tracks, &Track{ID: tf.ID.Value, Title: tf.Title, Summary: tf.Summary})
	}

	listed := map[string]bool{}
	var jobs []levelJob
	order := map[string]int{}
	for _, lid := range lf.Levels {
		if !l.checkID(lid, "level") {
			continue
		}
		if listed[lid.Value] {
			l.r.errorf(lid.Pos, "level %q is listed twice", lid.Value)
			continue
		}
		listed[lid.Value] = true
		order[lid.Value] = len(order)
		jobs = append(jobs, levelJob{ladder: ld, id: lid})
	}
	l.levelOrder[ld.ID] = order
	for _, gf := range lf.Groups {
		for _, af := range gf.Areas {
			if from := af.From; from.Value != "" && !listed[from.Value] {
				var ids []string
				for _, lid := range lf.Levels {
					ids = append(ids, lid.Value)
				}
				l.r.errorf(from.Pos, "area %q starts at unknown level %q%s; levels: %s", af.ID.Value, from.Value, Suggest(from.Value, ids), strings.Join(ids, ", "))
				if a := ld.Area(af.ID.Value); a != nil {
					a.From = ""
				}
			}
		}
	}
	for _, name := range l.files(path.Join(laddersDir, id.Value), ".md") {
		if !listed[name] {
			l.r.warnf(Pos{path.Join(laddersDir, id.Value, name+".md"), 1, 1}, "level file is not listed under levels in %s, so it is not published", file)
		}
	}
	return ld, jobs
}

// levelJob is one level file to load.
type levelJob struct {
	ladder *Ladder
	id     ident
	// results
	level *Level
	src   []byte
	r     reporter
}

// levels loads the level files on every core: they are independent of each other, and a large
// framework has thousands. Results are merged in order, so output does not depend on timing.
func (l *loader) levels(jobs []levelJob) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Go(func() {
			for i := range next {
				j := &jobs[i]
				j.level, j.src = l.level(j.ladder, l.levelOrder[j.ladder.ID], j.id, &j.r)
				if !bytes.Contains(j.src, []byte("](")) {
					j.src = nil // the link check needs only files with links; a large framework is hundreds of megabytes
				}
			}
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()

	codes := map[*Ladder]map[string]string{}
	for i := range jobs {
		j := &jobs[i]
		l.r.diags = append(l.r.diags, j.r.diags...)
		lv := j.level
		if lv == nil {
			if l.broken[j.ladder.ID] == nil {
				l.broken[j.ladder.ID] = map[string]bool{}
			}
			l.broken[j.ladder.ID][j.id.Value] = true
			continue
		}
		if codes[j.ladder] == nil {
			codes[j.ladder] = map[string]string{}
		}
		if other, dup := codes[j.ladder][lv.Code]; dup && lv.Code != "" {
			l.r.errorf(Pos{lv.Path, 1, 1}, "level code %q is already used by level %q", lv.Code, other)
		}
		codes[j.ladder][lv.Code] = lv.ID
		j.ladder.Levels = append(j.ladder.Levels, lv)
		l.levelFiles[lv.Path] = &levelSource{level: lv, src: j.src}
	}
}

// level loads one level file, reporting to r; it may run beside other levels. order gives
// the position of each level of the ladder.
func (l *loader) level(ld *Ladder, order map[string]int, id ident, r *reporter) (*Level, []byte) {
	file := path.Join(laddersDir, ld.ID, id.Value+".md")
	src, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		r.errorf(id.Pos, "level %q has no file %s", id.Value, file)
		return nil, nil
	}
	if !checkText(file, src, r) {
		return nil, nil
	}
	// src is this function's (fs.ReadFile's contract) and only ever read after this.
	md, ok := splitOwnedFrontMatter(file, src, r)
	if !ok {
		return nil, nil
	}
	if !md.hasFront {
		r.errorf(Pos{file, 1, 1}, "a level starts with front matter: ---, title: ..., code: ..., ---")
		return nil, nil
	}
	var lf levelFront
	d := &yamlDecoder{file: file, lineOffset: 1, r: r}
	n := d.parseYAML([]byte(md.front))
	if n == nil {
		return nil, nil
	}
	d.decode(n, &lf)
	lv := &Level{ID: id.Value, Title: lf.Title, Code: lf.Code, Summary: lf.Summary, IndicatorNotes: strings.TrimSpace(lf.Notes), Path: file}
	if lf.Tenure.Set {
		lv.Tenure = lf.Tenure.Range
		if rg := lf.Tenure.Range; rg.Max != nil && rg.Min > *rg.Max {
			r.errorf(lf.Tenure.Pos, "tenure %s starts above where it ends", rg)
		}
	}
	timeSplit(r, ld, lv, lf.TimeSplit)

	body, _ := parseLevelBody(file, md, r)
	lv.Intro = strings.TrimSpace(strings.Join(body.intro, "\n"))
	levelAreas(r, ld, order, lv, body)
	return lv, src
}

func timeSplit(r *reporter, ld *Ladder, lv *Level, ts splitMap) {
	var names []string
	for _, a := range ld.Areas() {
		names = append(names, a.ID)
	}
	var sumMin, sumMax float64
	open, unknown := false, false
	for _, e := range ts {
		if ld.Area(e.Area.Value) == nil {
			r.errorf(e.Area.Pos, "time_split names unknown area %q%s", e.Area.Value, Suggest(e.Area.Value, names))
			unknown = true
			continue
		}
		if !e.Range.Set {
			continue
		}
		rg := e.Range.Range
		if rg.Max == nil {
			open = true
		} else {
			sumMax += *rg.Max
			if rg.Min > *rg.Max {
				r.errorf(e.Range.Pos, "time split %s starts above where it ends", rg)
			}
		}
		if rg.Min > 100 || (rg.Max != nil && *rg.Max > 100) {
			r.errorf(e.Range.Pos, "time split %s%% is outside 0-100", rg)
		}
		sumMin += rg.Min
		lv.TimeSplit = append(lv.TimeSplit, AreaRange{Area: e.Area.Value, Range: rg})
	}
	if len(lv.TimeSplit) == 0 || unknown {
		return // the sums mean nothing until every area is known
	}
	p := ts[0].Area.Pos
	if sumMin > 100 {
		r.warnf(p, "time split cannot add up to 100%%: the smallest shares already add up to %g%%", sumMin)
	} else if !open && sumMax < 100 {
		r.warnf(p, "time split cannot add up to 100%%: the largest shares add up to only %g%%", sumMax)
	}
}

// matchName finds the entry whose id or title equals name, ignoring case.
func matchName[T any](name string, items []T, id, title func(T) string) (T, bool) {
	for _, it := range items {
		if strings.EqualFold(id(it), name) || strings.EqualFold(title(it), name) {
			return it, true
		}
	}
	var zero T
	return zero, false
}

// levelAreas reads the level's sections into its areas. Expectations without an id are left
// without: ids are given once every level is read, so that a new one collides with none
// anywhere (see assignIDs). order gives the position of each level of the ladder.
func levelAreas(r *reporter, ld *Ladder, order map[string]int, lv *Level, body *levelBody) {
	areaList := ld.Areas()
	var areaNames, trackNames []string
	for _, a := range areaList {
		areaNames = append(areaNames, a.Title)
	}
	for _, t := range ld.Tracks {
		trackNames = append(trackNames, t.Title)
	}
	ids := map[string]bool{}
	for _, sec := range body.sections {
		for _, t := range sec.tracks {
			for _, it := range t.items {
				if it.id != "" {
					if ids[it.id] {
						r.errorf(Pos{lv.Path, it.idLine, it.idCol}, "expectation id %q is already used in this level", it.id)
					}
					if ld.Area(it.id) != nil {
						// Both become anchors on the level page: #id must name one thing.
						r.errorf(Pos{lv.Path, it.idLine, it.idCol}, "expectation id %q is also the id of an area; choose another", it.id)
					}
					ids[it.id] = true
				}
			}
		}
	}
	missingIDs := 0
	firstMissing := 0
	for _, sec := range body.sections {
		area, ok := matchName(sec.heading, areaList, func(a *Area) string { return a.ID }, func(a *Area) string { return a.Title })
		if !ok {
			r.errorf(Pos{lv.Path, sec.line, 4}, "unknown area %q%s; areas of ladder %q: %s", sec.heading, Suggest(sec.heading, areaNames), ld.ID, strings.Join(areaNames, ", "))
			continue
		}
		if lv.Area(area.ID) != nil {
			r.errorf(Pos{lv.Path, sec.line, 1}, "area %q already has a section in this level", area.Title)
			continue
		}
		la := &LevelArea{Area: area.ID}
		for _, t := range sec.tracks {
			track := ""
			if t.heading != "" {
				tr, ok := matchName(t.heading, ld.Tracks, func(t *Track) string { return t.ID }, func(t *Track) string { return t.Title })
				if !ok {
					hint := "this ladder has no tracks"
					if len(trackNames) > 0 {
						hint = "tracks: " + strings.Join(trackNames, ", ")
					}
					r.errorf(Pos{lv.Path, t.line, 5}, "unknown track %q%s; %s", t.heading, Suggest(t.heading, trackNames), hint)
					continue
				}
				track = tr.ID
			}
			for _, it := range t.items {
				e := &Expectation{ID: it.id, Text: it.text, Examples: it.examples, Track: track, Line: it.line}
				if area.Kind == KindTraits {
					name, text, ok := SplitTrait(it.text)
					if !ok {
						r.errorf(Pos{lv.Path, it.line, 3}, "an enabling trait is written \"- **Name**: text\"")
					}
					e.Name, e.Text = name, text
				}
				if e.ID == "" {
					missingIDs++
					if firstMissing == 0 {
						firstMissing = it.line
					}
				}
				la.Expectations = append(la.Expectations, e)
			}
		}
		lv.Areas = append(lv.Areas, la)
	}
	if missingIDs > 0 {
		r.warnf(Pos{lv.Path, firstMissing, 1}, "%d expectation(s) have no id yet; run `rungs fmt` to give each a stable one", missingIDs)
	}
	for _, a := range areaList {
		la := lv.Area(a.ID)
		line := 1
		for _, sec := range body.sections {
			if strings.EqualFold(sec.heading, a.Title) || strings.EqualFold(sec.heading, a.ID) {
				line = sec.line
			}
		}
		start, hasStart := order[a.From]
		switch before := hasStart && order[lv.ID] < start; {
		case before && la != nil:
			r.warnf(Pos{lv.Path, line, 1}, "area %q starts at level %q (from: in %s), so this level, below it, should have no section for it", a.Title, a.From, LadderFile)
		case before:
			// The area starts higher up the ladder: nothing is missing here.
		case la == nil:
			r.warnf(Pos{lv.Path, 1, 1}, "level has no section for area %q (## %s)", a.ID, a.Title)
		case len(la.Expectations) == 0:
			r.warnf(Pos{lv.Path, line, 1}, "area %q has no expectations in this level", a.Title)
		}
	}
	// Keep the sections in the ladder's area order, whatever order the file uses.
	sort.SliceStable(lv.Areas, func(i, j int) bool {
		return areaIndex(areaList, lv.Areas[i].Area) < areaIndex(areaList, lv.Areas[j].Area)
	})
}

func areaIndex(areas []*Area, id string) int {
	for i, a := range areas {
		if a.ID == id {
			return i
		}
	}
	return len(areas)
}
