package hugo

import (
	"regexp"
	"strings"
	"unicode"
)

// A level page is read as headings and bullets:
//
//	## Core Competencies          a group; bullets straight below it are its one area ("Core")
//	## Functional Competencies    a group
//	### Management                an area of that group
//	#### Site Reliability         a track within the area
//	## Broad Indicators           time split and tenure, often a raw HTML table
//
// Any other ## or ### heading becomes an area too: an import never drops content silently.

// item is one top-level bullet with the bullets nested below it.
type item struct {
	text     string
	examples []string
}

// areaBlock is what one level says under one area heading (and track).
type areaBlock struct {
	group, area, track string
	anchor             string // the id Hugo gives the heading, for links into the level
	items              []*item
	prose              []string // paragraphs that are not bullets
	line               int
}

// levelDoc is a parsed level page.
type levelDoc struct {
	intro      []string
	blocks     []*areaBlock
	indicators []string // raw lines of the Broad Indicators section
	indLine    int
	flattened  bool // bullets nested deeper than examples were flattened
}

var (
	headingRE   = regexp.MustCompile(`^(#{1,6})[ \t]+(.*?)[ \t]*$`)
	headingAttr = regexp.MustCompile(`[ \t]*\{[#.][^{}]*\}[ \t]*$`)
	bulletRE    = regexp.MustCompile(`^([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+(.*)$`)
)

// isIndicators reports whether a heading opens the time split and tenure section.
func isIndicators(h string) bool {
	h = strings.ToLower(h)
	return strings.Contains(h, "indicator")
}

// looksLikeLevel tells a level page from other pages in a ladder's folder (an FAQ): a level has
// a competencies or indicators section.
func looksLikeLevel(body string) bool {
	for _, line := range strings.Split(dropComments(body), "\n") {
		if m := headingRE.FindStringSubmatch(strings.TrimSpace(line)); m != nil && len(m[1]) == 2 {
			h := strings.ToLower(m[2])
			if strings.Contains(h, "competenc") || isIndicators(h) {
				return true
			}
		}
	}
	return false
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

// parseLevel splits a level page (comments already dropped) into introduction, area blocks and
// indicators; convert turns a block's text into plain Markdown.
func parseLevel(title, body string, bodyStart int, convert func(string) string) *levelDoc {
	doc := &levelDoc{}
	var parts []*rawPart
	cur := &rawPart{}
	parts = append(parts, cur)
	inFence := false
	for i, line := range strings.Split(body, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
		}
		if m := headingRE.FindStringSubmatch(t); m != nil && !inFence && line == strings.TrimLeft(line, " \t") {
			lvl, h := len(m[1]), headingAttr.ReplaceAllString(m[2], "")
			h = strings.TrimSpace(strings.Trim(h, "#"))
			if lvl == 1 && strings.EqualFold(h, title) {
				continue // the title again, as some themes want it
			}
			if lvl == 1 {
				lvl = 2
			}
			// Minor headings before the first area stay in the introduction.
			if !(lvl >= 3 && len(parts) == 1) {
				cur = &rawPart{level: lvl, heading: h, line: bodyStart + i}
				parts = append(parts, cur)
				continue
			}
		}
		cur.lines = append(cur.lines, line)
	}
	doc.intro = splitLines(convert(strings.Join(parts[0].lines, "\n")))

	group, area := "", ""
	indicators := false
	for _, p := range parts[1:] {
		switch {
		case p.level == 2 && isIndicators(p.heading):
			indicators = true
			doc.indLine = p.line
			doc.indicators = append(doc.indicators, p.lines...)
			continue
		case p.level == 2:
			indicators = false
			group, area = p.heading, stripGroupWord(p.heading)
			doc.addBlock(group, area, "", p, convert)
		case indicators:
			doc.indicators = append(doc.indicators, "**"+p.heading+"**")
			doc.indicators = append(doc.indicators, p.lines...)
		case p.level == 3 || group == "":
			if group == "" {
				group = p.heading
			}
			area = p.heading
			doc.addBlock(group, area, "", p, convert)
		default:
			doc.addBlock(group, area, p.heading, p, convert)
		}
	}
	return doc
}

// rawPart is a heading with the lines below it, up to the next heading.
type rawPart struct {
	level   int
	heading string
	line    int
	lines   []string
}

func (doc *levelDoc) addBlock(group, area, track string, p *rawPart, convert func(string) string) {
	items, prose, flat := parseItems(convert(strings.Join(p.lines, "\n")))
	doc.flattened = doc.flattened || flat
	doc.blocks = append(doc.blocks, &areaBlock{
		group: group, area: area, track: track, anchor: headingID(p.heading),
		items: items, prose: prose, line: p.line,
	})
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

// parseItems reads the bullets of a block: a bullet at the block's first indent is an item,
// deeper bullets are its examples (deeper nesting is flattened into examples too), indented or
// following lines continue the line above, and other paragraphs are prose.
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
			if lastExample {
				last.examples[len(last.examples)-1] += " " + t
			} else {
				last.text += " " + t
			}
			prevBlank = false
			continue
		}
		para = append(para, t)
		last, lastExample = nil, false
		prevBlank = false
	}
	flush()
	return items, prose, flattened
}
