package gen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rungs/rungs/internal/ladder"
)

// The generated framework must load cleanly and be about the requested size, or benchmarks
// built on it measure the wrong thing.
func TestGeneratedFrameworkIsValid(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fw")
	if err := Write(dir, Spec{Ladders: 3, Levels: 8, WordsPerLevel: 800}); err != nil {
		t.Fatal(err)
	}
	f, diags, err := ladder.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(diags) > 0 {
		t.Fatalf("generated framework has problems:\n%s", diags.Error())
	}
	if len(f.Ladders) != 3 || len(f.Ladders[0].Levels) != 8 {
		t.Fatalf("got %d ladders of %d levels", len(f.Ladders), len(f.Ladders[0].Levels))
	}
	words := 0
	for _, la := range f.Ladders[0].Levels[0].Areas {
		for _, e := range la.Expectations {
			words += len(strings.Fields(e.Text))
		}
	}
	if words < 600 || words > 1000 {
		t.Errorf("a level has %d words, want about 800", words)
	}
}
