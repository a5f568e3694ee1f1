package ladder

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Files returns the files of a framework folder that holds f, by slash path, already in the
// canonical form `rungs fmt` writes, with the JSON Schemas editors use. Loading them gives f
// back. Expectations must have ids (see AssignIDs); text that the file format cannot hold, such
// as a heading inside a level's introduction, is an error naming the place.
func Files(f *Framework) (map[string][]byte, error) {
	files := map[string][]byte{}
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }

	files[FrameworkFile] = encodeYAML("schema/rungs.json", frameworkNode(f))
	if len(f.Crosswalk) > 0 {
		files[CrosswalkFile] = encodeYAML("schema/crosswalk.json", crosswalkNode(f.Crosswalk))
	}
	for _, ld := range f.Ladders {
		dir := path.Join(laddersDir, ld.ID)
		files[path.Join(dir, LadderFile)] = encodeYAML("../../schema/ladder.json", ladderNode(ld))
		for _, lv := range ld.Levels {
			file := path.Join(dir, lv.ID+".md")
			b, err := levelFile(ld, lv)
			if err != nil {
				fail("%s: %v", file, err)
				continue
			}
			files[file] = b
		}
	}
	for _, p := range f.Pages {
		var b strings.Builder
		b.WriteString("---\n")
		b.Write(encodeYAML("", mapping("title", str(p.Title))))
		b.WriteString("---\n")
		if body := trimLines(p.Body); body != "" {
			b.WriteString("\n" + body + "\n")
		}
		files[path.Join(pagesDir, p.ID+".md")] = []byte(b.String())
	}
	for _, name := range SchemaNames() {
		b, _ := Schema(name)
		files[path.Join(schemaDir, name+".json")] = b
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("cannot write the framework:\n%s", strings.Join(errs, "\n"))
	}
	return files, nil
}

// FrameworkYAML is the framework's rungs.yaml as Files writes it, without the schema comment.
func FrameworkYAML(f *Framework) []byte {
	return encodeYAML("", frameworkNode(f))
}

// CrosswalkYAML is the framework's crosswalk.yaml as Files writes it, or nil when it has none.
func CrosswalkYAML(f *Framework) []byte {
	if len(f.Crosswalk) == 0 {
		return nil
	}
	return encodeYAML("", crosswalkNode(f.Crosswalk))
}

// LadderYAML is the ladder's ladder.yaml as Files writes it, without the schema comment.
func LadderYAML(ld *Ladder) []byte {
	return encodeYAML("", ladderNode(ld))
}

// DefaultScale is the rating scale given to frameworks imported from formats that have none.
func DefaultScale() []Rating {
	return []Rating{
		{ID: "not-yet", Label: "Not yet", Description: "Has not shown this yet."},
		{ID: "sometimes", Label: "Sometimes", Description: "Shows this now and then, or with some help."},
		{ID: "consistently", Label: "Consistently", Description: "Shows this reliably, without being asked."},
	}
}

// AssignIDs gives every expectation without an id a readable one made from its text, the way
// `rungs fmt` does: never an area's id (an anchor names either), and used nowhere else in the
// framework unless by the same expectation (a trait of the same name, the same text on the
// level next to it). Importers call it before Files.
func AssignIDs(f *Framework) {
	assignIDs(f, nil)
}

var slugWord = regexp.MustCompile(`[a-z0-9]+`)

// Slug makes an id for a ladder, level, area, track or page from its title: every word, lowercase,
// joined by dashes, at most 64 characters, never one already in taken (which it adds to). Unlike
// expectation ids it keeps short words, so "Level 2" and "Level 3" stay apart.
func Slug(title string, taken map[string]bool) string {
	return uniqueID(strings.Join(slugWord.FindAllString(strings.ToLower(title), -1), "-"), 60, "untitled", taken)
}

var headingLine = regexp.MustCompile(`^#{1,2}([ \t]|$)`)

func levelFile(ld *Ladder, lv *Level) ([]byte, error) {
	var b strings.Builder
	front := mapping("title", str(lv.Title))
	optional(front, "code", lv.Code)
	optional(front, "summary", lv.Summary)
	if !lv.Tenure.IsZero() {
		addPair(front, "tenure", plain(lv.Tenure.String()))
	}
	if len(lv.TimeSplit) > 0 {
		ts := mapping()
		for _, s := range lv.TimeSplit {
			addPair(ts, s.Area, plain(s.Range.String()))
		}
		addPair(front, "time_split", ts)
	}
	optional(front, "indicator_notes", trimLines(lv.IndicatorNotes))
	b.WriteString("---\n")
	b.Write(encodeYAML("", front))
	b.WriteString("---\n")
	if intro := trimLines(lv.Intro); intro != "" {
		inFence := false
		for i, line := range strings.Split(intro, "\n") {
			if t := strings.TrimSpace(line); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
				inFence = !inFence
			}
			if !inFence && headingLine.MatchString(line) {
				return nil, fmt.Errorf("line %d of the introduction is a # or ## heading, which would end it; use ### or deeper", i+1)
			}
		}
		b.WriteString("\n" + intro + "\n")
	}
	for _, la := range lv.Areas {
		area := ld.Area(la.Area)
		if area == nil {
			return nil, fmt.Errorf("unknown area %q", la.Area)
		}
		b.WriteString("\n## " + oneLine(area.Title) + "\n")
		// Expectations for every track come first, then each track's in the ladder's order, as
		// the file format reads "### Track" as "from here on, this track only".
		groups := [][]*Expectation{nil}
		heads := []string{""}
		for _, t := range ld.Tracks {
			groups = append(groups, nil)
			heads = append(heads, t.Title)
		}
		for _, e := range la.Expectations {
			i := 0
			if e.Track != "" {
				i = trackIndex(ld, e.Track) + 1
				if i == 0 {
					return nil, fmt.Errorf("expectation %q names unknown track %q", e.ID, e.Track)
				}
			}
			groups[i] = append(groups[i], e)
		}
		for i, es := range groups {
			if i > 0 && len(es) == 0 {
				continue
			}
			if heads[i] != "" {
				b.WriteString("\n### " + oneLine(heads[i]) + "\n")
			}
			if len(es) > 0 {
				b.WriteString("\n")
			}
			for _, e := range es {
				if !ValidID(e.ID) {
					return nil, fmt.Errorf("expectation %q in area %q has no valid id", e.Text, area.ID)
				}
				text := oneLine(e.Text)
				if area.Kind == KindTraits {
					text = strings.TrimSpace("**" + oneLine(e.Name) + "**: " + text)
				}
				fmt.Fprintf(&b, "- %s {#%s}\n", text, e.ID)
				for _, ex := range e.Examples {
					b.WriteString("  - " + oneLine(ex) + "\n")
				}
			}
		}
	}
	return []byte(b.String()), nil
}

func trackIndex(ld *Ladder, id string) int {
	for i, t := range ld.Tracks {
		if t.ID == id {
			return i
		}
	}
	return -1
}

// oneLine joins text onto one line, as a bullet or heading must be.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// trimLines drops trailing spaces on each line and blank lines at both ends, as loading does.
func trimLines(s string) string {
	lines := strings.Split(normalise([]byte(s)), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

func frameworkNode(f *Framework) *yaml.Node {
	n := mapping("format", plain(fmt.Sprint(FormatVersion)), "title", str(f.Title))
	optional(n, "organisation", f.Organisation)
	optional(n, "logo", f.Logo)
	optional(n, "description", f.Description)
	optional(n, "base_url", f.BaseURL)
	optional(n, "repository", f.Repository)
	optional(n, "edit_url", f.EditURL)
	if f.AdminsReadAssessments != nil {
		addPair(n, "admins_read_assessments", plain(strconv.FormatBool(*f.AdminsReadAssessments)))
	}
	scale := seq(false)
	for _, r := range f.Scale {
		m := mapping("id", str(r.ID), "label", str(r.Label))
		optional(m, "description", r.Description)
		scale.Content = append(scale.Content, m)
	}
	addPair(n, "scale", scale)
	ladders := seq(true)
	for _, l := range f.Ladders {
		ladders.Content = append(ladders.Content, str(l.ID))
	}
	addPair(n, "ladders", ladders)
	if len(f.Pages) > 0 {
		pages := seq(true)
		for _, p := range f.Pages {
			pages.Content = append(pages.Content, str(p.ID))
		}
		addPair(n, "pages", pages)
	}
	return n
}

func crosswalkNode(titles []TitleMatch) *yaml.Node {
	list := seq(false)
	for _, t := range titles {
		m := mapping("title", str(t.Title), "level", str(t.Ladder+"/"+t.Level))
		optional(m, "note", t.Note)
		list.Content = append(list.Content, m)
	}
	return mapping("titles", list)
}

func ladderNode(ld *Ladder) *yaml.Node {
	n := mapping("title", str(ld.Title))
	optional(n, "summary", ld.Summary)
	optional(n, "description", ld.Description)
	groups := seq(false)
	for _, g := range ld.Groups {
		areas := seq(false)
		for _, a := range g.Areas {
			m := mapping("id", str(a.ID), "title", str(a.Title))
			if a.Kind == KindTraits {
				addPair(m, "kind", str(a.Kind))
			}
			optional(m, "from", a.From)
			optional(m, "description", a.Description)
			areas.Content = append(areas.Content, m)
		}
		groups.Content = append(groups.Content, mapping("id", str(g.ID), "title", str(g.Title), "areas", areas))
	}
	addPair(n, "groups", groups)
	if len(ld.Tracks) > 0 {
		tracks := seq(false)
		for _, t := range ld.Tracks {
			m := mapping("id", str(t.ID), "title", str(t.Title))
			optional(m, "summary", t.Summary)
			tracks.Content = append(tracks.Content, m)
		}
		addPair(n, "tracks", tracks)
	}
	levels := seq(true)
	for _, lv := range ld.Levels {
		levels.Content = append(levels.Content, str(lv.ID))
	}
	addPair(n, "levels", levels)
	if b := ld.BranchesFrom; b != nil {
		addPair(n, "branches_from", mapping("ladder", str(b.Ladder), "level", str(b.Level)))
	}
	if ld.Promotion != nil {
		addPair(n, "promotion", PromotionNode(ld))
	}
	if len(ld.Equivalences) > 0 {
		eqs := seq(false)
		for _, e := range ld.Equivalences {
			eqs.Content = append(eqs.Content, mapping("level", str(e.Level), "equals", str(e.Equals.Ladder+"/"+e.Equals.Level)))
		}
		addPair(n, "equivalences", eqs)
	}
	return n
}

// encodeYAML writes n with the two-space indent rungs fmt uses, after a schema comment when
// schema is set, so editors complete keys in files rungs wrote.
func encodeYAML(schema string, n *yaml.Node) []byte {
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}}
	if schema != "" {
		doc.HeadComment = "# yaml-language-server: $schema=" + schema
	}
	b, err := layOutYAML(doc)
	if err != nil {
		panic(fmt.Sprintf("encode YAML: %v", err)) // only nodes built above reach here
	}
	return b
}

func mapping(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		addPair(n, kv[i].(string), kv[i+1].(*yaml.Node))
	}
	return n
}

func addPair(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, str(key), v)
}

func optional(m *yaml.Node, key, value string) {
	if value != "" {
		addPair(m, key, str(value))
	}
}

// str is a string value; the encoder quotes it only when it would otherwise read as another type.
func str(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// plain is a value written without quotes: numbers and ranges such as 10, 2-3 or 5+.
func plain(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Value: s}
}

func seq(flow bool) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode}
	if flow {
		n.Style = yaml.FlowStyle
	}
	return n
}

// ParseRange reads a range as level files write it: "2-3", "4" or "5+", allowing a leading "~"
// and a trailing "%", as imported spreadsheets and sites often have them.
func ParseRange(s string) (Range, error) {
	return parseRange(s)
}

// PromotionNode is the ladder's promotion guidance as ladder.yaml writes it under "promotion",
// leaving out what the loader would assume anyway (of: level, all expectations, all areas, the
// levels a rule can read).
func PromotionNode(ld *Ladder) *yaml.Node {
	p := ld.Promotion
	n := mapping()
	optional(n, "about", p.About)
	if len(p.Rules) > 0 {
		rules := seq(false)
		for _, r := range p.Rules {
			m := mapping("name", str(r.Name))
			if !defaultLevels(ld, r) {
				levels := seq(true)
				for _, id := range r.Levels {
					levels.Content = append(levels.Content, str(id))
				}
				addPair(m, "levels", levels)
			}
			when := seq(false)
			for _, c := range r.When {
				cm := mapping()
				if c.Of != OfLevel && c.Of != "" {
					addPair(cm, "of", str(c.Of))
				}
				if len(c.Areas) > 0 {
					areas := seq(true)
					for _, a := range c.Areas {
						areas.Content = append(areas.Content, str(a))
					}
					addPair(cm, "areas", areas)
				}
				addPair(cm, "rating", str(c.Rating))
				if c.Expect != (Share{}) {
					addPair(cm, "expectations", plain(c.Expect.String()))
				}
				if c.AreasNeeded != (Share{}) {
					addPair(cm, "areas_needed", plain(c.AreasNeeded.String()))
				}
				when.Content = append(when.Content, cm)
			}
			addPair(m, "when", when)
			rules.Content = append(rules.Content, m)
		}
		addPair(n, "rules", rules)
	}
	if pt := p.Points; pt != nil {
		m := mapping("shown_at", str(pt.Rating))
		if pt.Expect != (Share{}) {
			addPair(m, "expectations", plain(pt.Expect.String()))
		}
		for _, part := range []struct {
			key string
			lps []LevelPoints
		}{{"milestones", pt.Milestones}, {"thresholds", pt.Thresholds}} {
			lm := mapping()
			for _, lp := range part.lps {
				addPair(lm, lp.Level, plain(fmt.Sprint(lp.Points)))
			}
			addPair(m, part.key, lm)
		}
		addPair(n, "points", m)
	}
	return n
}

// defaultLevels reports whether a rule reads exactly the levels the loader gives a rule that
// names none: every level its conditions fit (not the lowest when one asks about the level
// below, not the highest when one asks about the level above).
func defaultLevels(ld *Ladder, r *PromotionRule) bool {
	below, above := false, false
	for _, c := range r.When {
		below = below || c.Of == OfBelow
		above = above || c.Of == OfAbove
	}
	var want []string
	for i, lv := range ld.Levels {
		if (below && i == 0) || (above && i == len(ld.Levels)-1) {
			continue
		}
		want = append(want, lv.ID)
	}
	return strings.Join(want, " ") == strings.Join(r.Levels, " ")
}
