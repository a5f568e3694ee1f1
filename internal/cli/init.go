package cli

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
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

Writes a complete framework into DIR, ready to edit, check and publish. DIR must not exist or be
empty; nothing is written otherwise. The files point editors at JSON Schemas copied into
DIR/schema, so keys complete as you type.

Flags:
  --template NAME   the template to start from (default: engineering)
  --force           write into a folder that is not empty; files with the template's names
                    are replaced, other files are left alone
  --list            list the templates

Examples:
  rungs init career-ladder
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

	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist) || (err == nil && len(entries) == 0):
		err = writeNewDir(dir, files)
	case err != nil:
		return fmt.Errorf("%s: %w", dir, err)
	case !*force:
		fmt.Fprintf(e.stderr, "rungs: %s is not empty (it holds %s); nothing was written.\nUse --force to write the template into it anyway.\n", dir, entries[0].Name())
		return exitError{1}
	default:
		err = writeInto(dir, files)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Wrote the %s framework to %s (%d files).\nNext:\n  rungs check %s\n", *name, dir, len(files), dir)
	return nil
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
	return files, err
}

// writeNewDir writes every file into a temporary folder beside dir and renames it into place,
// so an interrupted init leaves no half-made framework behind.
func writeNewDir(dir string, files map[string][]byte) error {
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, ".rungs-init-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // gone after the rename; cleans up after a failure
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	for _, p := range sortedKeys(files) {
		full := filepath.Join(tmp, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, files[p], 0o644); err != nil {
			return err
		}
	}
	// Renaming onto an empty folder replaces it on Unix; remove it first elsewhere.
	if err := os.Rename(tmp, dir); err != nil {
		if rmErr := os.Remove(dir); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
			return fmt.Errorf("init %s: %w", dir, err)
		}
		if err := os.Rename(tmp, dir); err != nil {
			return fmt.Errorf("init %s: %w", dir, err)
		}
	}
	return nil
}

// writeInto writes each file into an existing folder, each one atomically.
func writeInto(dir string, files map[string][]byte) error {
	for _, p := range sortedKeys(files) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := fsutil.WriteFileAtomic(full, files[p]); err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
