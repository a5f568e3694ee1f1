package ladder

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/gen"
)

var simpleYAMLCases = []string{
	"title: Level 2\ncode: L2\nsummary: Ships features, with care; (mostly) on time.\ntenure: 2-4\ntime_split:\n  core: 67-77\n  management: 4-10",
	"title: Senior\ntime_split:\n    core: 50+\n    people: ~10\nnotes: after",
	"title: null\ncode: ~\nsummary: Null", "title: a:b\ncode: x,y [z] {w}", "title:   spaced   out",
	"2020: year\nx_y-z: 1.5\nyes: no",
	// What simpleYAML leaves to the parser.
	"", "title: x\n\ncode: y", "# comment\ntitle: x", "title: x # comment", "title: 'quoted'", `title: "quoted"`,
	"title: x\n  continued", "title: x\ntitle: y", "time_split:\n  core: 1\n  core: 2", "time_split:\ntitle: x",
	"time_split:\n  core: 1\n   people: 2", "time_split:\n  deep:\n    core: 1", "title: - x", "title: *alias",
	"title: &anchor x", "title: !tag x", "title: |\n  block", "title: >\n  folded", "title: [a, b]", "title: {a: b}",
	"title: x:", "title: a: b", "title: x ", "title:x", "title:\tx", "title: caf\u00e9", "Title: x", "- a\n- b",
	"title: x\n---\ncode: y", "<<: x", "title: ", "title: %x", "title: @x", "title: `x`", "  title: x", "title: x\n",
	strings.Repeat("k", 1100) + ": a key longer than YAML allows",
}

// TestSimpleYAMLIsTheParsers: where simpleYAML reads a document, it reads what the YAML parser
// reads (kind, value, line, column and null-ness of every node), on hand-made cases, the front
// matter of the bundled frameworks and that of a generated one.
func TestSimpleYAMLIsTheParsers(t *testing.T) {
	docs := append([]string(nil), simpleYAMLCases...)
	addFront := func(fsys fs.FS) {
		fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".md") {
				b, _ := fs.ReadFile(fsys, p)
				if md, ok := splitFrontMatter(p, b, &reporter{}); ok && md.hasFront {
					docs = append(docs, md.front)
				}
			}
			return nil
		})
	}
	for _, name := range []string{"engineering", "product", "minimal"} {
		fsys, ok := frameworks.FS(name)
		if !ok {
			t.Fatalf("no bundled framework %s", name)
		}
		addFront(fsys)
	}
	dir := t.TempDir()
	if err := gen.Write(dir, gen.Spec{Ladders: 2, Levels: 8, WordsPerLevel: 100}); err != nil {
		t.Fatal(err)
	}
	addFront(os.DirFS(dir))
	read := 0
	for _, doc := range docs {
		if compareSimpleYAML(t, doc) {
			read++
		}
	}
	if read < len(docs)-len(simpleYAMLCases)+6 {
		t.Errorf("simpleYAML read %d of %d documents; it should read every level's front matter here", read, len(docs))
	}
}

func FuzzSimpleYAML(f *testing.F) {
	for _, s := range simpleYAMLCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) { compareSimpleYAML(t, doc) })
}

// compareSimpleYAML checks simpleYAML against the parser on doc, and reports whether
// simpleYAML read it.
func compareSimpleYAML(t *testing.T, doc string) bool {
	t.Helper()
	got := simpleYAML([]byte(doc))
	if got == nil {
		return false
	}
	var want yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &want); err != nil {
		t.Errorf("%q: simpleYAML read what the parser refuses: %v", doc, err)
		return true
	}
	if len(want.Content) != 1 {
		t.Errorf("%q: the parser reads %d documents", doc, len(want.Content))
		return true
	}
	if g, w := dumpNode(got), dumpNode(want.Content[0]); g != w {
		t.Errorf("%q:\nsimpleYAML %s\nthe parser %s", doc, g, w)
	}
	return true
}

// dumpNode writes what the decoder reads of a node tree.
func dumpNode(n *yaml.Node) string {
	var b strings.Builder
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		fmt.Fprintf(&b, "(%d %q %d:%d null=%v", n.Kind, n.Value, n.Line, n.Column, n.Tag == "!!null")
		if n.Anchor != "" {
			b.WriteString(" anchor")
		}
		for _, c := range n.Content {
			b.WriteString(" ")
			walk(c)
		}
		b.WriteString(")")
	}
	walk(n)
	return b.String()
}
