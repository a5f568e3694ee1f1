package cli

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/rungs/rungs/internal/changes"
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
one step, so a failed build leaves OUT as it was. OUT must be missing, empty or an earlier build.
The same input always gives byte-identical output.

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
	start := time.Now()
	f, diags, err := load(dir)
	if err != nil {
		return err
	}
	if printDiagnostics(e, dir, diags) {
		fmt.Fprintln(e.stderr, "rungs: not built: fix the errors above first")
		return exitError{1}
	}
	if *out == "" {
		*out = filepath.Join(dir, "public")
	}
	if *baseURL == "" {
		*baseURL = f.BaseURL
	}
	opts := site.Options{BaseURL: *baseURL}
	opts.History, opts.HistorySource = history(e, dir)
	s, err := site.Render(f, os.DirFS(dir), opts)
	if err != nil {
		return err
	}
	if err := s.WriteDir(*out); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	fmt.Fprintf(e.stdout, "Built %d files into %s in %s.\n", len(s.Files), *out, time.Since(start).Round(time.Millisecond))
	return nil
}

// historyLimit is how many commits the "What changed" page shows: enough to follow recent
// changes, and each one means reading that version of the framework from git.
const historyLimit = 25

// history gathers what the "What changed" page shows: the framework's git history, or its
// CHANGELOG.md. Without either the site simply has no such page; a git failure is a warning,
// never a reason not to publish.
func history(e *env, dir string) ([]changes.Entry, string) {
	entries, source, err := changes.WhatChanged(e.ctx, dir, historyLimit)
	if err != nil {
		fmt.Fprintf(e.stderr, "rungs: warning: no \"What changed\" page: %v\n", err)
		return nil, ""
	}
	return entries, source
}
