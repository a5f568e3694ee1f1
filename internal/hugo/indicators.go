package hugo

import (
	"regexp"
	"strings"

	"github.com/rungs/rungs/internal/ladder"
)

// The Broad Indicators section of a level holds its time split ("Core: ~50-65%") and tenure
// ("~2-3 years"), as a raw HTML table, a Markdown table or a list, often with notes around them:
// a sentence on how to read them, a label for a row of the table, a caveat under the tenure.
// The values become the level's time split and tenure; everything else is kept, in the order it
// was written, as the level's indicator notes. A table's header cells name its columns and are
// not kept.

var (
	rangeText = `~?\s*\d+(?:\.\d+)?\s*(?:(?:-|–|—|to)\s*~?\s*\d+(?:\.\d+)?|\+)?`
	splitRE   = regexp.MustCompile(`^(.+?)\s*[:=–—-]\s*(` + rangeText + `)\s*%\s*$`)
	tenureRE  = regexp.MustCompile(`(?i)^(?:([^:=]*?\pL[^:=]*?)\s*[:=]\s*)?(` + rangeText + `)\s*\+?\s*(?:years?|yrs?)\.?$`)
	tableRE   = regexp.MustCompile(`(?is)<table.*?</table>`)
	digitsRE  = regexp.MustCompile(`\d`)
	sepRowRE  = regexp.MustCompile(`^\|?[\s:|-]+\|?$`)
	toRE      = regexp.MustCompile(`\s*(?:–|—|\bto\b)\s*`)
)

// indicator is one entry of the section: a time split, a tenure or a note.
type indicator struct {
	area   string        // the area a time split names, as written
	split  *ladder.Range // set for a time split
	tenure *ladder.Range // set for a tenure
	text   string        // the entry as Markdown; the note itself for a note
}

// readIndicators reads the section's lines, as written, into entries in their order; convert
// turns text outside HTML tables into plain Markdown.
func readIndicators(lines []string, convert func(string) string) []indicator {
	text := strings.Join(lines, "\n")
	var out []indicator
	pos := 0
	for _, loc := range tableRE.FindAllStringIndex(text, -1) {
		out = append(out, markdownIndicators(convert(text[pos:loc[0]]))...)
		for _, row := range htmlTableRows(text[loc[0]:loc[1]]) {
			out = append(out, rowIndicators(row)...)
		}
		pos = loc[1]
	}
	return append(out, markdownIndicators(convert(text[pos:]))...)
}

// value reads one entry as a time split or a tenure; ok is false for anything else.
func value(s string) (indicator, bool) {
	t := strings.TrimSpace(strings.ReplaceAll(stripBold(s), "&nbsp;", " "))
	if m := splitRE.FindStringSubmatch(t); m != nil {
		if r, err := parseValue(m[2]); err == nil {
			return indicator{area: strings.TrimSpace(m[1]), split: &r, text: s}, true
		}
	}
	if m := tenureRE.FindStringSubmatch(t); m != nil {
		if r, err := parseValue(m[2]); err == nil {
			return indicator{tenure: &r, text: s}, true
		}
	}
	return indicator{}, false
}

func parseValue(s string) (ladder.Range, error) {
	return ladder.ParseRange(strings.Join(strings.Fields(toRE.ReplaceAllString(s, "-")), ""))
}

func note(s string) indicator {
	return indicator{text: s}
}

// markdownIndicators reads Markdown: list items and paragraphs that are values become entries,
// other blocks are kept as notes as they are (a run of other list items stays a list), and the
// rows of a pipe table are read as a table's.
func markdownIndicators(md string) []indicator {
	var out []indicator
	for _, block := range strings.Split(strings.Trim(collapseBlank(md), "\n"), "\n\n") {
		lines := strings.Split(block, "\n")
		switch {
		case strings.TrimSpace(block) == "":
		case strings.HasPrefix(strings.TrimSpace(lines[0]), "|"):
			for i, line := range lines {
				t := strings.TrimSpace(line)
				if sepRowRE.MatchString(t) || (i+1 < len(lines) && sepRowRE.MatchString(strings.TrimSpace(lines[i+1]))) {
					continue // the separator, and the header row above it
				}
				var cells []string
				for _, c := range strings.Split(strings.Trim(t, "|"), "|") {
					cells = append(cells, strings.TrimSpace(strings.ReplaceAll(c, "<br>", "\n")))
				}
				out = append(out, rowIndicators(cells)...)
			}
		case bulletRE.MatchString(lines[0]):
			out = append(out, listIndicators(lines)...)
		default:
			if v, ok := value(strings.Join(strings.Fields(block), " ")); ok {
				out = append(out, v)
			} else {
				out = append(out, note(block))
			}
		}
	}
	return out
}

// listIndicators reads a list: each item that is a value is an entry, and each run of other items
// is one note, still a list.
func listIndicators(lines []string) []indicator {
	var out []indicator
	var run, itemLines []string
	flushItem := func() {
		if len(itemLines) == 0 {
			return
		}
		m := bulletRE.FindStringSubmatch(itemLines[0])
		if v, ok := value(strings.Join(strings.Fields(m[2]+" "+strings.Join(itemLines[1:], " ")), " ")); ok && len(itemLines) == 1 {
			if len(run) > 0 {
				out = append(out, note(strings.Join(run, "\n")))
				run = nil
			}
			out = append(out, v)
		} else {
			run = append(run, itemLines...)
		}
		itemLines = nil
	}
	for _, line := range lines {
		if m := bulletRE.FindStringSubmatch(line); m != nil && m[1] == "" {
			flushItem()
		}
		itemLines = append(itemLines, line)
	}
	flushItem()
	if len(run) > 0 {
		out = append(out, note(strings.Join(run, "\n")))
	}
	return out
}

// rowIndicators reads one row of a table. A row of a label and a value ("Core" | "~40-50%")
// reads as "Core: ~40-50%"; otherwise each cell is read on its own: its lines that are values
// become entries, and the rest of it is a note, its lines kept apart by hard line breaks.
func rowIndicators(cells []string) []indicator {
	var kept []string
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			kept = append(kept, c)
		}
	}
	if len(kept) == 2 && !strings.Contains(kept[0], "\n") && !strings.Contains(kept[0], ":") && !digitsRE.MatchString(kept[0]) &&
		!strings.Contains(kept[1], ":") {
		joined := stripBold(kept[0]) + ": " + kept[1]
		if v, ok := value(joined); ok {
			return []indicator{v}
		}
		if !strings.Contains(kept[1], "\n") {
			return []indicator{note(joined)}
		}
	}
	var out []indicator
	for _, c := range kept {
		var rest []string
		for _, line := range strings.Split(c, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			if v, ok := value(line); ok {
				if len(rest) > 0 {
					out = append(out, note(strings.Join(rest, "\\\n")))
					rest = nil
				}
				out = append(out, v)
				continue
			}
			rest = append(rest, line)
		}
		if len(rest) > 0 {
			out = append(out, note(strings.Join(rest, "\\\n")))
		}
	}
	return out
}
