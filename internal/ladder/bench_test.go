package ladder

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/gen"
)

// BenchmarkLoad measures loading and checking the bundled framework and a generated one of
// 1,600 levels (200 ladders x 8 levels, about 800 words each).
func BenchmarkLoad(b *testing.B) {
	b.Run("bundled", func(b *testing.B) {
		fsys, _ := frameworks.FS(frameworks.Default)
		for b.Loop() {
			if _, _, err := Load(fsys); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("1600-levels", func(b *testing.B) {
		dir := filepath.Join(b.TempDir(), "fw")
		if err := gen.Write(dir, gen.Spec{Ladders: 200, Levels: 8, WordsPerLevel: 800}); err != nil {
			b.Fatal(err)
		}
		fsys := os.DirFS(dir)
		for b.Loop() {
			if _, _, err := Load(fsys); err != nil {
				b.Fatal(err)
			}
		}
	})
}
