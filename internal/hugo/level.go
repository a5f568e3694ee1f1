package hugo

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/rungs/rungs/internal/ladder"
)

// A level page is read as headings and bullets. Which heading is a group, an area or a track is
// decided afterwards (see ladder.go): from the ladder's own YAML when the source has it, else from
// the usual shape of career-ladder pages:
//
//	## Core Competencies          a group; bullets straight below it are its one area ("Core")
//	## Functional Competencies    a group
//	### Management                an area of that group
//	#### Site Reliability         a track within the area
//	## Technology                 a group-less heading with bullets: an area
//	## Broad Indicators           time split, tenure and notes, often a raw HTML table
//
// Any other heading becomes an area too: an import never drops content silently.

// item is one top-level bullet with the bullets nested below it.
type item struct {
	text     string
	id       string // a {#id} at its end, as rungs writes it
	examples []string
}

// section is one heading of a level page and what is written below it, up to the next heading.
type section struct {
	depth   int    // 2 for ##; a page that uses # for its sections is read one deeper
	heading string // without a {#id} attribute
	id      string // the {#id} attribute, when the heading has one
	line    int
	items   []*item
	prose   []string // paragraphs that are not bullets
}

// anchor is the id Hugo gives the heading, for links into a level.
func (s *section) anchor() string {
	if s.id != "" {
		return s.id
	}
	return headingID(s.heading)
}

// levelDoc is a parsed level page.
type levelDoc struct {
	intro      []string
	sections   []*section
	indicators []string // lines of the Broad Indicators section, as written
	flattened  bool     // bullets nested deeper than examples were flattened
}

var (
	headingRE   = regexp.MustCompile(`^(#{1,6})[ \t]+(.*?)[ \t]*$`)
	headingAttr = regexp.MustCompile(`[ \t]*\{([#.][^{}]*)\}[ \t]*$`)
	bulletRE    = regexp.MustCompile(`^([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+(.*)$`)
	idCommentRE = regexp.MustCompile(`[ \t]*<!--[ \t]*#([a-z0-9][a-z0-9-]*)[ \t]*-->`)
	trailingID  = regexp.MustCompile(`[ \t]*\{#([^{}\s]+)\}[ \t]*$`)
)

// isIndicators reports whether a heading opens the time split and tenure section.
func isIndicators(h string) bool {
	return strings.Contains(strings.ToLower(h), "indicator")
}

// stripGroupWord turns "Core Competencies" into "Core", the name an area of that group goes by.
func stripGroupWord(h string) string {
	for _, suffix := range []string{" competencies", " competency", " skills"} {
		if len(h) > len(suffix) && strings.EqualFold(h[len(h)-len(suffix):], suffix) {
			return strings.TrimSpace(h[:len(h)-len(suffix)])
		}
	}
	return h
}

// hasGroupWord reports whether a heading names a group of areas ("Core Competencies").
func hasGroupWord(h string) bool {
	return stripGroupWord(h) != h
}

// idMarkers turns the "<!-- #id -->" rungs writes after a bullet in a Hugo page (where "{#id}"
// would show) into the "{#id}" of a level file, before comments are dropped.
func idMarkers(s string) string {
	return idCommentRE.ReplaceAllString(s, " {#$1}")
}

// parseLevel splits a level page (ids marked, comments dropped) into introduction, sections
// and indicators; convert turns a section's text into plain Markdown.
func parseLevel(title, body string, bodyStart int, convert func(string) string) *levelDoc {
	doc := &levelDoc{}
	type part struct {
		depth        int
		heading, id  string
		line         int
		lines        []string
		inIndicators bool
	}
	var parts []*part
	cur := &part{}
	parts = append(parts, cur)
	inFence, indicators := false, false
	for i, line := range strings.Split(body, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
		}
		if m := headingRE.FindStringSubmatch(t); m != nil && !inFence && line == strings.TrimLeft(line, " \t") {
			depth, h, id := len(m[1]), m[2], ""
			if a := headingAttr.FindStringSubmatch(h); a != nil {
				if f := strings.Fields(strings.TrimPrefix(a[1], "#")); strings.HasPrefix(a[1], "#") && len(f) > 0 {
					id = f[0]
				}
				h = h[:len(h)-len(a[0])]
			}
			h = strings.TrimSpace(strings.Trim(h, "#"))
			if depth == 1 && strings.EqualFold(h, title) {
				continue // the title again, as some themes want it
			}
			if depth == 1 {
				depth = 2
			}
			switch {
			case depth == 2 && isIndicators(h):
				indicators = true
				cur = &part{depth: depth, heading: h, line: bodyStart + i, inIndicators: true}
				parts = append(parts, cur)
				continue
			case indicators && depth > 2:
				// A heading inside the indicators section is part of its text.
				cur.lines = append(cur.lines, "**"+h+"**")
				continue
			case depth >= 3 && len(parts) == 1:
				// Minor headings before the first section stay in the introduction.
			default:
				indicators = false
				cur = &part{depth: depth, heading: h, id: id, line: bodyStart + i}
				parts = append(parts, cur)
				continue
			}
		}
		cur.lines = append(cur.lines, line)
	}
	doc.intro = splitLines(convert(strings.Join(parts[0].lines, "\n")))
	for _, p := range parts[1:] {
		if p.inIndicators {
			doc.indicators = append(doc.indicators, p.lines...)
			continue
		}
		items, prose, flat := parseItems(convert(strings.Join(p.lines, "\n")))
		doc.flattened = doc.flattened || flat
		doc.sections = append(doc.sections, &section{depth: p.depth, heading: p.heading, id: p.id, line: p.line, items: items, prose: prose})
	}
	return doc
}

// headingID is the id Hugo gives a heading by default (GitHub style), so links to a section of
// a level can be pointed at the right area.
func headingID(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func splitLines(s string) []string {
	s = strings.Trim(collapseBlank(s), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// parseItems reads the bullets of a section: a bullet at the section's first indent is an item,
// deeper bullets are its examples (deeper nesting is flattened into examples too), indented or
// following lines continue the line above, and other paragraphs are prose. A "{#id}" at the end
// of an item is its id.
func parseItems(text string) (items []*item, prose []string, flattened bool) {
	base, exIndent := -1, -1
	var last *item
	lastExample := false
	var para []string
	flush := func() {
		if len(para) > 0 {
			prose = append(prose, strings.Join(para, "\n"))
			para = nil
		}
	}
	prevBlank := true
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			flush()
			prevBlank = true
			continue
		}
		indent := len(strings.ReplaceAll(line[:len(line)-len(strings.TrimLeft(line, " \t"))], "\t", "    "))
		if m := bulletRE.FindStringSubmatch(line); m != nil && len(para) == 0 {
			content := strings.TrimSpace(m[2])
			switch {
			case base < 0 || indent <= base || last == nil:
				if base < 0 || indent < base {
					base = indent
				}
				last = &item{text: content}
				items = append(items, last)
				exIndent, lastExample = -1, false
			default:
				if exIndent < 0 {
					exIndent = indent
				} else if indent > exIndent {
					flattened = true
				}
				last.examples = append(last.examples, content)
				lastExample = true
			}
			prevBlank = false
			continue
		}
		t := strings.TrimSpace(line)
		if last != nil && (indent > base || !prevBlank) && len(para) == 0 {
			// A bullet is one line in a framework, so a hard line break in it becomes a space.
			if lastExample {
				ex := &last.examples[len(last.examples)-1]
				*ex = strings.TrimSuffix(*ex, "\\") + " " + t
			} else {
				last.text = strings.TrimSuffix(last.text, "\\") + " " + t
			}
			prevBlank = false
			continue
		}
		para = append(para, t)
		last, lastExample = nil, false
		prevBlank = false
	}
	flush()
	for _, it := range items {
		if m := trailingID.FindStringSubmatchIndex(it.text); m != nil && ladder.ValidID(it.text[m[2]:m[3]]) {
			it.id = it.text[m[2]:m[3]]
			it.text = strings.TrimSpace(it.text[:m[0]])
		}
	}
	return items, prose, flattened
}
