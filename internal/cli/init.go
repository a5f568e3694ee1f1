package cli

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/fsutil"
	"github.com/rungs/rungs/internal/ladder"
)

var initCommand = &command{
	name:    "init",
	summary: "start a framework from a bundled template",
	usage: `
Usage:
  rungs init DIR [--template NAME] [--force]
  rungs init --list

Writes a complete framework into DIR, ready to edit, check and publish, with a .gitignore that
keeps the built site (public/) out of git. DIR must not exist, be empty, or hold only what a
new git repository starts with (.git, a README, a LICENSE, .gitignore); nothing is written
otherwise. An existing .gitignore gets the line for public/ added. The files point editors at
JSON Schemas copied into DIR/schema, so keys complete as you type.

Flags:
  --template NAME   the template to start from (default: engineering)
  --force           write into a folder that is not empty; files with the template's names
                    are replaced, other files are left alone (a folder that already holds a
                    framework is refused even so)
  --list            list the templates

Examples:
  rungs init career-ladder
  rungs init .                      (in a new git repository)
  rungs init career-ladder --template minimal
  rungs init --list
`,
	run: runInit,
}

func runInit(e *env, args []string) error {
	fset := flag.NewFlagSet("init", flag.ContinueOnError)
	name := fset.String("template", frameworks.Default, "")
	force := fset.Bool("force", false, "")
	list := fset.Bool("list", false, "")
	pos, err := parseFlags(fset, args)
	if err != nil {
		return err
	}
	if *list {
		for _, t := range frameworks.Templates {
			fmt.Fprintf(e.stdout, "%-12s %s\n", t.Name, t.Summary)
		}
		return nil
	}
	if len(pos) != 1 {
		return usageError{"init needs one folder: rungs init DIR"}
	}
	dir := pos[0]
	tmpl, ok := frameworks.FS(*name)
	if !ok {
		var names []string
		for _, t := range frameworks.Templates {
			names = append(names, t.Name)
		}
		return usageError{fmt.Sprintf("no template %q%s; there are: %s", *name, ladder.Suggest(*name, names), strings.Join(names, ", "))}
	}
	files, err := templateFiles(tmpl)
	if err != nil {
		return err
	}

	fsutil.RemoveLeftovers(dir)
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", dir, err)
	}
	if _, err := os.Stat(filepath.Join(dir, ladder.FrameworkFile)); err == nil {
		fmt.Fprintf(e.stderr, "rungs: %s already holds a framework (%s); nothing was written.\ninit never writes over one, not even with --force: start in a new folder, or remove the old one first.\n", dir, ladder.FrameworkFile)
		return exitError{1}
	}
	if other := notNewRepo(entries); other != "" && !*force {
		fmt.Fprintf(e.stderr, "rungs: %s is not empty (it holds %s); nothing was written.\nUse --force to write the template into it anyway.\n", dir, other)
		return exitError{1}
	}
	if b, err := os.ReadFile(filepath.Join(dir, ".gitignore")); err == nil {
		files[".gitignore"] = ignorePublic(b)
	}
	if err := fsutil.WriteFiles(e.ctx, dir, files); err != nil {
		return stopped(e.ctx, err, "nothing was written")
	}
	fmt.Fprintf(e.stdout, "Wrote the %s framework to %s (%d files).\nNext:\n  rungs serve %s    see it at http://127.0.0.1:8080/, rebuilt as you edit\n  rungs check %s    every problem, as file:line:col\n", *name, dir, len(files), dir, dir)
	return nil
}

// notNewRepo returns the name of the first entry that a new git repository does not start
// with (its .git, and a README, LICENSE, .gitignore or .gitattributes added when it was
// made), or "" when there is none: init writes into such a folder as into an empty one.
func notNewRepo(entries []fs.DirEntry) string {
	for _, en := range entries {
		name := en.Name()
		upper := strings.ToUpper(name)
		switch {
		case name == ".git", name == ".gitignore", name == ".gitattributes":
		case !en.IsDir() && (strings.HasPrefix(upper, "README") || strings.HasPrefix(upper, "LICENSE") || strings.HasPrefix(upper, "COPYING")):
		default:
			return name
		}
	}
	return ""
}

// gitignore keeps what rungs build writes out of git: the site is made from the files.
const gitignore = "# rungs build writes the website here; it is made from the files, so git does not keep it.\n/public/\n"

// ignorePublic returns an existing .gitignore with the site's folder added, unless it is
// already ignored.
func ignorePublic(old []byte) []byte {
	for _, line := range strings.Split(string(old), "\n") {
		switch strings.TrimSpace(line) {
		case "public", "public/", "/public", "/public/":
			return old
		}
	}
	b := append([]byte{}, old...)
	if len(b) > 0 && b[len(b)-1] != '\n' {
		b = append(b, '\n')
	}
	if len(b) > 0 {
		b = append(b, '\n')
	}
	return append(b, gitignore...)
}

// templateFiles returns the template's files by slash path, with the JSON Schemas added.
func templateFiles(tmpl fs.FS) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(tmpl, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(tmpl, p)
		files[p] = b
		return err
	})
	for _, name := range ladder.SchemaNames() {
		b, _ := ladder.Schema(name)
		files[path.Join("schema", name+".json")] = b
	}
	files[".gitignore"] = []byte(gitignore)
	return files, err
}
