package ladder

import (
	"regexp"
	"strconv"
	"strings"
)

var (
	mdLinkText = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	wordRE     = regexp.MustCompile(`[a-z0-9]+`)
)

// stopWords carry no meaning in an id; leaving them out keeps ids short and readable.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "to": true, "and": true, "or": true,
	"for": true, "in": true, "on": true, "with": true, "by": true, "at": true, "as": true,
	"is": true, "are": true, "be": true, "it": true, "its": true, "their": true, "that": true,
	"from": true, "into": true, "this": true, "s": true,
}

// newID makes a readable id from an expectation's text: its first few meaningful words, or a
// trait's name. It never returns an id already in taken, and adds the one it returns.
func newID(text string, taken map[string]bool) string {
	return uniqueID(idBase(text), 40, "expectation", taken)
}

// idBase is the id an expectation's text suggests, before it is made unique.
func idBase(text string) string {
	if name, _, ok := SplitTrait(text); ok {
		text = name
	}
	text = mdLinkText.ReplaceAllString(text, "$1")
	var words []string
	for _, w := range wordRE.FindAllString(strings.ToLower(text), -1) {
		if stopWords[w] {
			continue
		}
		if n := len(strings.Join(append(words, w), "-")); n > 40 && len(words) > 0 {
			break
		}
		words = append(words, w)
		if len(words) == 4 {
			break
		}
	}
	return strings.Join(words, "-")
}

// uniqueID cuts base to at most limit bytes (fallback when nothing is left), then numbers it
// until it is not in taken, and adds it there (when taken is not nil).
func uniqueID(base string, limit int, fallback string, taken map[string]bool) string {
	if len(base) > limit {
		base = strings.Trim(base[:limit], "-")
	}
	if base == "" {
		base = fallback
	}
	id := base
	for n := 2; taken[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	if taken != nil {
		taken[id] = true
	}
	return id
}

// idSuffixAnywhere matches an id marker at the end of any line.
var idSuffixAnywhere = regexp.MustCompile(`(?m)[ \t]*\{#[^{}]*\}[ \t]*$`)
