package ladder

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// FormattedFile is a framework file whose canonical form differs from what is on disk.
type FormattedFile struct {
	Path string
	New  []byte
}

// Format computes the canonical form of every framework file in fsys and gives each expectation
// without an id a stable one. It returns the files that would change and the problems that kept
// a file from being formatted (such files are left out, never half-formatted).
func Format(fsys fs.FS) ([]FormattedFile, Diagnostics, error) {
	if _, err := fs.Stat(fsys, FrameworkFile); err != nil {
		return nil, nil, ErrNoFramework
	}
	l := &loader{fsys: fsys}
	var files []string
	files = append(files, FrameworkFile)
	if l.exists(CrosswalkFile) {
		files = append(files, CrosswalkFile)
	}
	for _, dir := range l.dirs(laddersDir) {
		if l.exists(path.Join(laddersDir, dir, LadderFile)) {
			files = append(files, path.Join(laddersDir, dir, LadderFile))
		}
		for _, name := range l.files(path.Join(laddersDir, dir), ".md") {
			files = append(files, path.Join(laddersDir, dir, name+".md"))
		}
	}
	for _, name := range l.files(pagesDir, ".md") {
		files = append(files, path.Join(pagesDir, name+".md"))
	}

	srcs := map[string][]byte{}
	taken := map[string]bool{}
	for _, file := range files {
		src, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, nil, err
		}
		srcs[file] = src
		writtenIDs(src, taken)
	}
	// New ids are the loader's, unique across the framework (see assignIDs); a level file the
	// framework does not list gets ones no file uses. The framework is loaded for them only
	// when some expectation has no id: a formatted framework is read once.
	assigned := sync.OnceValue(func() map[string]map[int]string {
		ld, _, err := load(fsys)
		if err != nil {
			return nil
		}
		for _, ids := range ld.assigned {
			for _, id := range ids {
				taken[id] = true
			}
		}
		return ld.assigned
	})

	var out []FormattedFile
	for _, file := range files {
		src := srcs[file]
		var formatted []byte
		var ok bool
		switch {
		case !checkText(file, src, &l.r):
			// Never rewritten: what fmt cannot read, it cannot write back.
		case strings.HasSuffix(file, ".yaml"):
			formatted, ok = formatYAMLFile(file, src, 0, &l.r)
		case strings.HasPrefix(file, laddersDir+"/"):
			formatted, ok = formatLevel(file, src, &l.r, func(it *mdItem) string {
				if id, ok := assigned()[file][it.line]; ok {
					return id
				}
				return newID(it.text, taken)
			})
		default:
			formatted, ok = formatPage(file, src, &l.r)
		}
		if ok && !bytes.Equal(formatted, src) {
			out = append(out, FormattedFile{Path: file, New: formatted})
		}
	}
	l.r.diags.Sort()
	return out, l.r.diags, nil
}

// writtenIDs adds the ids written in src ({#id} at the end of a line) to taken, and returns it.
func writtenIDs(src []byte, taken map[string]bool) map[string]bool {
	for _, m := range idSuffixAnywhere.FindAll(src, -1) {
		m = bytes.TrimSpace(m)
		taken[string(m[2:len(m)-1])] = true
	}
	return taken
}

// FormatLevel returns the canonical form of one level file, with ids given to expectations that
// have none. Problems that prevent formatting are returned as diagnostics.
func FormatLevel(file string, src []byte) ([]byte, Diagnostics) {
	var r reporter
	if !checkText(file, src, &r) {
		return nil, r.diags
	}
	taken := writtenIDs(src, map[string]bool{})
	out, ok := formatLevel(file, src, &r, func(it *mdItem) string { return newID(it.text, taken) })
	if !ok {
		return nil, r.diags
	}
	return out, r.diags
}

// formatLevel formats a level file, asking newID for the id of each expectation without one.
func formatLevel(file string, src []byte, r *reporter, newID func(*mdItem) string) ([]byte, bool) {
	md, ok := splitFrontMatter(file, src, r)
	if !ok {
		return nil, false
	}
	if !md.hasFront {
		// Not a level as rungs reads one: rewriting it would only mangle it.
		r.errorf(Pos{file, 1, 1}, "a level starts with front matter: ---, title: ..., code: ..., ---")
		return nil, false
	}
	body, ok := parseLevelBody(file, md, r)
	if !ok {
		return nil, false
	}
	var b strings.Builder
	if !writeFront(&b, file, md, r) {
		return nil, false
	}
	if len(body.intro) > 0 {
		if b.Len() > 0 || looksLikeFrontMatter(body.intro[0]) {
			b.WriteString("\n")
		}
		for _, line := range body.intro {
			b.WriteString(line + "\n")
		}
	}
	for _, sec := range body.sections {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString("## " + sec.heading + "\n")
		for _, t := range sec.tracks {
			if t.heading != "" {
				b.WriteString("\n### " + t.heading + "\n")
			}
			if len(t.items) > 0 {
				b.WriteString("\n")
			}
			for _, it := range t.items {
				id := it.id
				if id == "" {
					id = newID(it)
				}
				fmt.Fprintf(&b, "- %s {#%s}\n", it.text, id)
				for _, ex := range it.examples {
					b.WriteString("  - " + ex + "\n")
				}
			}
		}
	}
	return []byte(b.String()), true
}

// writeFront writes the file's front matter in canonical form, if it has any.
func writeFront(b *strings.Builder, file string, md mdFile, r *reporter) bool {
	if !md.hasFront {
		return true
	}
	front, ok := formatYAMLFile(file, []byte(md.front), 1, r)
	if !ok {
		return false
	}
	b.WriteString("---\n")
	b.Write(front)
	b.WriteString("---\n")
	return true
}

func formatPage(file string, src []byte, r *reporter) ([]byte, bool) {
	md, ok := splitFrontMatter(file, src, r)
	if !ok {
		return nil, false
	}
	var b strings.Builder
	if !writeFront(&b, file, md, r) {
		return nil, false
	}
	body := strings.Trim(strings.Join(md.body, "\n"), "\n")
	if body != "" {
		if b.Len() > 0 || looksLikeFrontMatter(body) {
			b.WriteString("\n")
		}
		b.WriteString(body + "\n")
	}
	return []byte(b.String()), true
}

// looksLikeFrontMatter reports whether text would be read as the start of front matter if it
// began the file; such a body keeps a blank line before it.
func looksLikeFrontMatter(text string) bool {
	first, _, _ := strings.Cut(text, "\n")
	return strings.TrimRight(first, " \t") == "---"
}

// formatYAMLFile re-indents YAML to two spaces, keeping comments, key order and value styles.
// It refuses (and leaves the file alone) when the result would not read back as the same data
// with the same comments: no formatting is worth losing an author's words.
func formatYAMLFile(file string, src []byte, lineOffset int, r *reporter) ([]byte, bool) {
	d := &yamlDecoder{file: file, lineOffset: lineOffset, r: r}
	if strings.TrimSpace(string(src)) == "" {
		return nil, true
	}
	if d.parseYAML(src) == nil {
		return nil, false
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		d.syntaxError(err, src)
		return nil, false
	}
	if n := findAlias(&doc); n != nil {
		// Comparing data with aliases would expand them, which a hostile file can make huge.
		r.errorf(d.nodePos(n), "YAML anchors and aliases are not supported in framework files; write the value out")
		return nil, false
	}
	out, err := layOutYAML(&doc)
	if err != nil {
		r.errorf(d.pos(1, 1), "cannot format: %v", err)
		return nil, false
	}
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, true
	}
	// The YAML library places some comments differently depending on how the text it read was
	// laid out (a comment after a key without a value gains a blank line once the key is
	// indented as the library indents it), so its output, read and written again, can change.
	// The formatter's answer is the text that no longer changes: formatting it again does
	// nothing.
	for range maxYAMLPasses {
		if !sameYAML(src, out) {
			r.errorf(d.pos(1, 1), "cannot format this YAML without changing its data or comments; left as it was")
			return nil, false
		}
		var again yaml.Node
		if err := yaml.Unmarshal(out, &again); err != nil {
			break
		}
		next, err := layOutYAML(&again)
		if err != nil {
			break
		}
		if bytes.Equal(next, out) {
			return out, true
		}
		out = next
	}
	r.errorf(d.pos(1, 1), "cannot format this YAML to a form that stays as it is; left as it was")
	return nil, false
}

// maxYAMLPasses is how many times formatYAMLFile writes YAML out again looking for a text
// that stays as it is; one more than it has taken in any case seen.
const maxYAMLPasses = 3

// layOutYAML writes doc out as rungs lays YAML out: indented by two spaces.
func layOutYAML(doc *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// findAlias returns the first anchored or alias node, or nil.
func findAlias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return n
	}
	for _, c := range n.Content {
		if a := findAlias(c); a != nil {
			return a
		}
	}
	return nil
}

// sameYAML reports whether a and b hold the same data and the same comments.
func sameYAML(a, b []byte) bool {
	var na, nb yaml.Node
	if yaml.Unmarshal(a, &na) != nil || yaml.Unmarshal(b, &nb) != nil {
		return false
	}
	ca, cb := comments(&na, nil), comments(&nb, nil)
	slices.Sort(ca)
	slices.Sort(cb)
	return sameNode(&na, &nb) && slices.Equal(ca, cb)
}

// sameNode compares two node trees by kind, resolved tag and value, ignoring style and position.
func sameNode(a, b *yaml.Node) bool {
	if a.Kind != b.Kind || a.ShortTag() != b.ShortTag() || len(a.Content) != len(b.Content) {
		return false
	}
	if a.Kind == yaml.ScalarNode && a.Value != b.Value {
		return false
	}
	for i := range a.Content {
		if !sameNode(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

func comments(n *yaml.Node, acc []string) []string {
	for _, c := range []string{n.HeadComment, n.LineComment, n.FootComment} {
		for _, line := range strings.Split(c, "\n") {
			if t := strings.TrimSpace(line); t != "" {
				acc = append(acc, t)
			}
		}
	}
	for _, k := range n.Content {
		acc = comments(k, acc)
	}
	return acc
}
