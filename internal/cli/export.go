package cli

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/rungs/rungs/internal/handout"
	"github.com/rungs/rungs/internal/hugo"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/sheet"
)

var exportCommand = &command{
	name:    "export",
	summary: "write a framework as JSON, a spreadsheet, Markdown handouts or a Hugo site",
	usage: `
Usage:
  rungs export [DIR] --format json|csv|xlsx|md|hugo [-o PATH] [--force]

Writes the framework in DIR (default: the current folder) in another format. A framework with
errors is not exported (the errors are printed as rungs check prints them).

Formats:
  json   framework.json: the whole model with its format version (to stdout without -o)
  csv    the matrix shape, one section per sheet under a [Name] row (to stdout without -o)
  xlsx   the matrix shape as a workbook: a sheet per ladder (a column per level, a row per
         competency), then the areas, tracks, pages, scale and crosswalk; needs -o FILE
  md     one readable document per ladder, to share or print: to stdout without -o, to FILE
         with -o FILE.md and a single ladder, else one <ladder>.md per ladder into folder -o
  hugo   a Hugo site for the Hextra theme with the same pages in the same order; needs -o DIR.
         Ids and the framework's YAML are kept where Hugo does not show them (data/rungs/)

csv, xlsx and hugo read back with rungs import into the very same framework. Files and folders are
written whole or not at all; an existing file, or a folder that is not empty, is only replaced
with --force. The framework's own files and folders are never written over: -o cannot be DIR
itself, a folder holding it, rungs.yaml, crosswalk.yaml, or ladders, pages or schema.

Examples:
  rungs export --format xlsx -o ladder.xlsx
  rungs export frameworks/engineering --format md -o handouts
  rungs export --format hugo -o site && cd site && hugo server
`,
	run: runExport,
}

func runExport(e *env, args []string) error {
	fset := flag.NewFlagSet("export", flag.ContinueOnError)
	format := fset.String("format", "", "")
	out := fset.String("o", "", "")
	force := fset.Bool("force", false, "")
	pos, err := parseFlags(fset, args)
	if err != nil {
		return err
	}
	dir, err := oneDir(pos)
	if err != nil {
		return err
	}
	formats := []string{"json", "csv", "xlsx", "md", "hugo"}
	switch *format {
	case "":
		return usageError{"export needs --format: one of " + strings.Join(formats, ", ")}
	case "xlsx", "hugo":
		if *out == "" {
			return usageError{fmt.Sprintf("--format %s needs -o PATH", *format)}
		}
	case "json", "csv", "md":
	default:
		return usageError{fmt.Sprintf("unknown format %q%s; use %s", *format, ladder.Suggest(*format, formats), strings.Join(formats, ", "))}
	}
	f, diags, err := loadUntilStopped(e, dir, "nothing was exported")
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		printDiagnostics(e, dir, diags)
		fmt.Fprintln(e.stderr, "rungs: fix the errors first; nothing was exported.")
		return exitError{1}
	}

	if *out != "" {
		if err := outsideFramework(dir, *out, f.Logo); err != nil {
			return err
		}
	}

	var data []byte
	switch *format {
	case "json":
		if data, err = ladder.JSON(f); err != nil {
			return err
		}
	case "csv":
		data = sheet.WriteCSV(sheet.Matrix(f))
	case "xlsx":
		if data, err = sheet.WriteXLSX(sheet.Matrix(f)); err != nil {
			return err
		}
	case "md":
		names, docs := handout.Documents(f)
		switch {
		case *out == "":
			for i, n := range names {
				if i > 0 {
					fmt.Fprint(e.stdout, "\n---\n\n")
				}
				e.stdout.Write(docs[n])
			}
			return nil
		case strings.EqualFold(filepath.Ext(*out), ".md") && len(names) == 1:
			data = docs[names[0]]
		case strings.EqualFold(filepath.Ext(*out), ".md"):
			return usageError{fmt.Sprintf("the framework has %d ladders, one handout each: give -o a folder", len(names))}
		default:
			if err := writeFolder(e, *out, docs, *force); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Wrote %s to %s: %s\n", plural(len(names), "handout"), *out, strings.Join(names, ", "))
			return nil
		}
	case "hugo":
		files := hugo.Export(f)
		if err := writeFolder(e, *out, files, *force); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Wrote a Hugo site for the Hextra theme to %s (%d files).\nNext:\n  cd %s && hugo server\n", *out, len(files), *out)
		return nil
	}
	if *out == "" {
		_, err := e.stdout.Write(data)
		return err
	}
	if err := writeFile(e, *out, data, *force); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Wrote %s\n", *out)
	return nil
}
