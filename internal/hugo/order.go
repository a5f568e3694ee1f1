package hugo

import (
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/rungs/rungs/internal/ladder"
)

// Which pages of a folder are levels, and in which order they go.

// levelPages tells the level pages of a ladder's folder from its other pages (an FAQ, a guide).
// With the ladder's YAML, the levels it lists are levels, and so is any page with a section for
// one of its areas. Without it, a page is a level when it has a "... Competencies" or
// "Broad Indicators" heading, or a section of bullets under a heading that another such page
// has too: level pages share their area headings, other pages do not.
func levelPages(pages []*page, shape *ladder.Ladder, listed []string) (levels, others []*page) {
	type candidate struct {
		p        *page
		headings []string // headings with bullets below them, normalised
		strong   bool
	}
	var cands []*candidate
	for _, p := range pages {
		if isIndexPage(p.file) {
			others = append(others, p)
			continue
		}
		c := &candidate{p: p}
		for _, s := range outline(dropComments(p.body)) {
			h := strings.ToLower(s.heading)
			if s.depth <= 2 && (strings.Contains(h, "competenc") || isIndicators(h)) {
				c.strong = true
			}
			if s.bullets {
				c.headings = append(c.headings, normalName(s.heading))
			}
			if shape != nil && s.bullets && shape.Area(s.id) != nil {
				c.strong = true
			}
			if shape != nil && s.bullets {
				for _, a := range shape.Areas() {
					if strings.EqualFold(a.Title, s.heading) {
						c.strong = true
					}
				}
			}
		}
		if slices.Contains(listed, p.id()) {
			c.strong = true
		}
		if c.strong || len(c.headings) > 0 {
			cands = append(cands, c)
		} else {
			others = append(others, p)
		}
	}
	for _, c := range cands {
		level := c.strong
		for _, o := range cands {
			if o == c || level {
				continue
			}
			for _, h := range c.headings {
				level = level || slices.Contains(o.headings, h)
			}
		}
		if !level && len(cands) == 1 && len(c.headings) > 1 {
			level = true // the only page of the folder with sections of bullets
		}
		if level {
			levels = append(levels, c.p)
		} else {
			others = append(others, c.p)
		}
	}
	return levels, others
}

// isIndexPage reports whether a file is a folder's own page rather than one of its pages.
func isIndexPage(file string) bool {
	switch strings.ToLower(path.Base(file)) {
	case "_index.md", "index.md", "readme.md", "_index.markdown", "index.markdown", "readme.markdown":
		return true
	}
	return false
}

// outlineSection is a heading of a page and whether bullets follow it.
type outlineSection struct {
	depth       int
	heading, id string
	bullets     bool
}

// outline lists a page's headings, quickly, to tell levels from other pages.
func outline(body string) []outlineSection {
	var out []outlineSection
	inFence := false
	for _, line := range strings.Split(body, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
		}
		if inFence {
			continue
		}
		if m := headingRE.FindStringSubmatch(t); m != nil && line == strings.TrimLeft(line, " \t") {
			h, id := m[2], ""
			if a := headingAttr.FindStringSubmatch(h); a != nil {
				id = strings.TrimPrefix(strings.Fields(a[1] + " x")[0], "#")
				h = h[:len(h)-len(a[0])]
			}
			out = append(out, outlineSection{depth: len(m[1]), heading: strings.TrimSpace(strings.Trim(h, "#")), id: id})
			continue
		}
		if len(out) > 0 && (bulletRE.MatchString(line) || strings.HasPrefix(t, "<li") || strings.HasPrefix(t, "<ul")) {
			out[len(out)-1].bullets = true
		}
	}
	return out
}

var (
	mdDestRE   = regexp.MustCompile(`\]\(([^()\s]+)`)
	numberRE   = regexp.MustCompile(`\d+`)
	romanWords = map[string]int{"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
)

// orderLevels puts a ladder's level pages in order. The first that gives every page a distinct
// place decides: the ladder's YAML, weights in front matter, the order the ladder's own page
// links to them, a number in the file name, a number in the title ("Engineer 2", "Engineer
// II"), and seniority words in the title (Junior, Senior, Staff, Principal; Manager, Director).
// When none does, the order is the file names', with a warning saying how to set it.
func (im *importer) orderLevels(levels []*page, index *page, listed []string) []*page {
	out := slices.Clone(levels)
	if len(out) < 2 {
		return out
	}
	names := func(p *page) string { return p.id() }
	byKey := func(key func(*page) (float64, bool)) bool {
		keys := map[*page]float64{}
		seen := map[float64]bool{}
		for _, p := range out {
			k, ok := key(p)
			if !ok || seen[k] {
				return false
			}
			keys[p], seen[k] = k, true
		}
		sort.SliceStable(out, func(i, j int) bool { return keys[out[i]] < keys[out[j]] })
		return true
	}
	position := func(list []string) func(*page) (float64, bool) {
		return func(p *page) (float64, bool) {
			i := slices.Index(list, names(p))
			return float64(i), i >= 0
		}
	}
	var linked []string
	if index != nil {
		for _, m := range mdDestRE.FindAllStringSubmatch(index.body, -1) {
			dest, _, _ := strings.Cut(m[1], "#")
			dest = strings.TrimSuffix(strings.TrimSuffix(dest, "/"), path.Ext(dest))
			if name := path.Base(dest); !slices.Contains(linked, name) {
				linked = append(linked, name)
			}
		}
	}
	allWeighted := true
	for _, p := range out {
		_, ok := p.weight()
		allWeighted = allWeighted && ok
	}
	switch {
	case byKey(position(listed)):
	case allWeighted:
		sortPages(out)
	case byKey(position(linked)):
	case byKey(func(p *page) (float64, bool) { return firstNumber(names(p)) }):
	case byKey(func(p *page) (float64, bool) { return firstNumber(p.title()) }):
	case byKey(func(p *page) (float64, bool) { return seniority(firstNonEmpty(p.title(), names(p))) }):
	default:
		sort.SliceStable(out, func(i, j int) bool { return out[i].file < out[j].file })
		im.warn.add(path.Dir(out[0].file), "could not tell the order of the levels, so they are in the order of their file names; "+
			"to set it, number the files (1-junior.md, 2-senior.md) or list the levels in order, as links, in the folder's README.md")
	}
	return out
}

// firstNumber is the first number in a name or title: digits, or a roman numeral as a word.
func firstNumber(s string) (float64, bool) {
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == '-' || r == '_' || r == '(' || r == ')' }) {
		if n, ok := romanWords[w]; ok {
			return float64(n), true
		}
		if d := numberRE.FindString(w); d != "" {
			n, err := strconv.Atoi(d)
			return float64(n), err == nil
		}
	}
	return 0, false
}

// roles are words that place a title on a ladder, lowest first.
var roles = []struct {
	word string
	rank float64
}{
	{"intern", 0}, {"apprentice", 0}, {"trainee", 0}, {"graduate", 1}, {"entry", 1}, {"junior", 1},
	{"associate", 1}, {"intermediate", 2}, {"mid", 2}, {"senior", 3}, {"lead", 4}, {"staff", 5},
	{"principal", 7}, {"distinguished", 8}, {"fellow", 9}, {"manager", 10}, {"director", 12},
	{"head", 13}, {"vp", 14}, {"vice president", 14}, {"chief", 16},
}

// seniority ranks a title by its role words: "Senior" raises the role it goes with.
func seniority(title string) (float64, bool) {
	t := " " + strings.Join(strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return !(r >= 'a' && r <= 'z')
	}), " ") + " "
	rank, found, senior := 2.0, false, strings.Contains(t, " senior ")
	for _, r := range roles {
		if r.word != "senior" && strings.Contains(t, " "+r.word+" ") && (!found || r.rank > rank) {
			rank, found = r.rank, true
		}
	}
	switch {
	case found && senior:
		rank += 0.5
	case senior:
		rank = 3
	}
	return rank, true
}
