package changes

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// ChangelogFile is the file read when a framework has no git history.
const ChangelogFile = "CHANGELOG.md"

var releaseRE = regexp.MustCompile(`^##[ \t]+(.+?)[ \t]*#*[ \t]*$`)

// Changelog reads a CHANGELOG: each "## heading" (a version or a date) starts an entry, newest
// first as changelogs are written, and the text below it is the entry's notes.
func Changelog(src []byte) []Entry {
	var entries []Entry
	var notes []string
	flush := func() {
		if n := len(entries); n > 0 {
			entries[n-1].Notes = strings.TrimSpace(strings.Join(notes, "\n"))
		}
		notes = nil
	}
	for _, line := range strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n") {
		if m := releaseRE.FindStringSubmatch(line); m != nil {
			flush()
			entries = append(entries, Entry{Commit: Commit{Subject: m[1]}})
			continue
		}
		if len(entries) > 0 {
			notes = append(notes, line)
		}
	}
	flush()
	return entries
}

// Sources of a history.
const (
	FromGit       = "git"
	FromChangelog = "changelog"
)

// WhatChanged is the history a "What changed" page shows for the framework in dir: its git
// history, newest first, each commit with its diff; or, when the folder is not in git or has
// no commits, the entries of its CHANGELOG.md. The second result says which it used ("" when
// there is neither). cache is the folder where each commit's diff is kept (see Repo.Cache),
// and the whole history of the last build: a build whose HEAD has not moved since starts no
// git process at all.
func WhatChanged(ctx context.Context, dir string, limit int, cache string) ([]Entry, string, error) {
	head, shallow := headOf(dir)
	saved := savedHistory{Head: head, Shallow: shallow}
	file := saved.file(cache, dir, limit)
	if file != "" && saved.read(file) {
		return saved.Entries, FromGit, nil
	}
	repo, err := OpenRepo(ctx, dir)
	if err == nil {
		repo.Cache = cache
		// From the commit read above, so that what is saved under it is its history even if a
		// commit lands meanwhile.
		entries, err := repo.history(ctx, head, limit)
		if err != nil {
			return nil, "", err
		}
		if len(entries) > 0 {
			if file != "" {
				saved.Entries = entries
				writeCache(file, saved)
			}
			return entries, FromGit, nil
		}
	} else if !errors.Is(err, ErrNotInGit) {
		return nil, "", err
	}
	src, err := os.ReadFile(filepath.Join(dir, ChangelogFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	entries := Changelog(src)
	if limit > 0 && len(entries) > limit {
		entries = entries[:limit]
	}
	return entries, FromChangelog, nil
}
