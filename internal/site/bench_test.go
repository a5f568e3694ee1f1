package site

import (
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/gen"
	"github.com/rungs/rungs/internal/ladder"
)

func loadFS(b *testing.B, dir string) *ladder.Framework {
	f, diags, err := ladder.Load(os.DirFS(dir))
	if err != nil || diags.HasErrors() {
		b.Fatalf("load: %v %s", err, diags.Error())
	}
	return f
}

// BenchmarkRender renders the bundled framework and a generated one of 1,600 level pages
// (200 ladders x 8 levels, about 800 words a level) into memory.
func BenchmarkRender(b *testing.B) {
	b.Run("bundled", func(b *testing.B) {
		fsys, _ := frameworks.FS(frameworks.Default)
		f, _, _ := ladder.Load(fsys)
		for b.Loop() {
			if _, err := Render(f, fsys, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("1600-levels", func(b *testing.B) {
		dir := filepath.Join(b.TempDir(), "fw")
		if err := gen.Write(dir, gen.Spec{Ladders: 200, Levels: 8, WordsPerLevel: 800}); err != nil {
			b.Fatal(err)
		}
		f := loadFS(b, dir)
		for b.Loop() {
			if _, err := Render(f, os.DirFS(dir), Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkHandler serves a level page from memory, gzipped, from parallel clients.
func BenchmarkHandler(b *testing.B) {
	fsys, _ := frameworks.FS(frameworks.Default)
	f, _, _ := ladder.Load(fsys)
	s, err := Render(f, fsys, Options{})
	if err != nil {
		b.Fatal(err)
	}
	h, _ := NewHandler(s, "")
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", "/ladders/engineering/senior/", nil)
			req.Header.Set("Accept-Encoding", "gzip")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != 200 {
				b.Fatal(w.Code)
			}
		}
	})
}

// discard is a sink that keeps nothing, for benchmarks of rendering alone.
type discard struct{}

func (discard) put(string, []byte) error { return nil }
func (discard) stream(_ string, write func(io.Writer) error) error {
	return write(io.Discard)
}
func (discard) workers() int { return 1 }

// BenchmarkSearchIndex builds the search index of a generated framework of 1,600 level pages.
func BenchmarkSearchIndex(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "fw")
	if err := gen.Write(dir, gen.Spec{Ladders: 200, Levels: 8, WordsPerLevel: 800}); err != nil {
		b.Fatal(err)
	}
	f := loadFS(b, dir)
	for b.Loop() {
		r := &renderer{f: f, base: "/", out: discard{}}
		r.init()
		if err := r.searchIndex(); err != nil {
			b.Fatal(err)
		}
	}
}
