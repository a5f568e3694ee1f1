package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/rungs/rungs/internal/store"
)

// progressOn returns a store.Progress that draws a bar of what is being done on w when w is
// a terminal, and nil otherwise: a script or a log gets the command's lines alone. end
// finishes the bar's line, whether the work ended or stopped.
func progressOn(w io.Writer, what string) (p store.Progress, end func()) {
	if !isTerminal(w) {
		return nil, func() {}
	}
	return progressBar(w, what)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// minBarFiles is how many files a build renders at least for it to draw a bar: a smaller one
// (the bundled frameworks have a few dozen pages) is over before a bar would say anything.
const minBarFiles = 500

// buildProgress is a site.Options.Progress that draws a bar of the files rendered on w when
// terminal is true and the build renders more than minBarFiles, nil when no bar can be
// drawn; end finishes the bar's line.
func buildProgress(w io.Writer, terminal bool) (progress func(done, total int), end func()) {
	if !terminal {
		return nil, func() {}
	}
	bar, end := progressBar(w, "Rendering")
	return func(done, total int) {
		if total > minBarFiles {
			bar(done, total)
		}
	}, end
}

// progressBar draws the bar on w, terminal or not; it is made when the first report says how
// much there is to do. When no report knows (total 0: an export that counts as it goes), it
// is a spinner with the count done.
func progressBar(w io.Writer, what string) (store.Progress, func()) {
	var bar *progressbar.ProgressBar
	report := func(done, total int) {
		if bar == nil {
			opts := []progressbar.Option{progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(what),
				progressbar.OptionSetWidth(30), progressbar.OptionShowCount(),
				progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) })}
			if total <= 0 {
				total = -1 // progressbar's spinner
				// The spinner turns at each report, not on a timer: with a timer progressbar
				// draws it from a goroutine of its own, which never ends for a spinner and
				// went on drawing over the lines after the command's, unlocked against them.
				opts = append(opts, progressbar.OptionSpinnerType(14), progressbar.OptionShowIts(), progressbar.OptionSetItsString("rows"),
					progressbar.OptionSetSpinnerChangeInterval(0))
			} else {
				// A bar is drawn at most every 65 ms, and always at its end: a build reports
				// each of thousands of files, and drawing each would slow it. (A spinner's
				// reports come every few hundred rows, and it would not show the last count.)
				opts = append(opts, progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(65*time.Millisecond))
			}
			bar = progressbar.NewOptions(total, opts...)
		}
		_ = bar.Set(done) // drawing on a terminal that went away is no reason to stop the work
	}
	end := func() {
		if bar != nil && !bar.IsFinished() {
			fmt.Fprintln(w) // the next line starts below the bar, not over it
		}
	}
	return report, end
}
