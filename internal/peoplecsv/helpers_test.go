package peoplecsv_test

import (
	"testing"
	"time"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/ladder"
)

// bundled is the engineering framework rungs ships: a ladder with tracks (engineering) and one
// without (engineering-management).
func bundled(t testing.TB) *ladder.Framework {
	t.Helper()
	fsys, ok := frameworks.FS(frameworks.Default)
	if !ok {
		t.Fatal("no bundled framework")
	}
	f, diags, err := ladder.Load(fsys)
	if err != nil || diags.HasErrors() {
		t.Fatalf("load bundled framework: %v %v", err, diags)
	}
	return f
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}
