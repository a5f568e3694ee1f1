package hugo

import (
	"path"
	"regexp"
	"strings"

	"github.com/rungs/rungs/internal/ladder"
)

// Links between Hugo pages point at URLs (/docs/engineering/senior/, ../faq/) or go through
// ref and relref; in the framework they become relative links between the Markdown files, which
// `rungs check` verifies. A link to a section of a level keeps its anchor when the section became
// an area; a link to a place outside the framework keeps its text and loses the link.

var linkRE = regexp.MustCompile(`(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(([^()\s]*)((?:\s+"[^"]*")?)\)`)
var schemeRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)

func (im *importer) rewriteLinks() {
	for _, t := range im.texts {
		*t.s = im.rewrite(*t.s, t.content, t.fw)
	}
}

func (im *importer) rewrite(s, content, fw string) string {
	s = linkRE.ReplaceAllStringFunc(s, func(m string) string {
		g := linkRE.FindStringSubmatch(m)
		image, label, dest := g[1] == "!", g[2], g[3]
		if t := im.inFile[content+dest]; t != nil && strings.HasPrefix(dest, "#") {
			// A link to another level of the same file, when one file held a whole ladder.
			return "[" + label + "](" + relPath(path.Dir(fw), t.file) + ")"
		}
		switch {
		case strings.HasPrefix(dest, "#"), schemeRE.MatchString(dest) && !strings.HasPrefix(dest, refPrefix), strings.HasPrefix(dest, "//"):
			return m
		case image:
			im.warn.add(content, "image %q was not imported (a framework holds no images); kept its description", dest)
			return label
		}
		t, anchor := im.resolve(dest, content)
		if t == nil {
			im.warn.add(content, "link %q points outside the imported pages; kept its text %q without the link", strings.TrimPrefix(dest, refPrefix), label)
			return label
		}
		rel := relPath(path.Dir(fw), t.file)
		if t.file == fw {
			rel = ""
		}
		if anchor != "" && t.level != nil {
			if id, ok := t.anchors[anchor]; ok {
				anchor = id
			} else if hasExpectation(t.level, anchor) {
				// an expectation's id, as rungs writes links to one
			} else {
				im.warn.add(content, "link %q points at a part of level %q that is not an area; linked to the level", strings.TrimPrefix(dest, refPrefix), t.level.ID)
				anchor = ""
			}
		}
		if anchor != "" {
			rel += "#" + anchor
		}
		if rel == "" {
			rel = path.Base(t.file)
		}
		return "[" + label + "](" + rel + ")"
	})
	return strings.ReplaceAll(s, refPrefix, "")
}

// resolve finds the content a link destination names, trying it as a ref path, as a URL
// relative to the page's address, as a site path, and as a file next to the page.
func (im *importer) resolve(dest, content string) (*target, string) {
	ref := strings.HasPrefix(dest, refPrefix)
	dest = strings.TrimPrefix(dest, refPrefix)
	dest, anchor, _ := strings.Cut(dest, "#")
	dest, _, _ = strings.Cut(dest, "?")
	if dest == "" {
		return im.byFile[content], anchor
	}
	if t := im.byFile[path.Join(path.Dir(content), dest)]; t != nil && !ref && !strings.HasPrefix(dest, "/") {
		return t, anchor // a file beside this one, named as it is
	}
	lower := strings.ToLower(dest)
	trimmed := strings.TrimSuffix(strings.TrimSuffix(lower, ".md"), "/")
	pageURL := "/"
	if p := im.byFile[content]; p != nil {
		for u, t := range im.byURL {
			if t == p && !strings.HasPrefix(u, "ref:") {
				pageURL = u
			}
		}
	}
	contentDir := strings.ToLower(path.Dir(strings.TrimPrefix(content, "content/")))
	var candidates []string
	if ref || strings.HasSuffix(lower, ".md") {
		candidates = append(candidates,
			"ref:"+strings.TrimPrefix(path.Join(contentDir, trimmed), "/"),
			"ref:"+strings.TrimPrefix(path.Clean(trimmed), "/"),
			"ref:"+strings.TrimPrefix(path.Join(contentDir, trimmed, "index"), "/"),
			"ref:"+strings.TrimPrefix(path.Join(contentDir, trimmed, "_index"), "/"),
		)
	}
	if strings.HasPrefix(lower, "/") {
		candidates = append(candidates, path.Clean(trimmed)+"/")
	} else {
		candidates = append(candidates, path.Join(pageURL, trimmed)+"/", path.Join("/", contentDir, trimmed)+"/")
	}
	for _, c := range candidates {
		if t := im.byURL[strings.Replace(c, "//", "/", -1)]; t != nil {
			return t, anchor
		}
	}
	// Last: a unique page with that name anywhere ("senior" from a card on another page).
	var found *target
	base := path.Base(trimmed)
	for u, t := range im.byURL {
		if strings.HasPrefix(u, "ref:") || path.Base(strings.TrimSuffix(u, "/")) != base {
			continue
		}
		if found != nil && found != t {
			return nil, ""
		}
		found = t
	}
	return found, anchor
}

func hasExpectation(lv *ladder.Level, id string) bool {
	for _, la := range lv.Areas {
		for _, e := range la.Expectations {
			if e.ID == id {
				return true
			}
		}
	}
	return false
}

// relPath is the relative path from folder dir to file, both slash paths in the framework.
func relPath(dir, file string) string {
	from := strings.Split(path.Clean(dir), "/")
	to := strings.Split(path.Clean(file), "/")
	if dir == "." || dir == "" {
		from = nil
	}
	i := 0
	for i < len(from) && i < len(to)-1 && from[i] == to[i] {
		i++
	}
	return strings.Repeat("../", len(from)-i) + strings.Join(to[i:], "/")
}
