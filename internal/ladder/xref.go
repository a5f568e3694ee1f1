package ladder

import (
	"bytes"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"strings"
)

// crossReferences checks what points from one ladder to another, and loads the crosswalk, once
// every ladder is loaded.
func (l *loader) crossReferences(f *Framework) {
	for _, ld := range f.Ladders {
		lf := l.ladderSrc[ld.ID]
		if lf == nil {
			continue // a ladder LoadShape did not read, added by an importer
		}
		if b := lf.BranchesFrom; b != nil {
			if ref, ok := l.resolve(f, b.Ladder, b.Level); ok {
				if ref.Ladder == ld.ID {
					l.r.errorf(b.Ladder.Pos, "a ladder cannot branch from itself")
				} else {
					ld.BranchesFrom = &ref
				}
			}
		}
		for _, eq := range lf.Equivalences {
			if ld.Level(eq.Level.Value) == nil {
				if !l.isBroken(ld.ID, eq.Level.Value) {
					l.r.errorf(eq.Level.Pos, "unknown level %q on ladder %q%s", eq.Level.Value, ld.ID, Suggest(eq.Level.Value, levelIDs(ld)))
				}
				continue
			}
			ref, ok := l.levelRef(f, eq.Equals)
			if !ok {
				continue
			}
			if ref.Ladder == ld.ID {
				l.r.errorf(eq.Equals.Pos, "an equivalence links levels of two different ladders")
				continue
			}
			ld.Equivalences = append(ld.Equivalences, Equivalence{Level: eq.Level.Value, Equals: ref})
		}
	}

	src, err := fs.ReadFile(l.fsys, CrosswalkFile)
	if err != nil {
		return
	}
	var cf crosswalkFile
	if !checkText(CrosswalkFile, src, &l.r) || !l.decodeYAML(CrosswalkFile, src, 0, &cf) {
		return
	}
	for _, t := range cf.Titles {
		ref, ok := l.levelRef(f, t.Level)
		if !ok {
			continue
		}
		f.Crosswalk = append(f.Crosswalk, TitleMatch{Title: t.Title, Ladder: ref.Ladder, Level: ref.Level, Note: t.Note})
	}
}

func levelIDs(ld *Ladder) []string {
	var out []string
	for _, lv := range ld.Levels {
		out = append(out, lv.ID)
	}
	return out
}

// levelRef resolves "ladder/level".
func (l *loader) levelRef(f *Framework, id ident) (LevelRef, bool) {
	ladder, level, ok := strings.Cut(id.Value, "/")
	if !ok {
		l.r.errorf(id.Pos, "%q does not name a level: write <ladder>/<level>, such as engineering/senior", id.Value)
		return LevelRef{}, false
	}
	return l.resolve(f, ident{ladder, id.Pos}, ident{level, id.Pos})
}

func (l *loader) resolve(f *Framework, ladder, level ident) (LevelRef, bool) {
	if l.isBroken(ladder.Value, level.Value) {
		return LevelRef{}, false // its own error says why
	}
	ld := f.Ladder(ladder.Value)
	if ld == nil {
		var names []string
		for _, x := range f.Ladders {
			names = append(names, x.ID)
		}
		l.r.errorf(ladder.Pos, "unknown ladder %q%s", ladder.Value, Suggest(ladder.Value, names))
		return LevelRef{}, false
	}
	if ld.Level(level.Value) == nil {
		l.r.errorf(level.Pos, "unknown level %q on ladder %q%s", level.Value, ld.ID, Suggest(level.Value, levelIDs(ld)))
		return LevelRef{}, false
	}
	return LevelRef{Ladder: ld.ID, Level: level.Value}, true
}

var (
	mdLinkRE = regexp.MustCompile(`\]\(([^()\s]+)(?:\s+"[^"]*")?\)`)
	schemeRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// links checks every relative link in the Markdown files: the target must be a file of the
// framework, and an anchor on a level must be one of its expectations or areas.
func (l *loader) links(f *Framework) {
	sources := map[string][]byte{}
	var files []string
	for _, p := range f.Pages {
		files = append(files, p.Path)
		sources[p.Path], _ = fs.ReadFile(l.fsys, p.Path)
	}
	for _, ld := range f.Ladders {
		for _, lv := range ld.Levels {
			files = append(files, lv.Path)
			sources[lv.Path] = l.levelFiles[lv.Path].src
		}
	}
	for _, file := range files {
		src := sources[file]
		if !bytes.Contains(src, []byte("](")) {
			continue
		}
		inFence, inFront := false, false
		for i, line := range strings.Split(normalise(src), "\n") {
			t := strings.TrimSpace(line)
			if i == 0 && t == "---" {
				inFront = true
				continue
			}
			if inFront && (t == "---" || t == "...") {
				inFront = false
				continue
			}
			// Front matter is scanned too: a level's indicator notes are Markdown.
			if !inFront && (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")) {
				inFence = !inFence
			}
			if inFence {
				continue
			}
			if !strings.Contains(line, "](") {
				continue
			}
			for _, m := range mdLinkRE.FindAllStringSubmatchIndex(line, -1) {
				target := line[m[2]:m[3]]
				if msg := l.brokenLink(file, target); msg != "" {
					l.r.errorf(Pos{file, i + 1, m[2] + 1}, "broken link %q: %s", target, msg)
				}
			}
		}
	}
}

// brokenLink says what is wrong with a link from file, or "" when it is fine.
func (l *loader) brokenLink(file, target string) string {
	if schemeRE.MatchString(target) || strings.HasPrefix(target, "//") || strings.HasPrefix(target, "#") {
		return ""
	}
	target, anchor, _ := strings.Cut(target, "#")
	target, _, _ = strings.Cut(target, "?")
	if u, err := url.PathUnescape(target); err == nil {
		target = u
	}
	var name string
	if strings.HasPrefix(target, "/") {
		name = path.Clean(strings.TrimPrefix(target, "/"))
	} else {
		name = path.Join(path.Dir(file), target)
	}
	if !l.exists(name) {
		return "no such file in the framework"
	}
	src, ok := l.levelFiles[name]
	if !ok || anchor == "" {
		return ""
	}
	for _, la := range src.level.Areas {
		if la.Area == anchor {
			return ""
		}
		for _, e := range la.Expectations {
			if e.ID == anchor {
				return ""
			}
		}
	}
	return "level " + src.level.ID + " has no expectation or area with id \"" + anchor + "\""
}
