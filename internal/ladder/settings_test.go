package ladder_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/ladder"
)

// withSettings is the minimal template with lines added to its rungs.yaml.
func withSettings(t *testing.T, lines string) fs.FS {
	t.Helper()
	src, _ := frameworks.FS("minimal")
	out := fstest.MapFS{}
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(src, p)
		if p == "rungs.yaml" {
			b = append(b, lines...)
		}
		out[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// admins_read_assessments keeps admins out of assessments when false; unwritten, they read them.
func TestAdminsReadAssessments(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		lines string
		want  bool
		err   string
	}{
		{"", true, ""},
		{"admins_read_assessments: false\n", false, ""},
		{"admins_read_assessments: true\n", true, ""},
		{"admins_read_assessments: no\n", true, `rungs.yaml:18:26: error: expected true or false, found "no"`},
	} {
		f, diags, err := ladder.Load(withSettings(t, tc.lines))
		if err != nil {
			t.Fatal(err)
		}
		if tc.err != "" {
			if !strings.Contains(diags.Error(), tc.err) {
				t.Errorf("%q: diagnostics %q, want %q", tc.lines, diags.Error(), tc.err)
			}
			continue
		}
		if diags.HasErrors() || f.AdminsRead() != tc.want {
			t.Errorf("%q: admins read %v (%v), want %v", tc.lines, f.AdminsRead(), diags, tc.want)
		}
		// fmt writes the setting back as it was read.
		if tc.lines != "" && !strings.Contains(string(ladder.FrameworkYAML(f)), tc.lines) {
			t.Errorf("%q: rungs.yaml as written lost the setting", tc.lines)
		}
	}
}
