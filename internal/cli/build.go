package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/rungs/rungs/internal/changes"
	"github.com/rungs/rungs/internal/fsutil"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/site"
)

var buildCommand = &command{
	name:    "build",
	summary: "publish the framework as a static website",
	usage: `
Usage:
  rungs build [DIR] [-o OUT] [--base-url URL]

Renders the framework in DIR (default: the current folder) into a static website in OUT
(default: DIR/public): a home page, an overview and a matrix per ladder, a page per level,
level comparison, self-assessment, the title crosswalk, search, your free pages, a "What
changed" page (from the framework's git history, or its CHANGELOG.md), a 404 page, sitemap.xml
and framework.json. Host it anywhere that serves files.

A framework with errors is not built: the errors are printed as 'rungs check' prints them and
rungs exits 1. The build is atomic: the new site is written beside OUT and takes its place in
one step, so a failed or interrupted build (Ctrl-C) leaves OUT as it was. OUT must be missing,
empty or an earlier build, which rungs knows by the .rungs-build file it writes into each one:
any other folder is refused, and so are the framework folder, a folder holding it, the current
folder and the framework's ladders, pages and schema folders. The same input always gives
byte-identical output.

Flags:
  -o OUT           where to write the site (default: DIR/public)
  --base-url URL   where the site will live, such as https://acme.github.io/careers/; its path
                   prefixes every link (a project site on GitHub Pages), its host makes the
                   sitemap's addresses absolute (default: the framework's base_url)

Examples:
  rungs build
  rungs build frameworks/engineering -o site --base-url https://acme.github.io/careers/
`,
	run: runBuild,
}

func runBuild(e *env, args []string) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	out := fs.String("o", "", "")
	baseURL := fs.String("base-url", "", "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	dir, err := oneDir(pos)
	if err != nil {
		return err
	}
	if *out == "" {
		*out = filepath.Join(dir, "public")
	}
	// Refused before the work, and again (with the logo known) once the framework is loaded.
	if err := outsideFramework(dir, *out, ""); err != nil {
		return err
	}
	if err := fsutil.CheckReplaceable(*out); err != nil {
		return err
	}
	start := time.Now()
	limitMemory() // while loading: the model grows, and Go would let the heap reach twice it
	f, diags, err := loadUntilStopped(e, dir, "nothing was built")
	if err != nil {
		return err
	}
	if printDiagnostics(e, dir, diags) {
		fmt.Fprintln(e.stderr, "rungs: not built: fix the errors above first")
		return exitError{1}
	}
	if err := outsideFramework(dir, *out, f.Logo); err != nil {
		return err
	}
	if *baseURL == "" {
		*baseURL = f.BaseURL
	}
	limitMemory() // again, now that the model's size is known
	opts := site.Options{BaseURL: *baseURL}
	opts.History, opts.HistorySource = history(e, dir)
	var endProgress func()
	opts.Progress, endProgress = buildProgress(e.stderr, isTerminal(e.stderr))
	files := 0
	err = fsutil.ReplaceDir(e.ctx, *out, func(tmp string) error {
		// Each file is written as it is rendered. untilStopped returns at a signal even while
		// rendering waits (on a logo that is a named pipe, say); the rendering starts no more files.
		n, err := untilStopped(e.ctx, func() (int, error) { return site.BuildFiles(e.ctx, f, fsutil.DirFS(dir), opts, tmp) })
		files = n
		return err
	})
	endProgress()
	if err != nil {
		if e.ctx.Err() != nil {
			return stoppedError{fmt.Sprintf("nothing was written; %s is as it was", *out)}
		}
		var refused *fsutil.RefusedError
		if errors.As(err, &refused) {
			return err
		}
		return fmt.Errorf("build: %w", err)
	}
	fmt.Fprintf(e.stdout, "Built %d files into %s in %s.\n", files, *out, time.Since(start).Round(time.Millisecond))
	return nil
}

// loadResult is a loaded framework and its problems, as one value.
type loadResult struct {
	f     *ladder.Framework
	diags ladder.Diagnostics
}

// historyLimit is how many commits the "What changed" page shows: enough to follow recent
// changes, and each one means reading that version of the framework from git.
const historyLimit = 25

// history gathers what the "What changed" page shows: the framework's git history, or its
// CHANGELOG.md. Without either the site simply has no such page; a git failure is a warning,
// never a reason not to publish. What each commit changed is kept in the user's cache folder
// (~/.cache/rungs/history on Linux), so a build reads only the commits it has not seen.
func history(e *env, dir string) ([]changes.Entry, string) {
	cache := ""
	if d, err := os.UserCacheDir(); err == nil {
		cache = filepath.Join(d, "rungs", "history")
	}
	entries, source, err := changes.WhatChanged(e.ctx, dir, historyLimit, cache)
	if err != nil {
		fmt.Fprintf(e.stderr, "rungs: warning: no \"What changed\" page: %v\n", err)
		return nil, ""
	}
	return entries, source
}
