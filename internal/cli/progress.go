package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/rungs/rungs/internal/store"
)

// progressOn returns a store.Progress that draws a bar of what is being done on w when w is
// a terminal, and nil otherwise: a script or a log gets the command's lines alone. end
// finishes the bar's line, whether the work ended or stopped.
func progressOn(w io.Writer, what string) (p store.Progress, end func()) {
	if f, ok := w.(*os.File); !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, func() {}
	}
	return progressBar(w, what)
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
				opts = append(opts, progressbar.OptionSpinnerType(14), progressbar.OptionShowIts(), progressbar.OptionSetItsString("rows"))
			} else {
				opts = append(opts, progressbar.OptionSetPredictTime(true))
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
