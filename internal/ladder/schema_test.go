package ladder

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/rungs/rungs/frameworks"
)

// compileSchema compiles one of the shipped JSON Schemas.
func compileSchema(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	b, ok := Schema(name)
	if !ok {
		t.Fatalf("no schema %q", name)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("schema %s is not JSON: %v", name, err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(name+".json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(name + ".json")
	if err != nil {
		t.Fatalf("schema %s does not compile: %v", name, err)
	}
	return s
}

// yamlToJSONValue turns YAML into the generic value a JSON Schema validator expects.
func yamlToJSONValue(t *testing.T, src []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// schemaFor says which schema describes a framework file, and the YAML to validate.
func schemaFor(t *testing.T, path string, src []byte) (string, []byte) {
	switch {
	case path == FrameworkFile:
		return "rungs", src
	case path == CrosswalkFile:
		return "crosswalk", src
	case strings.HasSuffix(path, "/"+LadderFile):
		return "ladder", src
	case strings.HasSuffix(path, ".md"):
		md, ok := splitFrontMatter(path, src, &reporter{})
		if !ok || !md.hasFront {
			t.Fatalf("%s has no front matter", path)
		}
		if strings.HasPrefix(path, pagesDir+"/") {
			return "page", []byte(md.front)
		}
		return "level", []byte(md.front)
	}
	return "", nil
}

// TestSchemasAcceptBundledFrameworks keeps the JSON Schemas true to what the loader accepts:
// every file of every bundled framework must validate.
func TestSchemasAcceptBundledFrameworks(t *testing.T) {
	schemas := map[string]*jsonschema.Schema{}
	for _, name := range SchemaNames() {
		schemas[name] = compileSchema(t, name)
	}
	checked := 0
	for _, tmpl := range frameworks.Templates {
		fsys, _ := frameworks.FS(tmpl.Name)
		err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			src, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			name, doc := schemaFor(t, p, src)
			if name == "" {
				return nil
			}
			checked++
			if err := schemas[name].Validate(yamlToJSONValue(t, doc)); err != nil {
				t.Errorf("%s/%s does not match schema %s: %v", tmpl.Name, p, name, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 10 {
		t.Fatalf("validated only %d files", checked)
	}
}

// TestSchemasRejectWhatTheLoaderRejects checks that the schemas catch the same typos.
func TestSchemasRejectWhatTheLoaderRejects(t *testing.T) {
	cases := []struct {
		name, schema, yaml string
	}{
		{"unknown key", "rungs", "title: x\nscale: [{id: a, label: A}, {id: b, label: B}]\nladders: [e]\ntitel: y\n"},
		{"one rating", "rungs", "title: x\nscale: [{id: a, label: A}]\nladders: [e]\n"},
		{"bad ladder id", "rungs", "title: x\nscale: [{id: a, label: A}, {id: b, label: B}]\nladders: [Eng]\n"},
		{"bad area kind", "ladder", "title: x\ngroups: [{id: g, title: G, areas: [{id: a, title: A, kind: trait}]}]\nlevels: [one]\n"},
		{"bad equivalence", "ladder", "title: x\ngroups: [{id: g, title: G, areas: [{id: a, title: A}]}]\nlevels: [one]\nequivalences: [{level: one, equals: other}]\n"},
		{"bad range", "level", "title: x\ncode: E1\ntenure: lots\n"},
		{"missing title", "level", "code: E1\n"},
		{"area starts at a bad id", "ladder", "title: x\ngroups: [{id: g, title: G, areas: [{id: a, title: A, from: Senior}]}]\nlevels: [one]\n"},
		{"crosswalk level", "crosswalk", "titles: [{title: SDE, level: senior}]\n"},
		{"promotion typo", "ladder", "title: x\ngroups: [{id: g, title: G, areas: [{id: a, title: A}]}]\nlevels: [one]\npromotion: {rules: [{name: n, when: [{rating: r, expectatons: all}]}]}\n"},
		{"promotion share", "ladder", "title: x\ngroups: [{id: g, title: G, areas: [{id: a, title: A}]}]\nlevels: [one]\npromotion: {rules: [{name: n, when: [{rating: r, expectations: 120%}]}]}\n"},
		{"promotion points", "ladder", "title: x\ngroups: [{id: g, title: G, areas: [{id: a, title: A}]}]\nlevels: [one]\npromotion: {points: {shown_at: r, milestones: {one: -1}, thresholds: {one: 1}}}\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := compileSchema(t, tc.schema)
			if err := s.Validate(yamlToJSONValue(t, []byte(tc.yaml))); err == nil {
				t.Errorf("schema %s accepted:\n%s", tc.schema, tc.yaml)
			}
		})
	}
}
