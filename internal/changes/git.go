package changes

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
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
}

// OpenRepo finds the git working tree that holds the framework folder dir.
func OpenRepo(ctx context.Context, dir string) (*Repo, error) {
	top, err := git(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, ErrNotInGit)
	}
	prefix, err := git(ctx, dir, "rev-parse", "--show-prefix")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, ErrNotInGit)
	}
	return &Repo{top: strings.TrimSpace(string(top)), prefix: strings.TrimSpace(string(prefix))}, nil
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
	out, err := git(ctx, r.top, "archive", "--format=tar", tree)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", tree, err)
	}
	m := fstest.MapFS{}
	tr := tar.NewReader(bytes.NewReader(out))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", tree, err)
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
// each with what it changed compared with its first parent.
func (r *Repo) History(ctx context.Context, limit int) ([]Entry, error) {
	args := []string{"log", "--format=%H%x1f%h%x1f%aI%x1f%an%x1f%s%x1f%P"}
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
	type version struct {
		f   *ladder.Framework
		err string
	}
	cache := map[string]version{}
	load := func(rev string) version {
		if v, ok := cache[rev]; ok {
			return v
		}
		f, diags, err := r.Load(ctx, rev)
		var v version
		switch {
		case errors.Is(err, ErrAbsent):
		case err != nil:
			v.err = err.Error()
		case diags.HasErrors():
			v.err = fmt.Sprintf("the framework has errors at %.12s", rev)
		default:
			v.f = f
		}
		cache[rev] = v
		return v
	}
	var entries []Entry
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line == "" {
			continue
		}
		parts := strings.Split(line, "\x1f")
		if len(parts) < 6 {
			continue
		}
		date, _ := time.Parse(time.RFC3339, parts[2])
		e := Entry{Commit: Commit{Hash: parts[0], Short: parts[1], Date: date, Author: parts[3], Subject: parts[4]}}
		now := load(parts[0])
		var before version
		if parents := strings.Fields(parts[5]); len(parents) > 0 {
			before = load(parents[0])
		}
		if now.err != "" || before.err != "" {
			e.Problem = strings.TrimSpace(before.err + " " + now.err)
		} else {
			e.Diff = Compare(before.f, now.f)
		}
		entries = append(entries, e)
	}
	return entries, nil
}
