package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rungs/rungs/internal/fsutil"
	"github.com/rungs/rungs/internal/ladder"
)

var checkCommand = &command{
	name:    "check",
	summary: "find every problem in a framework",
	usage: `
Usage:
  rungs check [DIR]

Checks the framework in DIR (default: the current folder) and prints every problem it finds,
one per line, as

  path:line:col: error: message
  path:line:col: warning: message

so editors and CI can jump to it. Exits 1 when there is any error, 0 otherwise (warnings alone
do not fail). Prints nothing when all is well.

Examples:
  rungs check
  rungs check frameworks/engineering
`,
	run: runCheck,
}

func runCheck(e *env, args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	dir, err := oneDir(pos)
	if err != nil {
		return err
	}
	_, diags, err := loadUntilStopped(e, dir, "nothing was checked")
	if err != nil {
		return err
	}
	if printDiagnostics(e, dir, diags) {
		return exitError{1}
	}
	return nil
}

// oneDir returns the framework folder named on the command line, or ".".
func oneDir(pos []string) (string, error) {
	switch len(pos) {
	case 0:
		return ".", nil
	case 1:
		return pos[0], nil
	}
	return "", usageError{fmt.Sprintf("expected one folder, got %d arguments", len(pos))}
}

// load reads the framework in dir, turning "no framework here" into advice.
func load(dir string) (*ladder.Framework, ladder.Diagnostics, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, nil, fmt.Errorf("%s: no such folder", dir)
	} else if !st.IsDir() {
		return nil, nil, fmt.Errorf("%s is not a folder", dir)
	}
	f, diags, err := ladder.Load(fsutil.DirFS(dir))
	if errors.Is(err, ladder.ErrNoFramework) {
		return nil, nil, fmt.Errorf("%s has no %s: is it a framework folder? ('rungs init DIR' starts one)", dir, ladder.FrameworkFile)
	}
	return f, diags, err
}

// loadUntilStopped is load, given up as soon as Ctrl-C stops the command; left is what the
// command then says it left behind.
func loadUntilStopped(e *env, dir, left string) (*ladder.Framework, ladder.Diagnostics, error) {
	r, err := untilStopped(e.ctx, func() (loadResult, error) {
		f, diags, err := load(dir)
		return loadResult{f, diags}, err
	})
	return r.f, r.diags, stopped(e.ctx, err, "%s", left)
}

// printDiagnostics prints each diagnostic with its path made relative to where rungs runs, and
// a count when there are any. It reports whether any was an error.
func printDiagnostics(e *env, dir string, diags ladder.Diagnostics) bool {
	errs, warns := 0, 0
	for _, d := range diags {
		d.Pos.File = filepath.Join(dir, filepath.FromSlash(d.Pos.File))
		fmt.Fprintln(e.stderr, d)
		if d.Severity == ladder.Error {
			errs++
		} else {
			warns++
		}
	}
	if errs+warns > 0 {
		fmt.Fprintf(e.stderr, "%s, %s\n", plural(errs, "error"), plural(warns, "warning"))
	}
	return errs > 0
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
