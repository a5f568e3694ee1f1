package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/rungs/rungs/internal/charset"
	"github.com/rungs/rungs/internal/fsutil"
	"github.com/rungs/rungs/internal/hugo"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/sheet"
)

var importCommand = &command{
	name:    "import",
	summary: "make a framework from a Hugo ladder site, Markdown level pages or a spreadsheet",
	usage: `
Usage:
  rungs import [--from hugo|markdown|csv|xlsx] SRC -o OUT [--shape matrix|milestones] [--force]

Reads a career ladder kept elsewhere and writes it as a framework folder OUT, in canonical form
with stable ids, ready for rungs check. It prints what it imported (ladders, levels, and
expectations per area) and a warning for each thing it could not map as it was, once, with the
files it concerns. Nothing is written when the source has errors or the result would not pass
rungs check.

Sources (--from; by default told from SRC: a folder with content/ is a Hugo site, another
folder or a .md file Markdown, else the file's extension):
  hugo      a Hugo docs site: content/docs/<function>/ holds a ladder (_index.md its
            introduction, one page per level with ## Core Competencies, ## Functional
            Competencies, ## Behavioral Competencies and ## Broad Indicators sections, ordered by
            weight); other pages there and in content/docs become pages. Shortcodes become the
            Markdown they mean (a callout a note, cards a list of links), raw HTML becomes
            Markdown, comments are dropped, and an unknown heading becomes an area. A site that
            rungs export wrote (with data/rungs/) imports as the very same framework.
  markdown  a folder of level pages, one file per level, whose headings are its areas under any
            names; front matter optional; levels ordered by the folder's ladder.yaml, weights,
            the links to them in README.md, a number in the file name or title, or seniority
            words in the title; sub-folders of level pages are ladders of their own. Or one
            file holding a whole ladder, a heading per level.
  csv       a spreadsheet saved as CSV; sections under [Name] rows are sheets
  xlsx      an Excel workbook, one ladder per sheet

Spreadsheet shapes (--shape; by default told from each sheet's header row):
  matrix      a header row of level titles after an Area column (optionally Group, Track and
              Competency before it); one row per competency; each cell holds that level's
              expectations, one per line, bullets allowed, indented bullets as examples; a
              Description column after Area describes the areas; rows of "Name: text" are
              traits. Rows named Level id, Code, Summary, Tenure, Time split: <area>,
              Introduction and Indicator notes right under the header describe the levels.
              rungs export writes this shape.
  milestones  one row per track with its Category, then for each milestone "Milestone N
              summary", "... signals", "... examples" and optionally "... points"; a Levels
              sheet may give the points each level starts at. Milestones become levels,
              tracks areas; points are kept on a page.

Text must be UTF-8: a CSV file or a site's file that is not is refused at its first odd byte,
saying what it looks like (Excel on Windows saves CSV as Windows-1252) and how to convert it;
or read it as it is with --encoding. Ctrl-C stops the import, and nothing is written.

Flags:
  -o OUT       the framework folder to write (must be new or empty)
  --force      write into a folder that is not empty
  --from       the kind of source, as above
  --shape      the spreadsheet shape, as above
  --encoding   the encoding of a CSV file or of a Hugo site's files: utf-8 (the default),
               windows-1252, latin1 or utf-16

Examples:
  rungs import --from hugo ./ladder-site -o career-ladder
  rungs import --from markdown ./our-ladder -o career-ladder
  rungs import ladder.xlsx -o career-ladder
  rungs import --from csv growth.csv --shape milestones -o growth
`,
	run: runImport,
}

func runImport(e *env, args []string) error {
	fset := flag.NewFlagSet("import", flag.ContinueOnError)
	from := fset.String("from", "", "")
	out := fset.String("o", "", "")
	shape := fset.String("shape", "", "")
	force := fset.Bool("force", false, "")
	encoding := fset.String("encoding", charset.UTF8, "")
	pos, err := parseFlags(fset, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"import needs one source: rungs import [--from hugo|markdown|csv|xlsx] SRC -o OUT"}
	}
	if *out == "" {
		return usageError{"import needs a folder to write: -o OUT"}
	}
	enc, err := encodingFlag(*encoding)
	if err != nil {
		return err
	}
	src := pos[0]
	st, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("%s: no such file or folder", src)
	}
	kind := *from
	if kind == "" {
		switch {
		case st.IsDir() && isHugoSite(src):
			kind = "hugo"
		case st.IsDir():
			kind = "markdown"
		case strings.EqualFold(filepath.Ext(src), ".md") || strings.EqualFold(filepath.Ext(src), ".markdown"):
			kind = "markdown"
		case strings.EqualFold(filepath.Ext(src), ".csv"):
			kind = "csv"
		case strings.EqualFold(filepath.Ext(src), ".xlsx"):
			kind = "xlsx"
		default:
			return usageError{fmt.Sprintf("cannot tell what %s is; say --from hugo, markdown, csv or xlsx", src)}
		}
	}
	if *shape != "" && *shape != sheet.ShapeMatrix && *shape != sheet.ShapeMilestones {
		return usageError{fmt.Sprintf("unknown shape %q%s; use matrix or milestones", *shape, ladder.Suggest(*shape, []string{"matrix", "milestones"}))}
	}
	if kind == "xlsx" && enc != charset.UTF8 {
		return usageError{"--encoding is for CSV files and Hugo sites; an xlsx workbook says its own"}
	}
	if err := importTarget(src, *out); err != nil {
		return err
	}
	if err := writableFolder(e, *out, *force); err != nil {
		return err
	}

	var f *ladder.Framework
	var warnings []string
	// inSource names a file of a folder source as one you can open from here.
	inSource := func(file string) string { return filepath.Join(src, filepath.FromSlash(file)) }
	switch kind {
	case "hugo", "markdown":
		var res *hugo.Result
		var err error
		switch {
		case kind == "markdown" && !st.IsDir():
			dir := charset.FS(os.DirFS(filepath.Dir(src)), enc, hugoText)
			res, err = untilStopped(e.ctx, func() (*hugo.Result, error) {
				return hugo.ImportMarkdown(hugo.MarkdownSource{FS: dir, File: filepath.Base(src), Name: filepath.Base(src)})
			})
			inSource = func(file string) string { return filepath.Join(filepath.Dir(src), filepath.FromSlash(file)) }
		case kind == "markdown":
			name := filepath.Base(src)
			if abs, err := filepath.Abs(src); err == nil {
				name = filepath.Base(abs) // "." is named by the folder it is
			}
			dir := charset.FS(os.DirFS(src), enc, hugoText)
			res, err = untilStopped(e.ctx, func() (*hugo.Result, error) {
				return hugo.ImportMarkdown(hugo.MarkdownSource{FS: dir, Name: name})
			})
		case !st.IsDir():
			return fmt.Errorf("%s is a file; --from hugo reads a Hugo site's folder", src)
		default:
			site := charset.FS(os.DirFS(src), enc, hugoText)
			res, err = untilStopped(e.ctx, func() (*hugo.Result, error) { return hugo.Import(site) })
		}
		if err := stopped(e.ctx, err, "nothing was written"); err != nil {
			if errors.Is(err, hugo.ErrNotASite) {
				return fmt.Errorf("%s: %w (a folder of Markdown level pages imports with --from markdown)", src, err)
			}
			if notText := encodingError(inSource("."), err, true); notText != nil {
				return notText
			}
			msg := err.Error()
			if file, _, ok := strings.Cut(msg, ":"); ok && file != "" {
				if _, err := os.Stat(inSource(file)); err == nil {
					return errors.New(inSource(file) + msg[len(file):]) // a file:line you can open
				}
			}
			return err
		}
		f = res.Framework
		for _, w := range res.Warnings {
			warnings = append(warnings, w.Format(inSource))
		}
	case "csv", "xlsx":
		if st.IsDir() {
			return fmt.Errorf("%s is a folder; --from %s reads a file", src, kind)
		}
		res, err := untilStopped(e.ctx, func() (*sheet.Result, error) {
			data, err := os.ReadFile(src)
			if err != nil {
				return nil, err
			}
			if kind == "csv" {
				if data, err = charset.Decode(data, enc); err != nil {
					return nil, err
				}
			}
			return sheet.Read(src, data, sheet.Options{Format: kind, Shape: *shape})
		})
		if err := stopped(e.ctx, err, "nothing was written"); err != nil {
			var problems sheet.Problems
			if errors.As(err, &problems) {
				for _, p := range problems {
					fmt.Fprintln(e.stderr, p)
				}
				fmt.Fprintf(e.stderr, "%s; nothing was written.\n", plural(len(problems), "error"))
				return exitError{1}
			}
			if notText := encodingError(src, err, true); notText != nil {
				return notText
			}
			return err
		}
		f, warnings = res.Framework, res.Warnings
	default:
		return usageError{fmt.Sprintf("unknown source %q%s; use hugo, markdown, csv or xlsx", kind, ladder.Suggest(kind, []string{"hugo", "markdown", "csv", "xlsx"}))}
	}

	files, err := ladder.Files(f)
	if err != nil {
		return err
	}
	checked, err := untilStopped(e.ctx, func() (loadResult, error) { return loadFiles(files) })
	if err := stopped(e.ctx, err, "nothing was written"); err != nil {
		return fmt.Errorf("the imported framework cannot be read: %w", err)
	}
	if checked.diags.HasErrors() {
		fmt.Fprintf(e.stderr, "rungs: the imported framework would not pass rungs check; nothing was written:\n")
		printDiagnostics(e, *out, checked.diags)
		return exitError{1}
	}
	if err := writeFolder(e, *out, files, *force); err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	fmt.Fprintf(e.stdout, "Imported %s to %s: %s", src, *out, summary(f))
	if n := len(checked.diags); n > 0 {
		fmt.Fprintf(e.stdout, "rungs check %s reports %s to look at.\n", *out, plural(n, "warning"))
	}
	fmt.Fprintf(e.stdout, "Next:\n  rungs check %s\n", *out)
	return nil
}

// isHugoSite reports whether a folder is a Hugo site: it has a content/ folder.
func isHugoSite(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, "content"))
	return err == nil && st.IsDir()
}

// hugoText tells the files of a Hugo site that hold text: content and configuration.
func hugoText(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".markdown", ".html", ".htm", ".yaml", ".yml", ".toml", ".json":
		return true
	}
	return false
}

// importTarget refuses an import that would write into the Hugo site it reads, or over a
// folder that holds it.
func importTarget(src, out string) error {
	s, err := fsutil.RealPath(src)
	if err != nil {
		return err
	}
	o, err := fsutil.RealPath(out)
	if err != nil {
		return err
	}
	if fsutil.Within(s, o) {
		return fmt.Errorf("%s holds %s, the site being imported; write the framework into a new folder", out, src)
	}
	return nil
}
