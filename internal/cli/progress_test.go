package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The bar shows what is done of how much, ends its line when the work ends or stops, and is
// not drawn at all where no one watches (a file, a pipe, a log).
func TestProgress(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	report, end := progressBar(&out, "Importing")
	for _, done := range []int{500, 1000, 1500, 1600} {
		report(done, 1600)
	}
	end()
	got := out.String()
	for _, want := range []string{"Importing", "100%", "1600/1600"} {
		if !strings.Contains(got, want) {
			t.Errorf("the finished bar lacks %q: %q", want, got)
		}
	}
	if !strings.HasSuffix(got, "\n") || strings.HasSuffix(got, "\n\n") {
		t.Errorf("the finished bar does not end its line once: %q", got)
	}

	out.Reset()
	report, end = progressBar(&out, "Importing")
	report(500, 1600)
	end() // stopped half-way: what comes next starts on a line of its own
	if got := out.String(); !strings.Contains(got, "31%") || !strings.HasSuffix(got, "\n") {
		t.Errorf("a stopped bar: %q", got)
	}

	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if report, end := progressOn(f, "Importing"); report != nil {
		report(1, 2)
		end()
		t.Error("a bar is drawn into a file")
	}
	if report, _ := progressOn(&out, "Importing"); report != nil {
		t.Error("a bar is drawn into a writer that is not a terminal")
	}
}

// An export that does not know its total ahead shows a spinner with the rows written, the
// last count included, and ends its line.
func TestProgressSpinner(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	report, end := progressBar(&out, "Writing the level history")
	for _, done := range []int{256, 512, 600} {
		report(done, 0)
	}
	end()
	got := out.String()
	// Nothing is drawn after the end: the spinner turned on a timer once, from a goroutine
	// that went on drawing every 100 ms.
	time.Sleep(300 * time.Millisecond)
	if after := out.String(); after != got {
		t.Errorf("the spinner drew after its end: %q", strings.TrimPrefix(after, got))
	}
	for _, want := range []string{"Writing the level history", "600"} {
		if !strings.Contains(got, want) {
			t.Errorf("the spinner lacks %q: %q", want, got)
		}
	}
	if strings.Contains(got, "%") || !strings.HasSuffix(got, "\n") || strings.HasSuffix(got, "\n\n") {
		t.Errorf("the spinner: %q", got)
	}
}

// A build draws its bar on a terminal, and only when it renders more than minBarFiles.
func TestProgressBuild(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	if progress, _ := buildProgress(&out, false); progress != nil {
		t.Error("a build draws a bar where no terminal is")
	}
	progress, end := buildProgress(&out, true)
	for done := range minBarFiles {
		progress(done+1, minBarFiles)
	}
	end()
	if out.Len() != 0 {
		t.Errorf("a small build drew: %q", out.String())
	}
	progress, end = buildProgress(&out, true)
	for done := range 1600 {
		progress(done+1, 1600)
	}
	end()
	got := out.String()
	for _, want := range []string{"Rendering", "100%", "1600/1600"} {
		if !strings.Contains(got, want) {
			t.Errorf("the build's bar lacks %q: %q", want, got)
		}
	}
}
