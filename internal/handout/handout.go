// Package handout writes a ladder as one readable Markdown document, to share, print or paste
// into a wiki: every level with its summary, tenure, time split and expectations, in order.
package handout

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/rungs/rungs/internal/ladder"
)

// Documents returns one handout per ladder, named <ladder id>.md, in the framework's order.
func Documents(f *ladder.Framework) ([]string, map[string][]byte) {
	var names []string
	docs := map[string][]byte{}
	for _, ld := range f.Ladders {
		name := ld.ID + ".md"
		names = append(names, name)
		docs[name] = Document(f, ld)
	}
	return names, docs
}

// Document is the handout for one ladder.
func Document(f *ladder.Framework, ld *ladder.Ladder) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", ld.Title)
	if by := firstNonEmpty(f.Organisation, f.Title); by != "" {
		fmt.Fprintf(&b, "*%s*\n\n", by)
	}
	if ld.Summary != "" {
		b.WriteString(ld.Summary + "\n\n")
	}
	if ld.Description != "" {
		b.WriteString(plainLinks(strings.TrimSpace(ld.Description)) + "\n\n")
	}
	if ref := ld.BranchesFrom; ref != nil {
		if other := f.Ladder(ref.Ladder); other != nil && other.Level(ref.Level) != nil {
			fmt.Fprintf(&b, "This ladder starts beside %s on the %s ladder.\n\n", other.Level(ref.Level).Title, other.Title)
		}
	}

	b.WriteString("## Levels\n\n| Level | Code | Tenure (years) | Summary |\n| --- | --- | --- | --- |\n")
	for _, lv := range ld.Levels {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s |\n", cell(lv.Title), anchor(lv), cell(lv.Code), tenure(lv), cell(lv.Summary))
	}
	b.WriteString("\n## Areas\n")
	for _, g := range ld.Groups {
		fmt.Fprintf(&b, "\n### %s\n\n", g.Title)
		for _, a := range g.Areas {
			fmt.Fprintf(&b, "- **%s**", a.Title)
			if a.Description != "" {
				b.WriteString(": " + strings.Join(strings.Fields(a.Description), " "))
			}
			b.WriteString("\n")
		}
	}
	if len(ld.Tracks) > 0 {
		b.WriteString("\n### Tracks\n\n")
		for _, t := range ld.Tracks {
			fmt.Fprintf(&b, "- **%s**", t.Title)
			if t.Summary != "" {
				b.WriteString(": " + t.Summary)
			}
			b.WriteString("\n")
		}
	}
	for _, lv := range ld.Levels {
		level(&b, f, ld, lv)
	}
	return []byte(strings.TrimRight(b.String(), "\n") + "\n")
}

func level(b *strings.Builder, f *ladder.Framework, ld *ladder.Ladder, lv *ladder.Level) {
	fmt.Fprintf(b, "\n## %s\n\n", heading(lv))
	if lv.Summary != "" {
		fmt.Fprintf(b, "*%s*\n\n", lv.Summary)
	}
	var facts []string
	if t := tenure(lv); t != "" {
		facts = append(facts, "**Tenure:** "+t+" years")
	}
	if len(lv.TimeSplit) > 0 {
		var parts []string
		for _, ts := range lv.TimeSplit {
			if a := ld.Area(ts.Area); a != nil {
				parts = append(parts, fmt.Sprintf("%s %s%%", a.Title, ts.Range))
			}
		}
		facts = append(facts, "**Time split:** "+strings.Join(parts, ", "))
	}
	for _, eq := range ld.Equivalences {
		if eq.Level == lv.ID {
			if o := f.Ladder(eq.Equals.Ladder); o != nil && o.Level(eq.Equals.Level) != nil {
				facts = append(facts, fmt.Sprintf("**Equal to:** %s (%s)", o.Level(eq.Equals.Level).Title, o.Title))
			}
		}
	}
	if len(facts) > 0 {
		b.WriteString(strings.Join(facts, "  \n") + "\n\n")
	}
	if lv.IndicatorNotes != "" {
		b.WriteString(demote(plainLinks(lv.IndicatorNotes)) + "\n\n")
	}
	if lv.Intro != "" {
		b.WriteString(demote(plainLinks(lv.Intro)) + "\n\n")
	}
	for _, la := range lv.Areas {
		a := ld.Area(la.Area)
		if a == nil || len(la.Expectations) == 0 {
			continue
		}
		fmt.Fprintf(b, "### %s\n\n", a.Title)
		track := ""
		for _, e := range la.Expectations {
			if e.Track != track {
				track = e.Track
				if t := ld.Track(track); t != nil {
					fmt.Fprintf(b, "\n*%s only:*\n\n", t.Title)
				}
			}
			text := plainLinks(e.Text)
			if a.Kind == ladder.KindTraits {
				text = "**" + e.Name + "**: " + text
			}
			b.WriteString("- " + text + "\n")
			for _, ex := range e.Examples {
				b.WriteString("  - " + plainLinks(ex) + "\n")
			}
		}
		b.WriteString("\n")
	}
}

func tenure(lv *ladder.Level) string {
	if lv.Tenure.IsZero() {
		return ""
	}
	return lv.Tenure.String()
}

// heading is the level's title with its code, when it has one.
func heading(lv *ladder.Level) string {
	if lv.Code == "" {
		return lv.Title
	}
	return fmt.Sprintf("%s (%s)", lv.Title, lv.Code)
}

var (
	relLinkRE   = regexp.MustCompile(`\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(([^()\s]+)\)`)
	schemeRE    = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
	headingRE   = regexp.MustCompile(`(?m)^(#{1,3})[ \t]`)
	anchorStrip = regexp.MustCompile(`[^a-z0-9 -]`)
)

// plainLinks keeps links to the web and turns links between framework files, which mean
// nothing in a single document, into their text.
func plainLinks(s string) string {
	return relLinkRE.ReplaceAllStringFunc(s, func(m string) string {
		g := relLinkRE.FindStringSubmatch(m)
		if schemeRE.MatchString(g[2]) {
			return m
		}
		return g[1]
	})
}

// demote keeps an introduction's headings below the level's own.
func demote(s string) string {
	return headingRE.ReplaceAllString(s, "####$1 ")
}

// anchor is the id Markdown renderers (GitHub, most wikis) give the level's heading.
func anchor(lv *ladder.Level) string {
	h := strings.ToLower(heading(lv))
	return strings.ReplaceAll(anchorStrip.ReplaceAllString(h, ""), " ", "-")
}

func cell(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
