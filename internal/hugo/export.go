package hugo

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rungs/rungs/internal/ladder"
)

// HextraModule is the Hugo module path of the Hextra docs theme that exported sites use.
const HextraModule = "github.com/imfing/hextra"

// The exported site is plain Hugo content for the Hextra theme: every page has front matter Hugo
// reads (title, description, weight) and shortcode-free Markdown, so any docs theme builds it
// and a team can stay on Hugo. Levels are written in the shape Import reads (## group,
// ### area, bullets, ## Broad Indicators). What a page does not show is kept where Hugo and
// Hextra ignore it: ids as "{#id}" on area headings and "<!-- #id -->" after each expectation,
// and the framework's YAML (settings, scale, crosswalk, groups, areas, tracks, branches,
// equivalences, promotion guidance) under data/rungs/. So the site imports back as the very
// same framework, and a team that edits it in Hugo keeps every id.

// Export returns the files of a Hugo site holding the framework, by slash path: hugo.yaml,
// go.mod, content/_index.md, under content/docs the pages and one folder per ladder, in the
// framework's order (the first page, then the ladders, then the other pages), and the
// framework's YAML under data/rungs.
func Export(f *ladder.Framework) map[string][]byte {
	files := map[string][]byte{}
	urls := siteURLs(f)
	files["hugo.yaml"] = siteConfig(f)
	files["go.mod"] = []byte(fmt.Sprintf("module %s\n\ngo 1.21\n\nrequire %s v0.11.1 // indirect\n", "example.org/"+ladder.Slug(f.Title, nil), HextraModule))
	const yamlNote = "# Written by rungs export: the framework's YAML, which rungs import reads back. Hugo does not show it.\n"
	files[DataDir+"/"+ladder.FrameworkFile] = append([]byte(yamlNote), ladder.FrameworkYAML(f)...)
	if cw := ladder.CrosswalkYAML(f); cw != nil {
		files[DataDir+"/"+ladder.CrosswalkFile] = append([]byte(yamlNote), cw...)
	}
	for _, ld := range f.Ladders {
		files[DataDir+"/ladders/"+ld.ID+".yaml"] = append([]byte(yamlNote), ladder.LadderYAML(ld)...)
	}

	var home strings.Builder
	if f.Description != "" {
		home.WriteString(f.Description + "\n\n")
	}
	for _, ld := range f.Ladders {
		fmt.Fprintf(&home, "- [%s](%s)", ld.Title, relURL("/", urls[ld.Path]))
		if ld.Summary != "" {
			home.WriteString(": " + ld.Summary)
		}
		home.WriteString("\n")
	}
	files["content/_index.md"] = mdFile(front("title", f.Title), home.String())
	files["content/docs/_index.md"] = mdFile(front("title", "Documentation", "description", f.Description), "")

	weight := 1
	for i, p := range f.Pages {
		w := weight
		if i > 0 {
			w = len(f.Ladders) + i + 1
		}
		body := links(p.Body, p.Path, urls, f)
		files["content/docs/"+p.ID+".md"] = mdFile(front("title", p.Title, "weight", w), body)
	}
	for i, ld := range f.Ladders {
		dir := "content/docs/" + ld.ID + "/"
		files[dir+"_index.md"] = mdFile(front("title", ld.Title, "description", ld.Summary, "weight", i+2), ladderPage(f, ld, urls))
		for j, lv := range ld.Levels {
			fm := front("title", lv.Title, "description", lv.Summary, "weight", j+1, "code", lv.Code)
			files[dir+lv.ID+".md"] = mdFile(fm, levelPage(f, ld, lv, urls))
		}
	}
	return files
}

// siteURLs maps each framework file to the address of its page in the site.
func siteURLs(f *ladder.Framework) map[string]string {
	urls := map[string]string{}
	for _, p := range f.Pages {
		urls[p.Path] = "/docs/" + p.ID + "/"
	}
	for _, ld := range f.Ladders {
		urls[ld.Path] = "/docs/" + ld.ID + "/"
		for _, lv := range ld.Levels {
			urls[lv.Path] = "/docs/" + ld.ID + "/" + lv.ID + "/"
		}
	}
	return urls
}

func siteConfig(f *ladder.Framework) []byte {
	base := f.BaseURL
	if base == "" {
		base = "/"
	}
	cfg := map[string]any{
		"baseURL":      base,
		"title":        f.Title,
		"disableKinds": []string{"taxonomy", "term"},
		"module":       map[string]any{"imports": []map[string]any{{"path": HextraModule}}},
		"markup":       map[string]any{"goldmark": map[string]any{"renderer": map[string]any{"unsafe": false}}},
		"menu": map[string]any{"main": []map[string]any{
			{"name": "Framework", "pageRef": "/docs", "weight": 1},
			{"name": "Search", "weight": 2, "params": map[string]any{"type": "search"}},
		}},
		"params": map[string]any{"navbar": map[string]any{"displayTitle": true, "displayLogo": false}},
	}
	b, _ := yaml.Marshal(cfg)
	return append([]byte("# Written by rungs export --format hugo for the Hextra theme.\n"), b...)
}

// front builds front matter from key, value pairs, leaving out empty values.
func front(kv ...any) []byte {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		v := fmt.Sprint(kv[i+1])
		if v == "" {
			continue
		}
		val := &yaml.Node{Kind: yaml.ScalarNode, Value: v, Tag: "!!str"}
		if _, ok := kv[i+1].(int); ok {
			val.Tag = "!!int"
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: kv[i].(string)}, val)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	_ = enc.Encode(n)
	return buf.Bytes()
}

func mdFile(fm []byte, body string) []byte {
	var b bytes.Buffer
	b.WriteString("---\n")
	b.Write(fm)
	b.WriteString("---\n")
	if body = strings.TrimSpace(body); body != "" {
		b.WriteString("\n" + body + "\n")
	}
	return b.Bytes()
}

// The overview of a ladder's levels and areas that an exported ladder page shows is marked, so
// that an import leaves it out of the ladder's description: rungs makes it from the framework.
const (
	overviewStart = "<!-- rungs: overview, made by rungs export -->"
	overviewEnd   = "<!-- rungs: end of overview -->"
)

var overviewRE = regexp.MustCompile(`(?s)\n*` + regexp.QuoteMeta(overviewStart) + `.*?` + regexp.QuoteMeta(overviewEnd) + `\n*`)

// dropOverview takes the overview an export wrote out of a ladder page's text.
func dropOverview(s string) string {
	return overviewRE.ReplaceAllString(s, "\n\n")
}

func ladderPage(f *ladder.Framework, ld *ladder.Ladder, urls map[string]string) string {
	var b strings.Builder
	from := urls[ld.Path]
	if ld.Description != "" {
		b.WriteString(links(ld.Description, ld.Path, urls, f) + "\n\n")
	}
	b.WriteString(overviewStart + "\n\n")
	if ref := ld.BranchesFrom; ref != nil {
		if other := f.Ladder(ref.Ladder); other != nil {
			lv := other.Level(ref.Level)
			fmt.Fprintf(&b, "This ladder starts beside [%s](%s) on the %s ladder.\n\n", lv.Title, relURL(from, urls[lv.Path]), other.Title)
		}
	}
	b.WriteString("## Levels\n\n")
	for _, lv := range ld.Levels {
		fmt.Fprintf(&b, "- [%s](%s)", lv.Title, relURL(from, urls[lv.Path]))
		if lv.Code != "" {
			fmt.Fprintf(&b, " (%s)", lv.Code)
		}
		if lv.Summary != "" {
			b.WriteString(": " + escape(lv.Summary))
		}
		for _, eq := range ld.Equivalences {
			if eq.Level == lv.ID {
				if other := f.Ladder(eq.Equals.Ladder); other != nil {
					o := other.Level(eq.Equals.Level)
					fmt.Fprintf(&b, " Equal to [%s](%s).", o.Title, relURL(from, urls[o.Path]))
				}
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\n## Areas\n")
	for _, g := range ld.Groups {
		fmt.Fprintf(&b, "\n### %s\n\n", escape(g.Title))
		for _, a := range g.Areas {
			fmt.Fprintf(&b, "- **%s**", escape(a.Title))
			if a.Description != "" {
				b.WriteString(": " + escape(oneLine(a.Description)))
			}
			if a.From != "" {
				if lv := ld.Level(a.From); lv != nil {
					fmt.Fprintf(&b, " From %s up.", lv.Title)
				}
			}
			b.WriteString("\n")
		}
	}
	if len(ld.Tracks) > 0 {
		b.WriteString("\n## Tracks\n\n")
		for _, t := range ld.Tracks {
			fmt.Fprintf(&b, "- **%s**", escape(t.Title))
			if t.Summary != "" {
				b.WriteString(": " + escape(t.Summary))
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\n" + overviewEnd + "\n")
	return b.String()
}

// levelPage writes a level as Import reads it: its introduction, a ## heading per group and a
// ### heading per area it has a section for (with the area's id), #### per track, each
// expectation a bullet with its id in a comment, and the broad indicators: time split and
// tenure as a list, then the notes.
func levelPage(f *ladder.Framework, ld *ladder.Ladder, lv *ladder.Level, urls map[string]string) string {
	var b strings.Builder
	if lv.Intro != "" {
		b.WriteString(links(lv.Intro, lv.Path, urls, f) + "\n")
	}
	for _, g := range ld.Groups {
		var areas []*ladder.Area
		for _, a := range g.Areas {
			if lv.Area(a.ID) != nil {
				areas = append(areas, a)
			}
		}
		if len(areas) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n## %s\n", escape(g.Title))
		for _, a := range areas {
			fmt.Fprintf(&b, "\n### %s {#%s}\n", escape(a.Title), a.ID)
			la := lv.Area(a.ID)
			tracks := append([]*ladder.Track{{}}, ld.Tracks...)
			for _, t := range tracks {
				first := true
				for _, e := range la.Expectations {
					if e.Track != t.ID {
						continue
					}
					if first && t.ID != "" {
						fmt.Fprintf(&b, "\n#### %s\n", escape(t.Title))
					}
					if first {
						b.WriteString("\n")
					}
					first = false
					text := links(e.Text, lv.Path, urls, f)
					if a.Kind == ladder.KindTraits {
						text = "**" + escape(e.Name) + "**: " + text
					}
					fmt.Fprintf(&b, "- %s <!-- #%s -->\n", text, e.ID)
					for _, ex := range e.Examples {
						b.WriteString("  - " + links(ex, lv.Path, urls, f) + "\n")
					}
				}
			}
		}
	}
	var ind []string
	for _, ts := range lv.TimeSplit {
		if a := ld.Area(ts.Area); a != nil {
			ind = append(ind, fmt.Sprintf("- %s: %s%%", escape(a.Title), ts.Range))
		}
	}
	if !lv.Tenure.IsZero() {
		unit := "years"
		if lv.Tenure.Max != nil && *lv.Tenure.Max == 1 {
			unit = "year"
		}
		ind = append(ind, fmt.Sprintf("- Tenure: %s %s", lv.Tenure, unit))
	}
	if len(ind) > 0 || lv.IndicatorNotes != "" {
		b.WriteString("\n## Broad Indicators\n")
		if len(ind) > 0 {
			b.WriteString("\n" + strings.Join(ind, "\n") + "\n")
		}
		if lv.IndicatorNotes != "" {
			b.WriteString("\n" + links(lv.IndicatorNotes, lv.Path, urls, f) + "\n")
		}
	}
	return b.String()
}

var mdLink = regexp.MustCompile(`(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(([^()\s]+)((?:\s+"[^"]*")?)\)`)

// links points relative links between framework files at the pages Hugo makes of them, and
// escapes what Hugo would read as a shortcode.
func links(s, from string, urls map[string]string, f *ladder.Framework) string {
	s = mdLink.ReplaceAllStringFunc(s, func(m string) string {
		g := mdLink.FindStringSubmatch(m)
		dest := g[3]
		if schemeRE.MatchString(dest) || strings.HasPrefix(dest, "#") || strings.HasPrefix(dest, "/") {
			return m
		}
		file, anchor, _ := strings.Cut(dest, "#")
		target := path.Join(path.Dir(from), file)
		u, ok := urls[target]
		if !ok {
			return m
		}
		// An expectation's anchor is kept though a Hugo page has no such element (the browser
		// opens the page at its top): it says which expectation, and imports back.
		if anchor != "" {
			u += "#" + anchor
		}
		return g[1] + "[" + g[2] + "](" + relURL(urls[from], u) + g[4] + ")"
	})
	return escape(s)
}

// escape keeps Hugo from reading "{{<" or "{{%" in the text as a shortcode.
func escape(s string) string {
	s = strings.ReplaceAll(s, "{{<", "&#123;&#123;<")
	return strings.ReplaceAll(s, "{{%", "&#123;&#123;%")
}

// relURL is the address of page to as seen from page from, both absolute site paths.
func relURL(from, to string) string {
	target, anchor, _ := strings.Cut(to, "#")
	rel := relPath(strings.Trim(from, "/"), strings.Trim(target, "/")+"/x")
	rel = strings.TrimSuffix(rel, "x")
	if rel == "" {
		rel = "./"
	}
	if anchor != "" {
		rel += "#" + anchor
	}
	return rel
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
