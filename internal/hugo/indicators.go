package hugo

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/rungs/rungs/internal/ladder"
)

// The Broad Indicators section of a level holds its time split ("Core: ~50-65%") and tenure
// ("~2-3 years"), usually as a raw HTML table, sometimes as a Markdown table or a list.

var (
	splitRE  = regexp.MustCompile(`^(.+?)\s*[:=–-]\s*~?\s*(\d+(?:\.\d+)?)\s*%?\s*(?:(?:-|–|to)\s*~?\s*(\d+(?:\.\d+)?)\s*)?%\s*$`)
	yearsRE  = regexp.MustCompile(`(?i)~?\s*(\d+(?:\.\d+)?)\s*(?:(-|–|to)\s*(\d+(?:\.\d+)?)|(\+))?\s*\+?\s*(?:years?|yrs?)\b`)
	tableRE  = regexp.MustCompile(`(?is)<table.*?</table>`)
	tagRE    = regexp.MustCompile(`<[^>]+>`)
	digitsRE = regexp.MustCompile(`\d`)
	sepRowRE = regexp.MustCompile(`^\|?[\s:|-]+\|?$`)
)

// indicator is one time split entry as written.
type indicator struct {
	name string
	rng  ladder.Range
	text string
}

// parseIndicators reads the section's lines into time split entries, a tenure, and the text it
// could not read (reported, and kept in the level's introduction).
func parseIndicators(lines []string) (splits []indicator, tenure *ladder.Range, rest []string) {
	text := strings.Join(lines, "\n")
	var entries []string
	for _, t := range tableRE.FindAllString(text, -1) {
		for _, row := range tableCells(t) {
			for _, cell := range row {
				entries = append(entries, strings.Split(cell, "\n")...)
			}
		}
	}
	body := strings.Split(tableRE.ReplaceAllString(text, "\n"), "\n")
	for i, line := range body {
		t := strings.TrimSpace(tagRE.ReplaceAllString(line, ""))
		if t == "" || sepRowRE.MatchString(t) {
			continue
		}
		if i+1 < len(body) && strings.HasPrefix(t, "|") && sepRowRE.MatchString(strings.TrimSpace(body[i+1])) {
			continue // a Markdown table's header row names columns, not indicators
		}
		if strings.HasPrefix(t, "|") {
			var cells []string
			for _, c := range strings.Split(strings.Trim(t, "|"), "|") {
				if c = strings.TrimSpace(c); c != "" {
					cells = append(cells, c)
				}
			}
			if len(cells) == 2 && !strings.Contains(cells[0], ":") && !digitsRE.MatchString(cells[0]) {
				entries = append(entries, cells[0]+": "+cells[1])
			} else {
				entries = append(entries, cells...)
			}
			continue
		}
		if m := bulletRE.FindStringSubmatch(t); m != nil {
			t = m[2]
		}
		entries = append(entries, t)
	}
	for _, e := range entries {
		e = strings.TrimSpace(strings.ReplaceAll(stripBold(e), "&nbsp;", " "))
		if e == "" {
			continue
		}
		if m := splitRE.FindStringSubmatch(e); m != nil {
			lo, _ := strconv.ParseFloat(m[2], 64)
			r := ladder.Range{Min: lo, Max: &lo}
			if m[3] != "" {
				hi, _ := strconv.ParseFloat(m[3], 64)
				r.Max = &hi
			}
			splits = append(splits, indicator{name: strings.TrimSpace(m[1]), rng: r, text: e})
			continue
		}
		if m := yearsRE.FindStringSubmatch(e); m != nil && tenure == nil {
			lo, _ := strconv.ParseFloat(m[1], 64)
			r := ladder.Range{Min: lo, Max: &lo}
			switch {
			case m[3] != "":
				hi, _ := strconv.ParseFloat(m[3], 64)
				r.Max = &hi
			case m[4] != "" || strings.Contains(e, "+"):
				r.Max = nil
			}
			tenure = &r
			continue
		}
		if !digitsRE.MatchString(e) && !strings.Contains(e, ":") && len(strings.Fields(e)) <= 4 {
			continue // a label such as "Time split" or "Tenure"
		}
		rest = append(rest, e)
	}
	return splits, tenure, rest
}
