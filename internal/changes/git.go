package changes

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing/fstest"
	"time"

	"github.com/rungs/rungs/internal/ladder"
)

// ErrNotInGit means the folder is not inside a git working tree (or git is not installed).
var ErrNotInGit = errors.New("not in a git repository")

// ErrAbsent means the framework folder does not exist at that revision.
var ErrAbsent = errors.New("the framework does not exist at this revision")

// Repo reads the versions of one framework folder kept in git.
type Repo struct {
	top    string // the working tree's root
	prefix string // the framework folder, relative to top, with a trailing slash ("" at the root)
	// Cache is a folder where History keeps what each commit changed, by commit, so that it reads
	// each commit's files once rather than on every build; "" keeps nothing.
	Cache string
}

// OpenRepo finds the git working tree that holds the framework folder dir.
func OpenRepo(ctx context.Context, dir string) (*Repo, error) {
	out, err := git(ctx, dir, "rev-parse", "--show-toplevel", "--show-prefix")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, ErrNotInGit)
	}
	lines := strings.SplitN(strings.TrimRight(string(out), "\n"), "\n", 2)
	r := &Repo{top: strings.TrimSpace(lines[0])}
	if len(lines) == 2 {
		r.prefix = strings.TrimSpace(lines[1])
	}
	return r, nil
}

// git runs git in dir and returns its standard output; a failure carries git's own message.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, errors.New(msg)
	}
	return out, nil
}

// Prefix is the framework's folder relative to the top of the repository, ending in a slash, or
// "" when the framework is at the top.
func (r *Repo) Prefix() string { return r.prefix }

// Files returns the framework's files at a revision, in memory, read with git archive.
func (r *Repo) Files(ctx context.Context, rev string) (fstest.MapFS, error) {
	tree := rev + ":" + strings.TrimSuffix(r.prefix, "/")
	if _, err := git(ctx, r.top, "rev-parse", "--verify", "--quiet", rev+"^{commit}"); err != nil {
		return nil, fmt.Errorf("unknown revision %q", rev)
	}
	if _, err := git(ctx, r.top, "cat-file", "-e", tree); err != nil {
		return nil, fmt.Errorf("%s at %s: %w", strings.TrimSuffix(r.prefix, "/"), rev, ErrAbsent)
	}
	return r.archive(ctx, tree, tree)
}

// archive reads a tree's files with git archive; name says which, in messages.
func (r *Repo) archive(ctx context.Context, tree, name string) (fstest.MapFS, error) {
	out, err := git(ctx, r.top, "archive", "--format=tar", tree)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	m := fstest.MapFS{}
	tr := tar.NewReader(bytes.NewReader(out))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		m[h.Name] = &fstest.MapFile{Data: b}
	}
	return m, nil
}

// Load reads the framework at a revision. A revision where the folder does not exist gives
// ErrAbsent.
func (r *Repo) Load(ctx context.Context, rev string) (*ladder.Framework, ladder.Diagnostics, error) {
	m, err := r.Files(ctx, rev)
	if err != nil {
		return nil, nil, err
	}
	f, diags, err := ladder.Load(m)
	if errors.Is(err, ladder.ErrNoFramework) {
		return nil, nil, fmt.Errorf("%s at %s: %w", strings.TrimSuffix(r.prefix, "/"), rev, ErrAbsent)
	}
	return f, diags, err
}

// Commit is one commit that touched the framework.
type Commit struct {
	Hash    string    `json:"hash"`
	Short   string    `json:"short"`
	Date    time.Time `json:"date"`
	Author  string    `json:"author"`
	Subject string    `json:"subject"`
}

// Entry is one step in the framework's history: a commit and what it changed, or a release
// from a CHANGELOG with its notes.
type Entry struct {
	Commit Commit `json:"commit"`
	Diff   *Diff  `json:"diff,omitempty"`
	Notes  string `json:"notes,omitempty"` // Markdown, for a CHANGELOG entry
	// Problem says why the diff is missing: the framework did not load at this commit or the one
	// before.
	Problem string `json:"problem,omitempty"`
}

// History lists the commits that touched the framework, newest first, at most limit (0: all),
// each with what it changed compared with its first parent. With a Cache, a commit seen before
// costs one small file read; the others read the framework's files at each version they need
// once, with one git process per version.
func (r *Repo) History(ctx context.Context, limit int) ([]Entry, error) {
	return r.history(ctx, "", limit)
}

// history is History from the commit rev ("": HEAD, which git names itself in its message
// about a repository without commits).
func (r *Repo) history(ctx context.Context, rev string, limit int) ([]Entry, error) {
	args := []string{"log", "--format=%H%x1f%h%x1f%aI%x1f%an%x1f%s%x1f%P"}
	if rev != "" {
		args = append(args, rev)
	}
	if limit > 0 {
		args = append(args, fmt.Sprintf("-n%d", limit))
	}
	path := strings.TrimSuffix(r.prefix, "/")
	if path == "" {
		path = "."
	}
	out, err := git(ctx, r.top, append(args, "--", path)...)
	if err != nil {
		if strings.Contains(err.Error(), "does not have any commits") {
			return nil, nil
		}
		return nil, err
	}
	type commit struct {
		Commit
		parent string
	}
	var commits []commit
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts := strings.Split(line, "\x1f")
		if line == "" || len(parts) < 6 {
			continue
		}
		date, _ := time.Parse(time.RFC3339, parts[2])
		if _, offset := date.Zone(); offset == 0 {
			date = date.UTC() // as JSON reads it back ("Z"), so that a cached history is the same value
		}
		c := commit{Commit: Commit{Hash: parts[0], Short: parts[1], Date: date, Author: parts[3], Subject: parts[4]}}
		if parents := strings.Fields(parts[5]); len(parents) > 0 {
			c.parent = parents[0]
		}
		commits = append(commits, c)
	}

	entries := make([]Entry, len(commits))
	var missing []int // the commits not in the cache
	for i, c := range commits {
		if e, ok := r.cached(c.Hash); ok {
			e.Commit = c.Commit
			entries[i] = e
		} else {
			missing = append(missing, i)
		}
	}
	if len(missing) == 0 {
		return entries, nil
	}
	var revs []string
	for _, i := range missing {
		revs = append(revs, commits[i].Hash)
		if p := commits[i].parent; p != "" {
			revs = append(revs, p)
		}
	}
	versions, err := r.versions(ctx, revs)
	if err != nil {
		return nil, err
	}
	for _, i := range missing {
		c := commits[i]
		e := Entry{Commit: c.Commit}
		now, before := versions[c.Hash], version{}
		if c.parent != "" {
			before = versions[c.parent]
		}
		if now.err != "" || before.err != "" {
			e.Problem = strings.TrimSpace(before.err + " " + now.err)
		} else {
			e.Diff = Compare(before.f, now.f)
		}
		entries[i] = e
		r.store(e)
	}
	return entries, nil
}

// version is the framework at one revision: nil where it does not exist, or why it could not
// be read.
type version struct {
	f   *ladder.Framework
	err string
}

// versions reads the framework at each revision, once each: one git process finds which
// revisions have the folder, then one reads each of those.
func (r *Repo) versions(ctx context.Context, revs []string) (map[string]version, error) {
	var unique []string
	seen := map[string]bool{}
	for _, rev := range revs {
		if !seen[rev] {
			seen[rev] = true
			unique = append(unique, rev)
		}
	}
	folder := strings.TrimSuffix(r.prefix, "/")
	var query strings.Builder
	for _, rev := range unique {
		query.WriteString(rev + ":" + folder + "\n")
	}
	cmd := exec.CommandContext(ctx, "git", "-C", r.top, "cat-file", "--batch-check=%(objectname) %(objecttype)")
	cmd.Stdin = strings.NewReader(query.String())
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) != len(unique) {
		return nil, fmt.Errorf("git cat-file answered %d of %d revisions", len(lines), len(unique))
	}
	got := map[string]version{}
	for i, rev := range unique {
		oid, kind, _ := strings.Cut(lines[i], " ")
		if kind != "tree" { // "missing": the framework does not exist there yet
			got[rev] = version{}
			continue
		}
		var v version
		m, err := r.archive(ctx, oid, rev)
		var f *ladder.Framework
		var diags ladder.Diagnostics
		if err == nil {
			f, diags, err = ladder.Load(m)
		}
		switch {
		case errors.Is(err, ladder.ErrNoFramework):
		case err != nil:
			v.err = err.Error()
		case diags.HasErrors():
			v.err = fmt.Sprintf("the framework has errors at %.12s", rev)
		default:
			v.f = f
		}
		got[rev] = v
	}
	return got, nil
}

// cacheFormat changes when what the cache holds changes shape.
const cacheFormat = "1"

// binaryID names the running rungs binary, so that a new build of rungs, which may compare
// versions differently, never reads what an older one stored.
var binaryID = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	st, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%s %d %d", exe, st.Size(), st.ModTime().UnixNano())
})

// cacheFile is where the cache keeps a commit's entry, or "" when there is no cache.
func (r *Repo) cacheFile(hash string) string {
	id := binaryID()
	if r.Cache == "" || id == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(cacheFormat + "\x00" + id + "\x00" + r.prefix + "\x00" + hash))
	return filepath.Join(r.Cache, hex.EncodeToString(sum[:16])+".json")
}

// cached returns a commit's entry from the cache.
func (r *Repo) cached(hash string) (Entry, bool) {
	name := r.cacheFile(hash)
	if name == "" {
		return Entry{}, false
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return Entry{}, false
	}
	var e Entry
	if err := json.Unmarshal(b, &e); err != nil || e.Commit.Hash != hash {
		return Entry{}, false // half-written or from elsewhere: computed again
	}
	return e, true
}

// store keeps a commit's entry in the cache.
func (r *Repo) store(e Entry) {
	if name := r.cacheFile(e.Commit.Hash); name != "" {
		writeCache(name, e)
	}
}

// writeCache writes v as JSON to the cache file name, whole or not at all (a temporary file
// renamed). A cache that cannot be written is no error: the next build computes it again.
func writeCache(name string, v any) {
	b, err := json.Marshal(v)
	dir := filepath.Dir(name)
	if err != nil || os.MkdirAll(dir, 0o755) != nil {
		return
	}
	tmp, err := os.CreateTemp(dir, ".entry-*")
	if err != nil {
		return
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil && cerr == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
}

// savedHistory is the last history built for a folder: valid while the repository is at the
// same commit with the same shallow boundary. There is one file per folder, replaced when HEAD
// moves, so the cache does not grow with every commit.
type savedHistory struct {
	Head    string  `json:"head"`
	Shallow string  `json:"shallow"`
	Entries []Entry `json:"entries"`
}

// file is where the history of dir, at most limit entries, is saved; "" when there is no cache
// or HEAD could not be read without git.
func (s *savedHistory) file(cache, dir string, limit int) string {
	id := binaryID()
	abs, err := filepath.Abs(dir)
	if cache == "" || id == "" || s.Head == "" || err != nil {
		return ""
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00history\x00%s\x00%d", cacheFormat, id, abs, limit))
	return filepath.Join(cache, "history-"+hex.EncodeToString(sum[:16])+".json")
}

// read fills s from file when the history saved there is the one for s's HEAD and boundary.
func (s *savedHistory) read(file string) bool {
	b, err := os.ReadFile(file)
	if err != nil {
		return false
	}
	var got savedHistory
	if json.Unmarshal(b, &got) != nil || got.Head != s.Head || got.Shallow != s.Shallow || len(got.Entries) == 0 {
		return false
	}
	*s = got
	return true
}
