package sheet

import (
	"regexp"
	"strings"

	"github.com/rungs/rungs/internal/ladder"
)

var (
	bulletRE = regexp.MustCompile(`^([ \t\x{00a0}]*)(?:[-*+•‣◦▪–]|\d{1,3}[.)])[ \t]+(.*)$`)
	cellID   = regexp.MustCompile(`[ \t]*\{#([^{}]*)\}[ \t]*$`)
)

// cellItem is one expectation read from a cell.
type cellItem struct {
	text     string
	id       string
	examples []string
}

// parseCell reads a cell holding expectations, one per line: a bullet or a plain line starts an
// expectation, an indented bullet is an example of the one above, an indented plain line
// continues the line above. It returns a message when the cell cannot be read.
func parseCell(text string) ([]*cellItem, string) {
	var items []*cellItem
	lastWasExample := false
	for _, raw := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		indent, content, isBullet := 0, strings.TrimSpace(raw), false
		if m := bulletRE.FindStringSubmatch(raw); m != nil {
			indent, content, isBullet = len(m[1]), strings.TrimSpace(m[2]), true
		} else {
			indent = len(raw) - len(strings.TrimLeft(raw, " \t\u00a0"))
		}
		switch {
		case indent == 0:
			it := &cellItem{text: content}
			if m := cellID.FindStringSubmatchIndex(content); m != nil {
				it.id = content[m[2]:m[3]]
				it.text = strings.TrimSpace(content[:m[0]])
				if !ladder.ValidID(it.id) {
					return nil, "bad id {#" + it.id + "}: use lowercase letters, digits and dashes (at most 64), starting with a letter or digit"
				}
			}
			if it.text == "" {
				return nil, "a line holds an id but no expectation"
			}
			items = append(items, it)
			lastWasExample = false
		case len(items) == 0:
			return nil, "an indented line must follow an expectation: \"" + content + "\""
		case isBullet:
			it := items[len(items)-1]
			it.examples = append(it.examples, content)
			lastWasExample = true
		case lastWasExample:
			it := items[len(items)-1]
			it.examples[len(it.examples)-1] += " " + content
		default:
			it := items[len(items)-1]
			it.text += " " + content
		}
	}
	return items, ""
}

// listLines reads a cell holding a plain list (signals, examples): one entry per line, bullets
// optional, indented lines continuing the entry above.
func listLines(text string) []string {
	var out []string
	for _, raw := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(raw)
		if t == "" {
			continue
		}
		if m := bulletRE.FindStringSubmatch(raw); m != nil {
			out = append(out, strings.TrimSpace(m[2]))
			continue
		}
		if raw != strings.TrimLeft(raw, " \t") && len(out) > 0 {
			out[len(out)-1] += " " + t
			continue
		}
		out = append(out, t)
	}
	return out
}
