package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing/fstest"

	"github.com/rungs/rungs/internal/charset"
	"github.com/rungs/rungs/internal/fsutil"
	"github.com/rungs/rungs/internal/ladder"
)

// Output shared by build, init, import and export: folders and files are written whole or not
// at all, nothing that is already there is replaced without --force, and the framework's own
// files are never written over.

// writeFolder writes files into dir, whole or not at all: a new or empty folder, or with force
// one that is not empty (files of the same names are replaced, others left alone).
func writeFolder(e *env, dir string, files map[string][]byte, force bool) error {
	if err := writableFolder(e, dir, force); err != nil {
		return err
	}
	if err := fsutil.WriteFiles(e.ctx, dir, files); err != nil {
		return stopped(e.ctx, err, "nothing was written; %s is as it was", dir)
	}
	return nil
}

// writableFolder refuses a folder that is not empty, unless force; commands call it before
// their work too, so that they do not spend it in vain.
func writableFolder(e *env, dir string, force bool) error {
	fsutil.RemoveLeftovers(dir)
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist) || (err == nil && len(entries) == 0):
	case err != nil:
		return fmt.Errorf("%s: %w", dir, err)
	case !force:
		fmt.Fprintf(e.stderr, "rungs: %s is not empty (it holds %s); nothing was written.\nUse --force to write into it anyway.\n", dir, entries[0].Name())
		return exitError{1}
	}
	return nil
}

// writeFile writes one file atomically, refusing to replace a file that has content unless
// force.
func writeFile(e *env, path string, data []byte, force bool) error {
	if err := replaceable(e, path, force); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := e.ctx.Err(); err != nil {
		return stopped(e.ctx, err, "nothing was written")
	}
	return fsutil.WriteFileAtomic(path, data)
}

// replaceable refuses a path that is a folder, or a file with content when not force.
func replaceable(e *env, path string, force bool) error {
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return nil
	case st.IsDir():
		return fmt.Errorf("%s is a folder; name a file", path)
	case st.Size() > 0 && !force:
		fmt.Fprintf(e.stderr, "rungs: %s already exists; nothing was written.\nUse --force to replace it.\n", path)
		return exitError{1}
	}
	return nil
}

// encodingFlag reads an --encoding flag's value.
func encodingFlag(name string) (string, error) {
	enc, ok := charset.Lookup(name)
	if !ok {
		return "", usageError{fmt.Sprintf("unknown encoding %q; use %s", name, strings.Join(charset.Names, ", "))}
	}
	return enc, nil
}

// encodingError turns a *charset.Error in err into an error naming file:line:col, what the text
// looks like, how to convert it and, when the command has an --encoding flag, how to read it
// as it is. It returns nil when err is not about the encoding.
func encodingError(file string, err error, flag bool) error {
	var ce *charset.Error
	var fe *charset.FileError
	switch {
	case errors.As(err, &fe):
		file, ce = filepath.Join(file, filepath.FromSlash(fe.Path)), fe.Err
	case !errors.As(err, &ce):
		return nil
	}
	msg := ce.Message(file)
	if enc := ce.Encoding(); flag && enc != "" {
		msg += fmt.Sprintf(", or read it as it is with --encoding %s", enc)
	}
	if ce.Line == 0 {
		return fmt.Errorf("%s: %s; nothing was imported", file, msg)
	}
	return fmt.Errorf("%s:%d:%d: %s; nothing was imported", file, ce.Line, ce.Col, msg)
}

// frameworkParts are the files and folders a framework is made of, besides its logo.
var frameworkParts = []string{ladder.FrameworkFile, ladder.CrosswalkFile, "ladders", "pages", "schema"}

// outsideFramework refuses an output path that would replace the framework in dir or mix with
// its files: the framework folder itself, a folder that holds it, and a place among its own
// files (rungs.yaml, crosswalk.yaml, the ladders, pages and schema folders, and logo when it
// is known). Anywhere else, such as dir/public, is fine.
func outsideFramework(dir, out, logo string) error {
	fw, err := fsutil.RealPath(dir)
	if err != nil {
		return err
	}
	o, err := fsutil.RealPath(out)
	if err != nil {
		return err
	}
	public := filepath.Join(dir, "public")
	switch {
	case fw == o:
		return fmt.Errorf("%s is the framework folder itself, and rungs never writes over it; write into another folder, such as %s", out, public)
	case fsutil.Within(fw, o):
		return fmt.Errorf("%s holds the framework folder %s, and rungs never writes over it; write into another folder, such as %s", out, dir, public)
	}
	parts := frameworkParts
	if logo != "" {
		parts = append(parts[:len(parts):len(parts)], strings.TrimPrefix(logo, "/"))
	}
	for _, p := range parts {
		full := filepath.Join(fw, filepath.FromSlash(p))
		if fsutil.Within(o, full) || fsutil.Within(full, o) {
			return fmt.Errorf("%s is among the framework's own files (%s), and rungs never writes over them; write into another folder, such as %s", out, filepath.Join(dir, filepath.FromSlash(p)), public)
		}
	}
	return nil
}

// loadFiles loads a framework from files in memory, so an import is checked before anything
// is written.
func loadFiles(files map[string][]byte) (loadResult, error) {
	m := fstest.MapFS{}
	for p, b := range files {
		m[p] = &fstest.MapFile{Data: b}
	}
	f, diags, err := ladder.Load(m)
	return loadResult{f, diags}, err
}

// summary describes a framework in a few lines: each ladder with its levels and how many
// expectations each area holds across them.
func summary(f *ladder.Framework) string {
	var b strings.Builder
	levels := 0
	for _, ld := range f.Ladders {
		levels += len(ld.Levels)
	}
	fmt.Fprintf(&b, "%s, %s, %s\n", plural(len(f.Ladders), "ladder"), plural(levels, "level"), plural(len(f.Pages), "page"))
	for _, ld := range f.Ladders {
		fmt.Fprintf(&b, "  %s (%s): %s\n", ld.ID, ld.Title, plural(len(ld.Levels), "level"))
		width := 0
		for _, a := range ld.Areas() {
			width = max(width, len(a.Title))
		}
		for _, a := range ld.Areas() {
			n := 0
			for _, lv := range ld.Levels {
				if la := lv.Area(a.ID); la != nil {
					n += len(la.Expectations)
				}
			}
			what := "expectation"
			if a.Kind == ladder.KindTraits {
				what = "trait"
			}
			fmt.Fprintf(&b, "    %-*s  %s\n", width, a.Title, plural(n, what))
		}
	}
	if len(f.Pages) > 0 {
		var ids []string
		for _, p := range f.Pages {
			ids = append(ids, p.ID)
		}
		fmt.Fprintf(&b, "  pages: %s\n", strings.Join(ids, ", "))
	}
	return b.String()
}
