package ladder

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files with the current output")

// golden compares got with the file at path, or rewrites the file under -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// TestCheckGolden loads every framework under testdata/check and compares its diagnostics with
// the .golden file beside it.
func TestCheckGolden(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/check/*")
	cases := 0
	for _, dir := range dirs {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		cases++
		t.Run(filepath.Base(dir), func(t *testing.T) {
			_, diags, err := Load(os.DirFS(dir))
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			for _, d := range diags {
				b.WriteString(d.String() + "\n")
			}
			golden(t, dir+".golden", b.Bytes())
		})
	}
	if cases < 5 {
		t.Fatalf("found only %d cases under testdata/check", cases)
	}
}

// TestLoadGolden loads valid frameworks and compares the model, as JSON, with a golden file.
func TestLoadGolden(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/load/*")
	cases := 0
	for _, dir := range dirs {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		cases++
		t.Run(filepath.Base(dir), func(t *testing.T) {
			f, diags, err := Load(os.DirFS(dir))
			if err != nil {
				t.Fatal(err)
			}
			if len(diags) > 0 {
				t.Fatalf("want no diagnostics, got:\n%s", diags.Error())
			}
			b, err := json.MarshalIndent(f, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, dir+".json", append(b, '\n'))
		})
	}
	if cases == 0 {
		t.Fatal("no cases under testdata/load")
	}
}
