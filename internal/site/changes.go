package site

import (
	"html/template"
	"time"

	"github.com/rungs/rungs/internal/changes"
)

// The "What changed" page lists the framework's history, newest first: each commit that touched
// it with what it changed, or the entries of its CHANGELOG.md. It exists only when there is a
// history to show; the CLI gathers it (git is outside the renderer's reach, which sees files).

const changesPath = "changes/"

type changesView struct {
	Source  string // changes.FromGit or changes.FromChangelog
	Entries []changeEntry
}

type changeEntry struct {
	Title, Short, Author, Date string
	Body                       template.HTML
	Problem                    string
}

func (r *renderer) changesPage(c *chrome, home link) error {
	md := r.markdown()
	v := changesView{Source: r.opts.HistorySource}
	for _, e := range r.opts.History {
		ce := changeEntry{Title: e.Commit.Subject, Short: e.Commit.Short, Author: e.Commit.Author, Problem: e.Problem}
		if !e.Commit.Date.IsZero() {
			ce.Date = e.Commit.Date.UTC().Format(time.DateOnly)
		}
		switch {
		case e.Diff != nil:
			ce.Body = r.block(md, "", changes.Markdown(e.Diff))
		case e.Notes != "":
			ce.Body = r.block(md, changes.ChangelogFile, e.Notes)
		}
		v.Entries = append(v.Entries, ce)
	}
	return r.page(&page{Site: c, Title: "What changed", Description: "How this framework has changed, newest first.",
		Section: "changes", Path: changesPath, Crumbs: []link{home}, Body: v}, "changes")
}
