package fsutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Folders are written whole into a temporary folder and moved into place only at the end, so
// that an error, a Ctrl-C or a crash never leaves a destination half-written. A temporary
// folder's name carries the id of the process writing it: the next run removes those whose
// process is gone (a killed build) and leaves alone those a running process is still writing.

// StampFile is the file ReplaceDir writes into every folder it makes. A folder is only ever
// replaced when it holds this file with rungs's words in it: whatever else a folder holds (a
// framework.json, an index.html), it may be someone's work.
const StampFile = ".rungs-build"

// stampLine starts the stamp file; the stamp is recognised by it.
const stampLine = "This folder was written by rungs build."

var stamp = []byte(stampLine + "\nThe next rungs build into it replaces the whole folder." +
	"\nDelete this file to keep rungs from ever replacing it.\n")

// RefusedError says why a folder may not be written or replaced.
type RefusedError struct {
	Dir    string
	Reason string
}

func (e *RefusedError) Error() string { return e.Dir + " " + e.Reason }

// Stamped reports whether dir holds the stamp file ReplaceDir writes.
func Stamped(dir string) bool {
	f, err := os.Open(filepath.Join(dir, StampFile))
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(stampLine))
	_, err = io.ReadFull(f, head)
	return err == nil && string(head) == stampLine
}

// CheckReplaceable returns nil when ReplaceDir may replace dir: it is missing, empty, or an
// earlier output (it holds the stamp file). It refuses, with a *RefusedError that says why, a
// file, a folder that holds a git repository, the current folder or one of its parents, and
// any other folder that is not empty.
func CheckReplaceable(dir string) error {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !st.IsDir():
		return &RefusedError{dir, "is a file; name a folder"}
	}
	if within, err := holdsWorkingDir(dir); err != nil {
		return err
	} else if within {
		return &RefusedError{dir, "is the current folder or one of its parents, and rungs never replaces that; name a folder inside it, such as public"}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
		return &RefusedError{dir, "holds a git repository (.git), and rungs never replaces one; build into another folder and copy the site from there"}
	}
	if Stamped(dir) {
		return nil
	}
	if isFile(filepath.Join(dir, "framework.json")) && isFile(filepath.Join(dir, "sitemap.xml")) && isFile(filepath.Join(dir, "index.html")) {
		return &RefusedError{dir, fmt.Sprintf("looks like a site built by an older rungs, which did not stamp its builds (no %s); rungs replaces only folders it stamped: delete this one once, and build again", StampFile)}
	}
	return &RefusedError{dir, fmt.Sprintf("is not empty and was not written by rungs build (it has no %s file), so rungs will not replace it; name another folder, or empty this one", StampFile)}
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// holdsWorkingDir reports whether dir is the current folder or one of its parents.
func holdsWorkingDir(dir string) (bool, error) {
	wd, err := os.Getwd()
	if err != nil {
		return false, err
	}
	wd, err = realPath(wd)
	if err != nil {
		return false, err
	}
	d, err := realPath(dir)
	if err != nil {
		return false, err
	}
	return Within(wd, d), nil
}

// Within reports whether path is dir or inside it; both must be clean absolute paths.
func Within(path, dir string) bool {
	if path == dir {
		return true
	}
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// realPath is p made absolute, with every symbolic link resolved for the part that exists.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real, nil
	}
	// The path does not exist (yet): resolve its parent, which may.
	parent, base := filepath.Dir(abs), filepath.Base(abs)
	if parent == abs {
		return abs, nil
	}
	rp, err := realPath(parent)
	if err != nil {
		return "", err
	}
	return filepath.Join(rp, base), nil
}

// RealPath is p made absolute, with the symbolic links of the part that exists resolved, so
// that two names of one folder compare equal.
func RealPath(p string) (string, error) { return realPath(p) }

// ReplaceDir writes a new version of the folder dir: write fills a new temporary folder beside
// it, the stamp file is added, and the new folder then takes dir's place. dir must pass
// CheckReplaceable. When write fails, or ctx is cancelled before the swap, the temporary folder
// is removed and dir is left as it was. Temporary folders that a killed run left beside dir
// are removed first.
func ReplaceDir(ctx context.Context, dir string, write func(tmp string) error) error {
	dir, err := realPath(dir)
	if err != nil {
		return err
	}
	if err := CheckReplaceable(dir); err != nil {
		return err
	}
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	RemoveLeftovers(dir)
	tmp, err := makeTemp(parent, "."+base+".new-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // gone after the rename; cleans up after a failure or a Ctrl-C
	if err := write(tmp); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, StampFile), stamp, 0o644); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	old := ""
	if _, err := os.Lstat(dir); err == nil {
		old, err = tempName(parent, "."+base+".old-")
		if err != nil {
			return err
		}
		if err := os.Rename(dir, old); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			_ = os.Rename(old, dir) // put the earlier version back
		}
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// WriteFiles writes files (by slash path) into dir, whole or not at all: into a temporary
// folder first, then moved into place once every file is written and ctx is still live. A
// missing dir is made by renaming the temporary folder; into an existing one each file is
// moved (replacing a file of the same name, leaving the others alone). Deciding whether an
// existing dir may be written into is the caller's business.
func WriteFiles(ctx context.Context, dir string, files map[string][]byte) error {
	dir, err := realPath(dir)
	if err != nil {
		return err
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	st, err := os.Stat(dir)
	exists := err == nil
	switch {
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return err
	case exists && !st.IsDir():
		return &RefusedError{dir, "is a file; name a folder"}
	case exists:
		// Every file must be able to go where it goes before any is moved there.
		for _, p := range paths {
			if err := placeable(dir, p); err != nil {
				return err
			}
		}
	}

	RemoveLeftovers(dir)
	where, prefix := dir, tempInside
	if !exists {
		where, prefix = filepath.Dir(dir), "."+filepath.Base(dir)+".new-"
		if err := os.MkdirAll(where, 0o755); err != nil {
			return err
		}
	}
	tmp, err := makeTemp(where, prefix)
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		full := filepath.Join(tmp, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, files[p], 0o644); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !exists {
		if err := os.Rename(tmp, dir); err != nil {
			return fmt.Errorf("write %s: %w", dir, err)
		}
		return nil
	}
	// Renames within one folder: quick, and each file is whole whenever it is seen.
	for _, p := range paths {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.Rename(filepath.Join(tmp, filepath.FromSlash(p)), full); err != nil {
			return fmt.Errorf("write %s: %w", full, err)
		}
	}
	return nil
}

// tempInside starts the name of the temporary folder WriteFiles makes inside an existing one.
const tempInside = ".rungs.new-"

// placeable checks that the file p (slash path) can be written into dir: no folder stands
// where it goes, and no file stands where one of its folders goes.
func placeable(dir, p string) error {
	parts := strings.Split(p, "/")
	cur := dir
	for i, part := range parts {
		cur = filepath.Join(cur, part)
		st, err := os.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		last := i == len(parts)-1
		if last && st.IsDir() {
			return &RefusedError{cur, "is a folder where a file is to be written; nothing was written"}
		}
		if !last && !st.IsDir() {
			return &RefusedError{cur, "is a file where a folder is to be written; nothing was written"}
		}
	}
	return nil
}

// makeTemp makes a folder named prefix, this process's id, a dash and a random number, in dir.
func makeTemp(dir, prefix string) (string, error) {
	tmp, err := os.MkdirTemp(dir, prefix+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return "", err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// tempName is an unused name like makeTemp's, for a rename.
func tempName(dir, prefix string) (string, error) {
	tmp, err := makeTemp(dir, prefix)
	if err != nil {
		return "", err
	}
	return tmp, os.Remove(tmp)
}

// RemoveLeftovers removes the temporary folders that a killed ReplaceDir or WriteFiles of dir
// left beside it or inside it.
func RemoveLeftovers(dir string) {
	parent, base := filepath.Dir(filepath.Clean(dir)), filepath.Base(filepath.Clean(dir))
	RemoveStale(parent, "."+base+".new-")
	RemoveStale(parent, "."+base+".old-")
	RemoveStale(dir, tempInside)
}

// RemoveStale removes the temporary folders in dir whose names start with prefix (which ends
// in "new-" or "old-") and whose process is no longer running: what a killed run left behind.
// Names from rungs versions that did not record the process are removed too. Failures are
// ignored: a leftover is untidy, never wrong.
func RemoveStale(dir, prefix string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, prefix) {
			continue
		}
		if pid, ok := tempOwner(strings.TrimPrefix(name, prefix)); ok && !processAlive(pid) {
			_ = os.RemoveAll(filepath.Join(dir, name))
		}
	}
}

// tempOwner reads the process id from the end of a temporary folder's name ("123-456": process
// 123, random 456). The names an older rungs gave, without a process ("456", or
// ".public.new-456" for an earlier build set aside), give 0, which is never alive.
func tempOwner(rest string) (int, bool) {
	if allDigits(rest) || (strings.HasPrefix(rest, ".") && strings.Contains(rest, ".new-")) {
		return 0, true
	}
	pid, random, ok := strings.Cut(rest, "-")
	if !ok || !allDigits(pid) || !allDigits(random) {
		return 0, false
	}
	n, err := strconv.Atoi(pid)
	return n, err == nil
}

func allDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
