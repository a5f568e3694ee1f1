package changes

import (
	"fmt"
	"io"
	"strings"
)

// ANSI colours for a terminal; WriteText uses them only when asked.
const (
	red    = "\x1b[31m"
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

// style colours text for a terminal, or leaves it plain.
type style bool

func (s style) c(code, text string) string {
	if !s {
		return text
	}
	return code + text + reset
}

// words renders a word diff: [-removed-]{+added+} in plain text, red and green in colour.
func (s style) words(ws []Word) string {
	var parts []string
	for _, w := range ws {
		switch w.Op {
		case "-":
			if s {
				parts = append(parts, red+"[-"+w.Text+"-]"+reset)
			} else {
				parts = append(parts, "[-"+w.Text+"-]")
			}
		case "+":
			if s {
				parts = append(parts, green+"{+"+w.Text+"+}"+reset)
			} else {
				parts = append(parts, "{+"+w.Text+"+}")
			}
		default:
			parts = append(parts, w.Text)
		}
	}
	return strings.Join(parts, " ")
}

// WriteText writes the diff for a terminal, indented by ladder, level and area, in colour when
// color is true. An empty diff writes "No changes.".
func WriteText(w io.Writer, d *Diff, color bool) {
	s := style(color)
	if d.Empty() {
		fmt.Fprintln(w, "No changes.")
		return
	}
	for _, f := range d.Framework {
		fmt.Fprintf(w, "framework %s: %s\n", f.Name, fromTo(f))
	}
	for _, it := range d.Scale {
		writeItem(w, s, "", "rating", it)
	}
	for _, it := range d.Crosswalk {
		writeItem(w, s, "", "title", it)
	}
	for _, o := range d.Orders {
		fmt.Fprintf(w, "%s\n", orderText(o))
	}
	for _, lc := range d.Ladders {
		switch lc.Change {
		case Added, Removed:
			fmt.Fprintf(w, "%s ladder %s (%s), %s\n", mark(s, lc.Change), lc.ID, lc.Title, plural(len(lc.Levels), "level"))
			continue
		}
		fmt.Fprintln(w, s.c(bold, fmt.Sprintf("ladder %s (%s)", lc.ID, lc.Title)))
		for _, f := range lc.Fields {
			fmt.Fprintf(w, "  %s: %s\n", f.Name, fromTo(f))
		}
		for _, it := range lc.Groups {
			writeItem(w, s, "  ", "group", it)
		}
		for _, it := range lc.Areas {
			writeItem(w, s, "  ", "area", it)
		}
		for _, it := range lc.Tracks {
			writeItem(w, s, "  ", "track", it)
		}
		for _, it := range lc.Equivalences {
			writeItem(w, s, "  ", "equivalence", it)
		}
		for _, o := range lc.Orders {
			fmt.Fprintf(w, "  %s\n", orderText(o))
		}
		for _, lv := range lc.Levels {
			switch lv.Change {
			case Added, Removed:
				fmt.Fprintf(w, "  %s level %s (%s), %s\n", mark(s, lv.Change), lv.ID, lv.Title, plural(lv.Expectations, "expectation"))
				continue
			}
			fmt.Fprintf(w, "  %s level %s (%s)\n", mark(s, Changed), lv.ID, lv.Title)
			if lv.OldID != "" {
				fmt.Fprintf(w, "      renamed from %s\n", lv.OldID)
			}
			for _, f := range lv.Fields {
				fmt.Fprintf(w, "      %s: %s\n", f.Name, fromTo(f))
			}
			if lv.Tenure != nil {
				fmt.Fprintf(w, "      tenure: %s\n", fromTo(*lv.Tenure))
			}
			for _, ts := range lv.TimeSplit {
				fmt.Fprintf(w, "      time split %s: %s\n", ts.Name, fromTo(ts))
			}
			for _, o := range lv.Orders {
				fmt.Fprintf(w, "      %s\n", orderText(o))
			}
			for _, ac := range lv.Areas {
				fmt.Fprintf(w, "      %s%s\n", ac.Title, sectionNote(ac))
				for _, e := range ac.Added {
					fmt.Fprintf(w, "        %s %s {#%s}%s\n", mark(s, Added), e.Text, e.ID, track(e.Track))
				}
				for _, e := range ac.Removed {
					fmt.Fprintf(w, "        %s %s {#%s}%s\n", mark(s, Removed), e.Text, e.ID, track(e.Track))
				}
				for _, e := range ac.Changed {
					text := e.New
					if len(e.Words) > 0 {
						text = s.words(e.Words)
					}
					fmt.Fprintf(w, "        %s {#%s} %s\n", mark(s, Changed), e.ID, text)
					if e.MovedFrom != "" {
						fmt.Fprintf(w, "            moved from area %s\n", e.MovedFrom)
					}
					for _, n := range e.Notes {
						fmt.Fprintf(w, "            %s\n", n)
					}
				}
			}
		}
	}
	for _, p := range d.Pages {
		what := ""
		if p.Change == Changed {
			var names []string
			for _, f := range p.Fields {
				names = append(names, f.Name)
			}
			what = ": " + strings.Join(names, " and ") + " changed"
		}
		fmt.Fprintf(w, "%s page %s (%s)%s\n", mark(s, p.Change), p.ID, p.Title, what)
	}
}

// writeItem writes one added, removed or changed item, with its changed values below it.
func writeItem(w io.Writer, s style, indent, kind string, it Item) {
	fmt.Fprintf(w, "%s%s %s %s%s\n", indent, mark(s, it.Change), kind, it.ID, itemTitles(it))
	for _, f := range it.Fields {
		fmt.Fprintf(w, "%s    %s: %s\n", indent, f.Name, fromTo(f))
	}
}

func orderText(o Order) string {
	return fmt.Sprintf("%s reordered: %s -> %s", o.What, strings.Join(o.Old, ", "), strings.Join(o.New, ", "))
}

func sectionNote(ac *AreaChange) string {
	switch ac.Section {
	case Added:
		return " (section added)"
	case Removed:
		return " (section removed)"
	}
	return ""
}

func mark(s style, change string) string {
	switch change {
	case Added:
		return s.c(green, "+")
	case Removed:
		return s.c(red, "-")
	}
	return s.c(yellow, "~")
}

func fromTo(f Field) string {
	return quoteOrNone(f.Old) + " -> " + quoteOrNone(f.New)
}

func quoteOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	if len(s) > 80 || strings.Contains(s, "\n") {
		return fmt.Sprintf("%q...", firstLine(s, 60))
	}
	return fmt.Sprintf("%q", s)
}

func firstLine(s string, n int) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > n {
		s = string(r[:n])
	}
	return s
}

func itemTitles(it Item) string {
	switch {
	case it.Change == Added && it.New != "":
		return fmt.Sprintf(" (%s)", it.New)
	case it.Change == Removed && it.Old != "":
		return fmt.Sprintf(" (%s)", it.Old)
	case it.Change == Changed && it.Old != it.New:
		return fmt.Sprintf(" renamed %q -> %q", it.Old, it.New)
	}
	return ""
}

func track(t string) string {
	if t == "" {
		return ""
	}
	return " [" + t + "]"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Markdown renders the diff as a Markdown document: a section per ladder, a list per level, and
// changed words struck through (removed) or in bold (added).
func Markdown(d *Diff) string {
	var b strings.Builder
	if d.Empty() {
		return "No changes.\n"
	}
	for _, f := range d.Framework {
		fmt.Fprintf(&b, "- Framework %s: %s\n", f.Name, mdFromTo(f))
	}
	for _, it := range d.Scale {
		mdItem(&b, "Rating", it)
	}
	for _, it := range d.Crosswalk {
		mdItem(&b, "Title", it)
	}
	for _, o := range d.Orders {
		fmt.Fprintf(&b, "- %s\n", mdOrder(o))
	}
	for _, lc := range d.Ladders {
		switch lc.Change {
		case Added, Removed:
			fmt.Fprintf(&b, "\n## %s (ladder %s)\n\n", lc.Title, lc.Change)
			for _, lv := range lc.Levels {
				fmt.Fprintf(&b, "- %s\n", lv.Title)
			}
			continue
		}
		fmt.Fprintf(&b, "\n## %s\n\n", lc.Title)
		for _, f := range lc.Fields {
			fmt.Fprintf(&b, "- Ladder %s: %s\n", f.Name, mdFromTo(f))
		}
		for _, it := range lc.Groups {
			mdItem(&b, "Group", it)
		}
		for _, it := range lc.Areas {
			mdItem(&b, "Area", it)
		}
		for _, it := range lc.Tracks {
			mdItem(&b, "Track", it)
		}
		for _, it := range lc.Equivalences {
			mdItem(&b, "Equivalence", it)
		}
		for _, o := range lc.Orders {
			fmt.Fprintf(&b, "- %s\n", mdOrder(o))
		}
		for _, lv := range lc.Levels {
			switch lv.Change {
			case Added, Removed:
				fmt.Fprintf(&b, "\n### %s (level %s, %s)\n", lv.Title, lv.Change, plural(lv.Expectations, "expectation"))
				continue
			}
			fmt.Fprintf(&b, "\n### %s\n\n", lv.Title)
			if lv.OldID != "" {
				fmt.Fprintf(&b, "- Renamed from `%s`\n", lv.OldID)
			}
			for _, f := range lv.Fields {
				fmt.Fprintf(&b, "- %s: %s\n", capital(f.Name), mdFromTo(f))
			}
			if lv.Tenure != nil {
				fmt.Fprintf(&b, "- Tenure: %s\n", mdFromTo(*lv.Tenure))
			}
			for _, ts := range lv.TimeSplit {
				fmt.Fprintf(&b, "- Time split %s: %s\n", ts.Name, mdFromTo(ts))
			}
			for _, o := range lv.Orders {
				fmt.Fprintf(&b, "- %s\n", mdOrder(o))
			}
			for _, ac := range lv.Areas {
				fmt.Fprintf(&b, "- **%s**%s\n", ac.Title, sectionNote(ac))
				for _, e := range ac.Added {
					fmt.Fprintf(&b, "  - Added: %s\n", e.Text)
				}
				for _, e := range ac.Removed {
					fmt.Fprintf(&b, "  - Removed: ~~%s~~\n", e.Text)
				}
				for _, e := range ac.Changed {
					text := e.New
					if len(e.Words) > 0 {
						text = mdWords(e.Words)
					}
					fmt.Fprintf(&b, "  - Changed: %s", text)
					if e.MovedFrom != "" {
						fmt.Fprintf(&b, " (moved from %s)", e.MovedFrom)
					}
					if len(e.Notes) > 0 {
						fmt.Fprintf(&b, " (%s)", strings.Join(e.Notes, "; "))
					}
					b.WriteString("\n")
				}
			}
		}
	}
	if len(d.Pages) > 0 {
		b.WriteString("\n## Pages\n\n")
		for _, p := range d.Pages {
			fmt.Fprintf(&b, "- %s: %s\n", p.Title, p.Change)
		}
	}
	return strings.TrimLeft(b.String(), "\n")
}

func mdItem(b *strings.Builder, kind string, it Item) {
	fmt.Fprintf(b, "- %s %s %s%s\n", kind, it.ID, it.Change, itemTitles(it))
	for _, f := range it.Fields {
		fmt.Fprintf(b, "  - %s: %s\n", capital(f.Name), mdFromTo(f))
	}
}

func mdOrder(o Order) string {
	return fmt.Sprintf("%s reordered: %s → %s", capital(o.What), strings.Join(o.Old, ", "), strings.Join(o.New, ", "))
}

func mdWords(ws []Word) string {
	var parts []string
	for _, w := range ws {
		switch w.Op {
		case "-":
			parts = append(parts, "~~"+w.Text+"~~")
		case "+":
			parts = append(parts, "**"+w.Text+"**")
		default:
			parts = append(parts, w.Text)
		}
	}
	return strings.Join(parts, " ")
}

func mdFromTo(f Field) string {
	q := func(s string) string {
		if s == "" {
			return "(none)"
		}
		return "“" + firstLine(s, 80) + "”"
	}
	return q(f.Old) + " → " + q(f.New)
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
