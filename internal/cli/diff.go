package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/rungs/rungs/internal/changes"
	"github.com/rungs/rungs/internal/ladder"
)

var diffCommand = &command{
	name:    "diff",
	summary: "show what changed between two versions of a framework",
	usage: `
Usage:
  rungs diff OLD NEW [--format text|md|json] [--exit-code]
  rungs diff --git REV1 REV2 [DIR] [--format text|md|json] [--exit-code]

Compares two versions of a framework: two folders, or the framework in DIR (default: the
current folder) at two git revisions, read straight from git without touching the working
tree. Per ladder, level and area it shows expectations added, removed and changed (matched by
their ids, a changed one as a word diff: [-removed-] {+added+}), levels added, removed, renamed
and reordered, and changed time splits, tenure, titles and pages. Everything the files hold is
compared: the settings and rating scale, the crosswalk, groups, areas (their descriptions and
where they start), tracks, branches, equivalences, promotion guidance, indicator notes and the
order of every list, so "No changes." means the two say exactly the same.

Flags:
  --format      text (default; coloured when the output is a terminal), md or json
  --git         compare two git revisions (commits, branches or tags) of DIR
  --exit-code   exit 1 when there are changes, as git diff --exit-code does

Examples:
  rungs diff old-ladder career-ladder
  rungs diff --git v1.0 HEAD frameworks/engineering
  rungs diff --git HEAD~1 HEAD --format md > CHANGES.md
`,
	run: runDiff,
}

func runDiff(e *env, args []string) error {
	fset := flag.NewFlagSet("diff", flag.ContinueOnError)
	format := fset.String("format", "text", "")
	useGit := fset.Bool("git", false, "")
	exitCode := fset.Bool("exit-code", false, "")
	pos, err := parseFlags(fset, args)
	if err != nil {
		return err
	}
	switch *format {
	case "text", "md", "json":
	default:
		return usageError{fmt.Sprintf("unknown format %q%s; use text, md or json", *format, ladder.Suggest(*format, []string{"text", "md", "json"}))}
	}
	var old, new *ladder.Framework
	if *useGit {
		if len(pos) < 2 || len(pos) > 3 {
			return usageError{"diff --git needs two revisions and at most one folder: rungs diff --git REV1 REV2 [DIR]"}
		}
		dir := "."
		ctx := e.ctx // Ctrl-C stops the git reads too
		if len(pos) == 3 {
			dir = pos[2]
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return fmt.Errorf("%s: no such folder", dir)
			}
		} else if dir, err = findGitFramework(e, ctx); err != nil {
			return err
		}
		repo, err := changes.OpenRepo(ctx, dir)
		if err != nil {
			return err
		}
		if old, err = loadRev(e, ctx, repo, dir, pos[0]); err != nil {
			return err
		}
		if new, err = loadRev(e, ctx, repo, dir, pos[1]); err != nil {
			return err
		}
	} else {
		if len(pos) != 2 {
			return usageError{"diff needs two framework folders: rungs diff OLD NEW (or --git REV1 REV2 [DIR])"}
		}
		if old, err = loadClean(e, pos[0]); err != nil {
			return err
		}
		if new, err = loadClean(e, pos[1]); err != nil {
			return err
		}
	}
	d := changes.Compare(old, new)
	switch *format {
	case "json":
		b, err := json.MarshalIndent(d, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s\n", b)
	case "md":
		fmt.Fprint(e.stdout, changes.Markdown(d))
	default:
		changes.WriteText(e.stdout, d, colour(e.stdout))
	}
	if *exitCode && !d.Empty() {
		return exitError{1}
	}
	return nil
}

// loadClean loads a framework folder and refuses one with errors, printing them.
func loadClean(e *env, dir string) (*ladder.Framework, error) {
	f, diags, err := load(dir)
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		printDiagnostics(e, dir, diags)
		return nil, fmt.Errorf("%s has errors; fix them to compare it", dir)
	}
	return f, nil
}

func loadRev(e *env, ctx context.Context, repo *changes.Repo, dir, rev string) (*ladder.Framework, error) {
	f, diags, err := repo.Load(ctx, rev)
	if errors.Is(err, changes.ErrAbsent) {
		return nil, fmt.Errorf("%s holds no framework at %s (no %s there)", dir, rev, ladder.FrameworkFile)
	}
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		// Name each file as git does, rev:path from the top of the repository, so that
		// `git show` opens exactly the version that has the problem.
		for i := range diags {
			diags[i].Pos.File = rev + ":" + repo.Prefix() + diags[i].Pos.File
		}
		printDiagnostics(e, "", diags)
		return nil, fmt.Errorf("the framework has errors at %s; fix them to compare it", rev)
	}
	return f, nil
}

// findGitFramework is the framework folder diff --git compares when none is named: the current
// folder when it holds a rungs.yaml, else the only folder under it that git tracks one in.
func findGitFramework(e *env, ctx context.Context) (string, error) {
	if _, err := os.Stat(ladder.FrameworkFile); err == nil {
		return ".", nil
	}
	out, err := exec.CommandContext(ctx, "git", "ls-files", "-z", "--", "*"+ladder.FrameworkFile).Output()
	if err != nil {
		return ".", nil // not in git: OpenRepo says so
	}
	var dirs []string
	for _, p := range strings.Split(string(out), "\x00") {
		if p != "" && path.Base(p) == ladder.FrameworkFile {
			dirs = append(dirs, filepath.FromSlash(path.Dir(p)))
		}
	}
	switch len(dirs) {
	case 0:
		return "", fmt.Errorf("no %s here or in any folder below that git tracks; name the framework folder: rungs diff --git REV1 REV2 DIR", ladder.FrameworkFile)
	case 1:
		fmt.Fprintf(e.stderr, "rungs: comparing the framework in %s, the only one here\n", dirs[0])
		return dirs[0], nil
	}
	return "", usageError{fmt.Sprintf("no %s here, and there are %d frameworks below: name one (rungs diff --git REV1 REV2 DIR): %s", ladder.FrameworkFile, len(dirs), strings.Join(dirs, ", "))}
}

// colour reports whether w is a terminal that wants colour: not when NO_COLOR is set
// (no-color.org), nor when the output goes to a file or a pipe.
func colour(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
