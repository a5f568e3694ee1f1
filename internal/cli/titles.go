package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/titles"
)

var titlesCommand = &command{
	name:    "titles",
	summary: "look a job title up in the crosswalk",
	usage: `
Usage:
  rungs titles [DIR] QUERY [--format text|json]

Finds which of the framework's levels a title used elsewhere corresponds to, from the
crosswalk (crosswalk.yaml) and the levels' own titles and codes. Matching forgives case,
punctuation, abbreviations ("Sr." is "Senior", "SWE" is "Software Engineer", "SDE" is
"Software Development Engineer") and numbering ("SDE 2", "SDE2" and "SDE II" are the same).

A title that matches as a whole wins; otherwise every title holding all the words of QUERY is
listed, shortest first. When nothing matches, rungs prints the nearest titles and exits 1.

DIR is the framework folder (default: the current folder); it is taken as DIR when it is a
folder and more words follow. The words of QUERY need no quotes.

  --format   text (default) or json

Examples:
  rungs titles "SDE II"
  rungs titles frameworks/engineering Sr. Software Engineer
  rungs titles staff --format json
`,
	run: runTitles,
}

func runTitles(e *env, args []string) error {
	fs := flag.NewFlagSet("titles", flag.ContinueOnError)
	format := fs.String("format", "text", "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError{fmt.Sprintf("unknown format %q%s; use text or json", *format, ladder.Suggest(*format, []string{"text", "json"}))}
	}
	dir, named := ".", false
	if len(pos) > 1 {
		if st, err := os.Stat(pos[0]); err == nil && st.IsDir() {
			dir, pos, named = pos[0], pos[1:], true
		}
	}
	if len(pos) == 1 {
		if _, err := os.Stat(filepath.Join(pos[0], ladder.FrameworkFile)); err == nil {
			return usageError{fmt.Sprintf("titles needs a title to look up after the folder, such as: rungs titles %s \"SDE II\"", pos[0])}
		}
	}
	query := strings.Join(pos, " ")
	if titles.Normalise(query) == "" {
		return usageError{"titles needs a title to look up, such as: rungs titles \"SDE II\""}
	}
	var f *ladder.Framework
	var diags ladder.Diagnostics
	if _, statErr := os.Stat(filepath.Join(dir, ladder.FrameworkFile)); statErr != nil && !named {
		// As serve does: outside a framework, the bundled one answers, and says so.
		fsys, _ := frameworks.FS(frameworks.Default)
		fmt.Fprintf(e.stderr, "No %s here: looking in the bundled %s framework's crosswalk.\n", ladder.FrameworkFile, frameworks.Default)
		f, diags, err = ladder.Load(fsys)
	} else {
		f, diags, err = load(dir)
	}
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		printDiagnostics(e, dir, diags)
		return fmt.Errorf("%s has errors; fix them first ('rungs check %s')", dir, dir)
	}
	res := titles.Lookup(titles.Entries(f), query)
	if *format == "json" {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s\n", b)
	} else {
		printTitles(e, res)
	}
	if len(res.Matches) == 0 {
		return exitError{1}
	}
	return nil
}

func printTitles(e *env, res titles.Result) {
	if len(res.Matches) == 0 {
		var near []string
		for _, n := range res.Nearest {
			near = append(near, fmt.Sprintf("%q (%s)", n.Title, levelLabel(n)))
		}
		msg := fmt.Sprintf("no title matches %q", res.Query)
		if len(near) > 0 {
			msg += "; nearest: " + strings.Join(near, ", ")
		}
		fmt.Fprintln(e.stderr, msg)
		return
	}
	for i, m := range res.Matches {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		fmt.Fprintf(e.stdout, "%s -> %s\n", m.Title, levelLabel(m))
		switch {
		case m.Note != "":
			fmt.Fprintf(e.stdout, "  %s\n", m.Note)
		case m.Own:
			fmt.Fprintf(e.stdout, "  Our own title for this level.\n")
		}
	}
}

// levelLabel is "Senior Engineer (E3), Engineering ladder, engineering/senior".
func levelLabel(m titles.Entry) string {
	s := m.LevelTitle
	if m.Code != "" {
		s += " (" + m.Code + ")"
	}
	return s + ", " + m.LadderTitle + " ladder, " + m.Ladder + "/" + m.Level
}
