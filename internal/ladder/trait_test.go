package ladder

import (
	"regexp"
	"strings"
	"testing"
)

// traitRE is how SplitTrait used to read a trait, and the definition it keeps to.
var traitRE = regexp.MustCompile(`^\*\*([^*]+?)\*\*[ \t]*:?[ \t]*(.*)$`)

func splitTraitRE(s string) (name, text string, ok bool) {
	m := traitRE.FindStringSubmatch(s)
	if m == nil {
		return "", "", false
	}
	name = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(m[1]), ":"))
	return name, m[2], name != ""
}

var traitCases = []string{
	"**Curious**: asks why.", "**Curious:** asks why.", "**Curious** asks why.", "**Curious**",
	"**Curious**:: two colons", "**Curious** \t : \t spaced", "** **: blank name", "**:**: colon name",
	"****: empty", "***: three", "**a*b**: star inside", "**a** *b*: emphasis after", "*one* star",
	"no bold", "", "**", "**unclosed", "**Name**: two\nlines", "**Two\nline name**: text",
	"**Name**: ends with CR\r", " **Name**: leading space", "**Naïve**: é \xff bytes",
}

// TestSplitTrait: SplitTrait reads every trait as the regular expression it replaced did.
func TestSplitTrait(t *testing.T) {
	for _, s := range traitCases {
		gn, gt, gok := SplitTrait(s)
		wn, wt, wok := splitTraitRE(s)
		if gn != wn || gt != wt || gok != wok {
			t.Errorf("%q: (%q, %q, %v), want (%q, %q, %v)", s, gn, gt, gok, wn, wt, wok)
		}
	}
}

func FuzzSplitTrait(f *testing.F) {
	for _, s := range traitCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		gn, gt, gok := SplitTrait(s)
		wn, wt, wok := splitTraitRE(s)
		if gn != wn || gt != wt || gok != wok {
			t.Errorf("%q: (%q, %q, %v), want (%q, %q, %v)", s, gn, gt, gok, wn, wt, wok)
		}
	})
}
