package ladder

import (
	"os"
	"testing"
	"testing/fstest"
)

// fuzzFramework is a small valid framework whose files the fuzz targets replace one at a time.
func fuzzFramework(t testing.TB) fstest.MapFS {
	m := fstest.MapFS{}
	for _, p := range []string{"rungs.yaml", "crosswalk.yaml", "pages/intro.md", "ladders/eng/ladder.yaml", "ladders/eng/one.md", "ladders/eng/two.md", "ladders/mgmt/ladder.yaml", "ladders/mgmt/m1.md"} {
		b, err := os.ReadFile("testdata/load/tracks/" + p)
		if err != nil {
			t.Fatal(err)
		}
		m[p] = &fstest.MapFile{Data: b}
	}
	return m
}

// FuzzLevel feeds arbitrary level files to the loader and the formatter: neither may panic or
// hang, and formatting what the formatter wrote must change nothing.
func FuzzLevel(f *testing.F) {
	base := fuzzFramework(f)
	for _, p := range []string{"ladders/eng/one.md", "ladders/eng/two.md", "ladders/mgmt/m1.md"} {
		f.Add(base[p].Data)
	}
	f.Add([]byte("---\ntitle: x\ncode: y\n---\n## Core\n- a {#a}\n  - ex\n    more\n### Site Reliability\n- b\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		m := fuzzFramework(t)
		m["ladders/eng/one.md"] = &fstest.MapFile{Data: src}
		if _, _, err := Load(m); err != nil {
			t.Fatal(err)
		}
		out, diags := FormatLevel("one.md", src)
		if out == nil {
			if !diags.HasErrors() {
				t.Fatal("formatting failed without saying why")
			}
			return
		}
		again, diags := FormatLevel("one.md", out)
		if again == nil {
			t.Fatalf("formatted output does not format again: %s\n%q", diags.Error(), out)
		}
		if string(again) != string(out) {
			t.Fatalf("not idempotent:\nfirst:  %q\nsecond: %q", out, again)
		}
	})
}

// FuzzYAML feeds arbitrary YAML to every YAML file of a framework.
func FuzzYAML(f *testing.F) {
	base := fuzzFramework(f)
	for _, p := range []string{"rungs.yaml", "crosswalk.yaml", "ladders/eng/ladder.yaml", "ladders/mgmt/ladder.yaml"} {
		f.Add(uint8(0), base[p].Data)
	}
	f.Add(uint8(1), []byte("a: &x [*x]\n"))
	f.Add(uint8(2), []byte("groups:\n  - id: g\n    areas: {id: a}\n"))
	files := []string{"rungs.yaml", "crosswalk.yaml", "ladders/eng/ladder.yaml", "ladders/mgmt/ladder.yaml"}
	f.Fuzz(func(t *testing.T, which uint8, src []byte) {
		m := fuzzFramework(t)
		m[files[int(which)%len(files)]] = &fstest.MapFile{Data: src}
		if _, _, err := Load(m); err != nil {
			t.Fatal(err)
		}
		if _, _, err := Format(m); err != nil {
			t.Fatal(err)
		}
	})
}
