package ladder

import (
	"strings"
	"testing"
	"testing/fstest"
)

// idsFramework has expectations without ids whose natural ids are already taken elsewhere.
func idsFramework() fstest.MapFS {
	level := func(title, code, core, traits string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\ntitle: " + title + "\ncode: " + code + "\n---\n\n## Core\n\n" + core + "\n## Enabling traits\n\n" + traits)}
	}
	ladder := func(title, levels string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("title: " + title + "\ngroups:\n  - id: all\n    title: All\n    areas:\n      - id: core\n        title: Core\n      - id: traits\n        title: Enabling traits\n        kind: traits\nlevels: [" + levels + "]\n")}
	}
	return fstest.MapFS{
		"rungs.yaml":              {Data: []byte("title: Ids\nscale:\n  - id: no\n    label: No\n  - id: yes\n    label: Yes\nladders: [eng, ops]\n")},
		"ladders/eng/ladder.yaml": ladder("Engineering", "one, two, three"),
		"ladders/ops/ladder.yaml": ladder("Operations", "a"),
		"ladders/eng/one.md": level("One", "E1",
			"- Reviews code. {#reviews-code}\n- Ships small changes. {#ships-small-changes}\n",
			"- **Ownership**: Sees tasks through. {#ownership}\n"),
		"ladders/eng/two.md": level("Two", "E2",
			"- Ships small changes.\n- Reviews code for design. {#reviews-design}\n",
			"- **Ownership**: Sees projects through.\n"),
		"ladders/eng/three.md": level("Three", "E3",
			"- Reviews code.\n",
			"- **Ownership**: Sees programmes through. {#ownership}\n"),
		"ladders/ops/a.md": level("A", "O1",
			"- Ships small changes.\n",
			"- **Ownership**: Owns the pager.\n- **Care**: Cares.\n"),
		"ladders/eng/draft.md": {Data: []byte("---\ntitle: Draft\ncode: D\n---\n\n## Core\n\n- Reviews code.\n")},
	}
}

// TestNewIDsNeverCollide: fmt gives a new expectation an id no other expectation uses, unless it
// is the same expectation (the very same text on the level next to it, a trait of the same
// name), and the loader gives the same ids before fmt has written them.
func TestNewIDsNeverCollide(t *testing.T) {
	t.Parallel()
	m := idsFramework()
	f, _, err := Load(m)
	if err != nil {
		t.Fatal(err)
	}
	loaded := map[string]string{} // "file text" -> id
	for _, ld := range f.Ladders {
		for _, lv := range ld.Levels {
			for _, la := range lv.Areas {
				for _, e := range la.Expectations {
					loaded[lv.Path+" "+e.Text] = e.ID
				}
			}
		}
	}
	changed, diags, err := Format(m)
	if err != nil || diags.HasErrors() {
		t.Fatalf("Format: %v\n%s", err, diags.Error())
	}
	apply(m, changed)
	want := map[string][]string{
		"ladders/eng/two.md": {
			"- Ships small changes. {#ships-small-changes}", // the same text as on the level below: grown
			"- **Ownership**: Sees projects through. {#ownership}",
		},
		"ladders/eng/three.md": {"- Reviews code. {#reviews-code-2}"}, // the same text, but two levels up
		"ladders/ops/a.md": {
			"- Ships small changes. {#ships-small-changes-2}", // the same text, on another ladder
			"- **Ownership**: Owns the pager. {#ownership}",   // a trait keeps its id everywhere
			"- **Care**: Cares. {#care}",
		},
		"ladders/eng/draft.md": {"- Reviews code. {#reviews-code-3}"}, // not listed: an id nobody has
	}
	for file, lines := range want {
		got := string(m[file].Data)
		for _, line := range lines {
			if !strings.Contains(got, line+"\n") {
				t.Errorf("%s lacks %q:\n%s", file, line, got)
			}
			text, id, _ := strings.Cut(strings.TrimPrefix(line, "- "), " {#")
			if _, rest, ok := SplitTrait(text); ok {
				text = rest
			}
			if l, ok := loaded[file+" "+text]; ok && l != strings.TrimSuffix(id, "}") {
				t.Errorf("%s: the loader gave %q the id %q, fmt wrote %q", file, text, l, id)
			}
		}
	}
	if _, diags, _ := Load(m); diags.HasErrors() {
		t.Errorf("the formatted framework has errors:\n%s", diags.Error())
	}
	again, _, _ := Format(m)
	for _, c := range again {
		t.Errorf("a second fmt changed %s", c.Path)
	}
}
