package changes

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/ladder"
)

func minimal(t *testing.T) *ladder.Framework {
	t.Helper()
	fsys, _ := frameworks.FS("minimal")
	f, diags, err := ladder.Load(fsys)
	if err != nil || diags.HasErrors() {
		t.Fatal(err, diags)
	}
	return f
}

// edited is the minimal framework with one of each kind of change.
func edited(t *testing.T) *ladder.Framework {
	f := minimal(t)
	ld := f.Ladders[0]
	senior := ld.Level("senior")
	craft := senior.Area("craft")
	craft.Expectations[0].Text = "Breaks vague problems into plans that the whole team can pick up and deliver."
	craft.Expectations = append(craft.Expectations, &ladder.Expectation{ID: "writes-runbooks", Text: "Writes runbooks for the services they own."})
	removed := craft.Expectations[1]
	craft.Expectations = append(craft.Expectations[:1], craft.Expectations[2:]...)
	// Move one expectation to the other area.
	moved := craft.Expectations[1]
	craft.Expectations = append(craft.Expectations[:1], craft.Expectations[2:]...)
	collab := senior.Area("collaboration")
	collab.Expectations = append(collab.Expectations, moved)
	ten, seventy := 6.0, 70.0
	senior.Tenure = ladder.Range{Min: 3, Max: &ten}
	senior.TimeSplit[0].Range = ladder.Range{Min: 55, Max: &seventy}
	senior.Title = "Senior Software Engineer"
	// Rename a level's file, reorder levels, add one.
	ld.Level("staff").ID = "staff-engineer"
	ld.Levels[0], ld.Levels[1] = ld.Levels[1], ld.Levels[0]
	ld.Levels = append(ld.Levels, &ladder.Level{ID: "principal", Title: "Principal Engineer", Code: "L4", Areas: []*ladder.LevelArea{{Area: "craft", Expectations: []*ladder.Expectation{{ID: "x", Text: "Sets direction."}}}}})
	f.Pages[0].Body += "\n\nOne more paragraph."
	_ = removed
	return f
}

func TestCompare(t *testing.T) {
	old, new := minimal(t), edited(t)
	removed := old.Ladders[0].Level("senior").Area("craft").Expectations[1]
	moved := old.Ladders[0].Level("senior").Area("craft").Expectations[2]
	d := Compare(old, new)
	if len(d.Ladders) != 1 {
		t.Fatalf("ladders: %+v", d.Ladders)
	}
	lc := d.Ladders[0]
	if len(lc.Orders) == 0 || lc.Orders[0].What != "levels" || strings.Join(lc.Orders[0].Old, " ") != "engineer senior staff" || strings.Join(lc.Orders[0].New, " ") != "senior engineer staff-engineer" {
		t.Errorf("order: %+v", lc.Orders)
	}
	byID := map[string]*LevelChange{}
	for _, lv := range lc.Levels {
		byID[lv.ID] = lv
	}
	if p := byID["principal"]; p == nil || p.Change != Added || p.Expectations != 1 {
		t.Errorf("added level: %+v", p)
	}
	if s := byID["staff-engineer"]; s == nil || s.OldID != "staff" {
		t.Errorf("renamed level file: %+v", s)
	}
	s := byID["senior"]
	if s == nil {
		t.Fatal("no change for senior")
	}
	if len(s.Fields) != 1 || s.Fields[0] != (Field{"title", "Senior Engineer", "Senior Software Engineer"}) {
		t.Errorf("fields: %+v", s.Fields)
	}
	if s.Tenure == nil || s.Tenure.Old != "3-5" || s.Tenure.New != "3-6" {
		t.Errorf("tenure: %+v", s.Tenure)
	}
	if len(s.TimeSplit) != 1 || s.TimeSplit[0].Name != "craft" || s.TimeSplit[0].New != "55-70" {
		t.Errorf("time split: %+v", s.TimeSplit)
	}
	var craft, collab *AreaChange
	for _, ac := range s.Areas {
		switch ac.Area {
		case "craft":
			craft = ac
		case "collaboration":
			collab = ac
		}
	}
	if craft == nil || len(craft.Added) != 1 || craft.Added[0].ID != "writes-runbooks" ||
		len(craft.Removed) != 1 || craft.Removed[0].ID != removed.ID || len(craft.Changed) != 1 {
		t.Fatalf("craft: %+v", craft)
	}
	words := craft.Changed[0].Words
	if got := (style(false)).words(words); got != "Breaks vague problems into plans that [-others-] {+the whole team+} can pick up and [-work on.-] {+deliver.+}" {
		t.Errorf("word diff: %s", got)
	}
	if collab == nil || len(collab.Changed) != 1 || collab.Changed[0].ID != moved.ID || collab.Changed[0].MovedFrom != "craft" {
		t.Errorf("moved expectation: %+v", collab)
	}
	if len(d.Pages) != 1 || d.Pages[0].Change != Changed {
		t.Errorf("pages: %+v", d.Pages)
	}
	if !Compare(old, minimal(t)).Empty() {
		t.Error("a framework compared with itself must give no changes")
	}
	if d := Compare(nil, old); len(d.Ladders) != 1 || d.Ladders[0].Change != Added || len(d.Ladders[0].Levels) != 3 {
		t.Errorf("from nothing: %+v", d.Ladders)
	}
}

func TestRender(t *testing.T) {
	d := Compare(minimal(t), edited(t))
	var plain, color bytes.Buffer
	WriteText(&plain, d, false)
	WriteText(&color, d, true)
	for _, want := range []string{
		"ladder engineering (Engineering)\n",
		"  levels reordered: engineer, senior, staff -> senior, engineer, staff-engineer\n",
		"  + level principal (Principal Engineer), 1 expectation\n",
		"  ~ level senior (Senior Software Engineer)\n      title: \"Senior Engineer\" -> \"Senior Software Engineer\"\n      tenure: \"3-5\" -> \"3-6\"\n",
		"      time split craft: \"60-75\" -> \"55-70\"\n",
		"        + Writes runbooks for the services they own. {#writes-runbooks}\n",
		"[-others-] {+the whole team+}",
		"            moved from area craft\n",
		"  ~ level staff-engineer (Staff Engineer)\n      renamed from staff\n",
		"~ page introduction (Introduction): text changed\n",
	} {
		if !strings.Contains(plain.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, plain.String())
		}
	}
	if strings.Contains(plain.String(), "\x1b[") || !strings.Contains(color.String(), "\x1b[32m{+the whole team+}\x1b[0m") {
		t.Error("colour only when asked")
	}
	md := Markdown(d)
	for _, want := range []string{"## Engineering\n", "### Senior Software Engineer\n", "- Tenure: “3-5” → “3-6”", "~~others~~ **the whole team**", "- **Craft**\n  - Added: Writes runbooks"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	b, err := json.Marshal(d)
	if err != nil || !strings.Contains(string(b), `"moved_from":"craft"`) {
		t.Errorf("json: %v %s", err, b)
	}
	var empty bytes.Buffer
	WriteText(&empty, &Diff{}, false)
	if empty.String() != "No changes.\n" || Markdown(&Diff{}) != "No changes.\n" {
		t.Error("empty diff")
	}
}

func TestWordDiff(t *testing.T) {
	for _, c := range []struct{ a, b, want string }{
		{"a b c", "a b c", "a b c"},
		{"a b c", "a x c", "a [-b-] {+x+} c"},
		{"", "new words", "{+new words+}"},
		{"old words", "", "[-old words-]"},
		{"one two three four", "one three four five", "one [-two-] three four {+five+}"},
	} {
		if got := style(false).words(WordDiff(c.a, c.b)); got != c.want {
			t.Errorf("%q -> %q: got %q, want %q", c.a, c.b, got, c.want)
		}
	}
}

func TestChangelog(t *testing.T) {
	src := "# Changelog\n\nIntro.\n\n## 2.0 (2026-03-01)\n\n- Added Staff.\n\n## 1.0\n\nFirst release.\n"
	es := Changelog([]byte(src))
	if len(es) != 2 || es[0].Commit.Subject != "2.0 (2026-03-01)" || es[0].Notes != "- Added Staff." || es[1].Notes != "First release." {
		t.Errorf("%+v", es)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ChangelogFile), []byte(src), 0o644)
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(dir)) // keep git from finding a repo above
	got, from, err := WhatChanged(context.Background(), dir, 1, "")
	if err != nil || from != FromChangelog || len(got) != 1 {
		t.Errorf("fallback: %v %q %+v", err, from, got)
	}
}

// gitRepo makes a repository holding the framework under fw/ and returns a function that
// commits the files of a framework there.
func gitRepo(t *testing.T) (string, func(f *ladder.Framework, msg string)) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	for k, v := range map[string]string{
		"GIT_CONFIG_GLOBAL": os.DevNull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.org",
		"GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.org",
	} {
		t.Setenv(k, v)
	}
	top := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", top}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(top, "README.md"), []byte("not the framework\n"), 0o644)
	run("add", ".")
	run("commit", "-q", "-m", "Start")
	return top, func(f *ladder.Framework, msg string) {
		files, err := ladder.Files(f)
		if err != nil {
			t.Fatal(err)
		}
		os.RemoveAll(filepath.Join(top, "fw"))
		for p, b := range files {
			full := filepath.Join(top, "fw", filepath.FromSlash(p))
			os.MkdirAll(filepath.Dir(full), 0o755)
			os.WriteFile(full, b, 0o644)
		}
		run("add", "-A")
		run("commit", "-q", "-m", msg)
	}
}

func TestHistory(t *testing.T) {
	top, commit := gitRepo(t)
	commit(minimal(t), "Add the framework")
	commit(edited(t), "Grow the senior level")
	os.WriteFile(filepath.Join(top, "README.md"), []byte("changed, but not the framework\n"), 0o644)
	exec.Command("git", "-C", top, "commit", "-qam", "Docs").Run()

	ctx := context.Background()
	entries, from, err := WhatChanged(ctx, filepath.Join(top, "fw"), 0, "")
	if err != nil || from != FromGit {
		t.Fatal(err, from)
	}
	if len(entries) != 2 {
		t.Fatalf("want the two commits that touched fw/, got %d", len(entries))
	}
	if entries[0].Commit.Subject != "Grow the senior level" || entries[1].Commit.Subject != "Add the framework" {
		t.Errorf("newest first: %q, %q", entries[0].Commit.Subject, entries[1].Commit.Subject)
	}
	if entries[0].Diff == nil || len(entries[0].Diff.Ladders) != 1 || len(entries[0].Diff.Ladders[0].Orders) == 0 {
		t.Errorf("second commit's diff: %+v", entries[0].Diff)
	}
	if d := entries[1].Diff; d == nil || len(d.Ladders) != 1 || d.Ladders[0].Change != Added {
		t.Errorf("first commit adds the ladder: %+v", d)
	}
	if entries[0].Commit.Author != "Ada" || entries[0].Commit.Date.IsZero() || len(entries[0].Commit.Short) < 7 {
		t.Errorf("commit: %+v", entries[0].Commit)
	}

	repo, err := OpenRepo(ctx, filepath.Join(top, "fw"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := repo.Load(ctx, "HEAD~3"); err == nil || !strings.Contains(err.Error(), "does not exist at this revision") {
		t.Errorf("before the framework existed: %v", err)
	}
	if _, _, err := repo.Load(ctx, "nope"); err == nil || !strings.Contains(err.Error(), `unknown revision "nope"`) {
		t.Errorf("bad revision: %v", err)
	}
	if _, err := OpenRepo(ctx, t.TempDir()); err == nil {
		t.Error("a folder outside git must not open")
	}
}

// TestHistoryCache: with a cache, a second history reads each commit's entry from it instead
// of git, and gives the very same entries; a damaged cache file is computed again.
func TestHistoryCache(t *testing.T) {
	top, commit := gitRepo(t)
	commit(minimal(t), "Add the framework")
	commit(edited(t), "Grow the senior level")
	senior := filepath.Join(top, "fw", "ladders", "engineering", "senior.md")
	if err := os.WriteFile(senior, []byte("---\ntitle: [unclosed\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("git", "-C", top, "commit", "-qam", "Break it").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	commit(minimal(t), "Back to the start")
	ctx := context.Background()
	dir, cache := filepath.Join(top, "fw"), filepath.Join(t.TempDir(), "cache")

	fresh, _, err := WhatChanged(ctx, dir, 0, "")
	if err != nil || len(fresh) != 4 {
		t.Fatalf("%d entries, %v", len(fresh), err)
	}
	if fresh[1].Problem == "" || fresh[0].Problem == "" {
		t.Fatalf("the broken version should be a problem for its commit and the next: %q, %q", fresh[1].Problem, fresh[0].Problem)
	}
	want, _ := json.Marshal(fresh)
	for _, round := range []string{"filling the cache", "from the cache"} {
		got, _, err := WhatChanged(ctx, dir, 0, cache)
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := json.Marshal(got); string(b) != string(want) {
			t.Errorf("%s: the history differs from the one read without a cache", round)
		}
		// Field by field too: a field that JSON does not carry would be lost from the cache.
		if !reflect.DeepEqual(got, fresh) {
			t.Errorf("%s: the history is not the one read without a cache, field by field", round)
		}
	}
	files, _ := filepath.Glob(filepath.Join(cache, "*.json"))
	saved, _ := filepath.Glob(filepath.Join(cache, "history-*.json"))
	if len(files) != 5 || len(saved) != 1 {
		t.Fatalf("%d files in the cache, want one per commit and one history", len(files))
	}

	// The cache is read: an entry changed there shows; a damaged one is computed again.
	repo, err := OpenRepo(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	repo.Cache = cache
	marked := fresh[3]
	marked.Problem = "read from the cache"
	b, _ := json.Marshal(marked)
	if err := os.WriteFile(repo.cacheFile(marked.Commit.Hash), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(repo.cacheFile(fresh[2].Commit.Hash), []byte(`{"commit":`), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := repo.History(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got[3].Problem != "read from the cache" {
		t.Errorf("the cached entry was not used: %+v", got[3])
	}
	if g, _ := json.Marshal(got[2]); string(g) != string(mustJSON(t, fresh[2])) {
		t.Errorf("a damaged cache file gave %s", g)
	}

	// Another folder of the same repository has entries of its own.
	other := &Repo{top: repo.top, prefix: "elsewhere/", Cache: cache}
	if other.cacheFile(marked.Commit.Hash) == repo.cacheFile(marked.Commit.Hash) {
		t.Error("two folders share a cache entry")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSavedHistory: once a build has read the history at a commit, the next build at that
// commit reads it from the cache without starting git (PATH empty here), and a new commit, a
// moved branch or a deepened clone is seen at once.
func TestSavedHistory(t *testing.T) {
	top, commit := gitRepo(t)
	commit(minimal(t), "Add the framework")
	ctx := context.Background()
	dir, cache := filepath.Join(top, "fw"), filepath.Join(t.TempDir(), "cache")
	history := func() []Entry {
		t.Helper()
		entries, from, err := WhatChanged(ctx, dir, 0, cache)
		if err != nil || from != FromGit {
			t.Fatal(err, from)
		}
		return entries
	}
	withoutGit := func(f func()) {
		t.Helper()
		path := os.Getenv("PATH")
		os.Setenv("PATH", "")
		defer os.Setenv("PATH", path)
		f()
	}

	first := history()
	withoutGit(func() {
		if got := history(); !reflect.DeepEqual(got, first) {
			t.Errorf("from the saved history: %+v, want %+v", got, first)
		}
	})
	commit(edited(t), "Grow the senior level")
	if got := history(); len(got) != 2 || got[0].Commit.Subject != "Grow the senior level" {
		t.Fatalf("after a new commit: %+v", got)
	}
	withoutGit(func() {
		if got := history(); len(got) != 2 {
			t.Errorf("the new history was not saved: %d entries", len(got))
		}
	})
	// A different limit is a different history.
	if got, _, err := WhatChanged(ctx, dir, 1, cache); err != nil || len(got) != 1 {
		t.Errorf("limit 1: %d entries, %v", len(got), err)
	}

	git := func(dir string, args ...string) string {
		t.Helper()
		out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	checkHead := func(what, dir string) {
		t.Helper()
		if got, want := func() string { h, _ := headOf(dir); return h }(), git(dir, "rev-parse", "HEAD"); got != want {
			t.Errorf("%s: HEAD read as %q, git says %q", what, got, want)
		}
	}
	checkHead("a branch in a loose ref", dir)
	git(top, "pack-refs", "--all")
	checkHead("a branch in packed-refs", dir)
	git(top, "checkout", "-q", "--detach", "HEAD~1")
	checkHead("a detached HEAD", dir)
	if got := history(); len(got) != 1 {
		t.Errorf("after moving HEAD back: %d entries, want 1", len(got))
	}
	git(top, "checkout", "-q", "main")
	linked := filepath.Join(t.TempDir(), "linked")
	git(top, "worktree", "add", "-q", "-b", "other", linked, "HEAD~1")
	checkHead("a linked worktree", filepath.Join(linked, "fw"))

	shallow := filepath.Join(t.TempDir(), "shallow")
	git(top, "clone", "-q", "--depth", "1", "file://"+top, shallow)
	checkHead("a shallow clone", filepath.Join(shallow, "fw"))
	if _, boundary := headOf(shallow); boundary == "" {
		t.Error("a shallow clone's boundary was not read")
	}
	if got, _ := headOf(t.TempDir()); got != "" {
		t.Errorf("outside git: HEAD %q", got)
	}
}
