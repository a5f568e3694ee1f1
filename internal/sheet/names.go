package sheet

import (
	"strconv"
	"strings"
)

// The sheets beside the ladders, which hold the rest of the framework so that an export reads
// back without loss. A spreadsheet made by hand needs none of them.
const (
	sheetFramework = "Framework"
	sheetScale     = "Scale"
	sheetPages     = "Pages"
	sheetCrosswalk = "Crosswalk"
	sheetLadders   = "Ladders"
	sheetAreas     = "Areas"
	sheetTracks    = "Tracks"
	sheetLevels    = "Levels" // point thresholds of a milestones sheet
)

var reservedSheets = []string{sheetFramework, sheetScale, sheetPages, sheetCrosswalk, sheetLadders, sheetAreas, sheetTracks, sheetLevels}

func reserved(name string) bool {
	for _, r := range reservedSheets {
		if strings.EqualFold(r, name) {
			return true
		}
	}
	return false
}

// Labels of the level rows at the top of a matrix sheet, in the Area column.
const (
	rowLevelID   = "Level id"
	rowCode      = "Code"
	rowSummary   = "Summary"
	rowTenure    = "Tenure (years)"
	rowTimeSplit = "Time split: "
	rowIntro     = "Introduction"
	rowNotes     = "Indicator notes"
)

// levelRowKind tells which level row a label names, or "" when it names none.
func levelRowKind(label string) (kind, area string) {
	l := strings.ToLower(strings.TrimSpace(label))
	switch l {
	case "level id", "id":
		return rowLevelID, ""
	case "code", "level code":
		return rowCode, ""
	case "summary", "level summary":
		return rowSummary, ""
	case "tenure", "tenure (years)", "years":
		return rowTenure, ""
	case "introduction", "intro":
		return rowIntro, ""
	case "indicator notes":
		return rowNotes, ""
	}
	for _, p := range []string{"time split:", "time split -", "time split", "time:"} {
		if rest, ok := strings.CutPrefix(l, p); ok && strings.TrimSpace(rest) != "" {
			return rowTimeSplit, strings.TrimSpace(label[len(label)-len(rest):])
		}
	}
	return "", ""
}

// sheetName makes a valid, unused xlsx sheet name (at most 31 characters, none of []:*?/\) from
// a title.
func sheetName(title string, used map[string]bool) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return ' '
		}
		return r
	}, title)
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		name = "Ladder"
	}
	base := truncate(name, 31)
	name = base
	for n := 2; used[strings.ToLower(name)] || reserved(name); n++ {
		suffix := " (" + strconv.Itoa(n) + ")"
		name = truncate(base, 31-len(suffix)) + suffix
	}
	used[strings.ToLower(name)] = true
	return name
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return strings.TrimSpace(string(r))
}
