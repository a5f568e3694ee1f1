package cli

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rungs/rungs/internal/fsutil"
	"github.com/rungs/rungs/internal/ladder"
)

var fmtCommand = &command{
	name:    "fmt",
	summary: "rewrite framework files in canonical form and give expectations stable ids",
	usage: `
Usage:
  rungs fmt [DIR] [--check]

Rewrites the YAML and Markdown files of the framework in DIR (default: the current folder) into
one canonical form, and gives every expectation without an id a stable one, written back into
the file as {#id}. Once written, an id never changes when the text is edited, so links and
assessments keep pointing at the right expectation. Running it twice changes nothing.
Prints the path of each file it rewrote.

A file it cannot read (a YAML or structure error, text that is not UTF-8, a level without
front matter) is reported and left untouched; fmt then exits 1. Every file is rewritten whole
(into a temporary file renamed over it); Ctrl-C stops between two files.

Flags:
  --check   change nothing; list the files that are not formatted and exit 1 if there are any

Examples:
  rungs fmt
  rungs fmt --check frameworks/engineering
`,
	run: runFmt,
}

func runFmt(e *env, args []string) error {
	fs := flag.NewFlagSet("fmt", flag.ContinueOnError)
	check := fs.Bool("check", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	dir, err := oneDir(pos)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, ladder.FrameworkFile)); err != nil {
		return fmt.Errorf("%s has no %s: is it a framework folder?", dir, ladder.FrameworkFile)
	}
	type formatted struct {
		changed []ladder.FormattedFile
		diags   ladder.Diagnostics
	}
	res, err := untilStopped(e.ctx, func() (formatted, error) {
		changed, diags, err := ladder.Format(os.DirFS(dir))
		return formatted{changed, diags}, err
	})
	if err != nil {
		return stopped(e.ctx, err, "no file was changed")
	}
	changed, diags := res.changed, res.diags
	for i, f := range changed {
		path := filepath.Join(dir, filepath.FromSlash(f.Path))
		if !*check {
			if e.ctx.Err() != nil {
				return stoppedError{fmt.Sprintf("%d of %s rewritten, each whole; the others are as they were", i, plural(len(changed), "file"))}
			}
			if err := fsutil.WriteFileAtomic(path, f.New); err != nil {
				return err
			}
		}
		fmt.Fprintln(e.stdout, path)
	}
	failed := printDiagnostics(e, dir, diags)
	if failed || (*check && len(changed) > 0) {
		return exitError{1}
	}
	return nil
}
