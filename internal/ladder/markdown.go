package ladder

import (
	"bytes"
	"strings"
	"unsafe"
)

// A level file is Markdown with a deliberately small structure, read line by line so every
// problem has an exact line and column and so `rungs fmt` can write it back without loss:
//
//	prose                  the level's introduction (anything before the first ##)
//	## Area                one section per area
//	- expectation {#id}    one bullet per expectation; indented lines continue it
//	  - example            nested bullets are examples
//	### Track              bullets below apply to that track only

// mdFile is a Markdown file split into front matter and body.
type mdFile struct {
	front     string // the YAML between the --- lines
	hasFront  bool
	bodyStart int // line number of the first body line
	body      []string
}

// normalise turns CRLF and CR line ends into LF and drops a byte-order mark.
func normalise(src []byte) string {
	s := strings.TrimPrefix(string(src), "\ufeff")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// splitFrontMatter separates the front matter from the body. It reports an unclosed front matter.
func splitFrontMatter(file string, src []byte, r *reporter) (mdFile, bool) {
	return splitLines(file, normalise(src), r)
}

// splitOwnedFrontMatter is splitFrontMatter for a file read for this alone, which no one
// changes afterwards: its text is used where it is, not copied. The text of a large
// framework's levels is most of its memory, and a copy of it costs as much again while loading.
func splitOwnedFrontMatter(file string, src []byte, r *reporter) (mdFile, bool) {
	if len(src) == 0 || bytes.HasPrefix(src, []byte("\ufeff")) || bytes.IndexByte(src, '\r') >= 0 {
		return splitFrontMatter(file, src, r)
	}
	return splitLines(file, unsafe.String(&src[0], len(src)), r)
}

func splitLines(file, text string, r *reporter) (mdFile, bool) {
	lines := strings.Split(text, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 || strings.TrimRight(lines[0], " \t") != "---" {
		return mdFile{bodyStart: 1, body: lines}, true
	}
	for i := 1; i < len(lines); i++ {
		if t := strings.TrimRight(lines[i], " \t"); t == "---" || t == "..." {
			return mdFile{
				front:     strings.Join(lines[1:i], "\n"),
				hasFront:  true,
				bodyStart: i + 2,
				body:      lines[i+1:],
			}, true
		}
	}
	r.errorf(Pos{File: file, Line: 1, Col: 1}, "front matter is not closed: add a line with --- after it")
	return mdFile{}, false
}

// mdItem is one bullet: an expectation with its examples.
type mdItem struct {
	text     string
	id       string
	line     int
	idLine   int // where "{#" is; idCol is 0 when the bullet has no id
	idCol    int
	examples []string
}

// mdTrack is the bullets of a section that belong to one track ("" for every track).
type mdTrack struct {
	heading string
	line    int
	items   []*mdItem
}

// mdSection is one "## Area" section of a level.
type mdSection struct {
	heading string
	line    int
	tracks  []*mdTrack
}

// levelBody is the parsed body of a level file.
type levelBody struct {
	intro    []string
	sections []*mdSection
}

// ValidID reports whether s is a well-formed id: lowercase letters, digits and dashes, starting
// with a letter or digit, at most 64 bytes.
func ValidID(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// The line classifiers below are hand-written rather than regular expressions: they run on every
// line of every level, and a large framework has hundreds of thousands of lines.

// heading reads an ATX heading ("## Title"): its level (0 when the line is not one) and text.
// Unlike CommonMark, a closing run of # is part of the text: one rule, and titles like "C#" stay.
func heading(line string) (int, string) {
	n := 0
	for n < len(line) && line[n] == '#' {
		n++
	}
	if n == 0 || n > 6 {
		return 0, ""
	}
	rest := line[n:]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return 0, ""
	}
	return n, strings.TrimSpace(rest)
}

// bullet reads a list item ("- x", "* x", "+ x", "1. x"): its indent in columns (tabs count
// four), its content, and whether the line is one at all.
func bullet(line string) (indent int, content string, ok bool) {
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		if line[i] == '\t' {
			indent += 4
		} else {
			indent++
		}
		i++
	}
	rest := line[i:]
	switch {
	case rest == "":
		return 0, "", false
	case rest[0] == '-' || rest[0] == '*' || rest[0] == '+':
		rest = rest[1:]
	default:
		d := 0
		for d < len(rest) && d < 9 && rest[d] >= '0' && rest[d] <= '9' {
			d++
		}
		if d == 0 || d >= len(rest) || (rest[d] != '.' && rest[d] != ')') {
			return 0, "", false
		}
		rest = rest[d+1:]
	}
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return 0, "", false
	}
	return indent, strings.TrimSpace(rest), true
}

// cutID splits a trailing "{#id}" off s. start is the byte offset of "{" in s, -1 without one.
func cutID(s string) (text, id string, start int) {
	t := strings.TrimRight(s, " \t")
	if !strings.HasSuffix(t, "}") {
		return s, "", -1
	}
	open := strings.LastIndex(t, "{#")
	if open < 0 || strings.ContainsAny(t[open+2:len(t)-1], "{}") {
		return s, "", -1
	}
	return strings.TrimRight(t[:open], " \t"), t[open+2 : len(t)-1], open
}

// parseLevelBody reads the body of a level file, reporting lines that fit nowhere.
func parseLevelBody(file string, f mdFile, r *reporter) (*levelBody, bool) {
	b := &levelBody{}
	ok := true
	var sec *mdSection
	var item *mdItem
	exampleIndent := -1 // indent of the current example's text, -1 when the last line was not one
	inFence := false
	for i, raw := range f.body {
		line := f.bodyStart + i
		text := strings.TrimRight(raw, " \t")
		if sec == nil {
			if strings.HasPrefix(strings.TrimSpace(text), "```") || strings.HasPrefix(strings.TrimSpace(text), "~~~") {
				inFence = !inFence
			}
			if level, _ := heading(text); level > 0 && !inFence {
				switch level {
				case 1:
					r.errorf(Pos{file, line, 1}, "a level's title comes from its front matter: remove this # heading, or use ## for an area")
					ok = false
					continue
				case 2:
					// the first area starts below
				default:
					b.intro = append(b.intro, text)
					continue
				}
			} else {
				b.intro = append(b.intro, text)
				continue
			}
		}
		if text == "" {
			continue
		}
		if level, title := heading(text); level > 0 {
			item, exampleIndent = nil, -1
			if title == "" && level <= 3 {
				r.errorf(Pos{file, line, 1}, "empty heading: name an area (##) or a track (###)")
				ok = false
				title = "?"
			}
			switch level {
			case 2:
				sec = &mdSection{heading: title, line: line, tracks: []*mdTrack{{line: line}}}
				b.sections = append(b.sections, sec)
			case 3:
				sec.tracks = append(sec.tracks, &mdTrack{heading: title, line: line})
			default:
				r.errorf(Pos{file, line, 1}, "only ## (an area) and ### (a track within it) headings may follow the first area")
				ok = false
			}
			continue
		}
		track := sec.tracks[len(sec.tracks)-1]
		if indent, content, isBullet := bullet(text); isBullet {
			if indent == 0 {
				item = &mdItem{line: line}
				if rest, id, at := cutID(content); at >= 0 {
					item.id, item.idLine, item.idCol = id, line, strings.LastIndex(text, "{#")+1
					content = rest
				}
				item.text = content
				track.items = append(track.items, item)
				exampleIndent = -1
				continue
			}
			if item == nil {
				r.errorf(Pos{file, line, indent + 1}, "an indented bullet must follow an expectation bullet")
				ok = false
				continue
			}
			item.examples = append(item.examples, content)
			exampleIndent = indent + 1
			continue
		}
		indent := len(text) - len(strings.TrimLeft(text, " \t"))
		if item != nil && indent > 0 {
			cont := strings.TrimSpace(text)
			if exampleIndent >= 0 && indent > exampleIndent && len(item.examples) > 0 {
				ex := &item.examples[len(item.examples)-1]
				*ex = strings.TrimSpace(*ex + " " + cont)
			} else {
				joined := strings.TrimSpace(item.text + " " + cont)
				if rest, id, at := cutID(joined); at >= 0 && item.id == "" {
					// An id whose "{#" is on an earlier line is placed at this line's text: a
					// column of 0 would mean no id, and leave it unchecked.
					col := strings.LastIndex(text, "{#") + 1
					if col == 0 {
						col = indent + 1
					}
					item.id, item.idLine, item.idCol = id, line, col
					joined = rest
				}
				item.text = joined
				exampleIndent = -1
			}
			continue
		}
		r.errorf(Pos{file, line, indent + 1}, "text under an area heading must be a bullet (\"- \"); put prose before the first ## heading")
		ok = false
	}
	for _, sec := range b.sections {
		for _, t := range sec.tracks {
			for _, it := range t.items {
				if it.text == "" {
					r.errorf(Pos{file, it.line, 1}, "empty bullet: write the expectation after the \"- \"")
					ok = false
				}
				if it.idCol > 0 && !ValidID(it.id) {
					r.errorf(Pos{file, it.idLine, it.idCol}, "bad id %q: use lowercase letters, digits and dashes (at most 64), starting with a letter or digit", it.id)
					ok = false
				}
			}
		}
	}
	for len(b.intro) > 0 && b.intro[len(b.intro)-1] == "" {
		b.intro = b.intro[:len(b.intro)-1]
	}
	for len(b.intro) > 0 && b.intro[0] == "" {
		b.intro = b.intro[1:]
	}
	return b, ok
}

// SplitTrait reads an enabling trait written "**Name**: text" (the colon may sit inside the
// bold); ok is false when the text has no bold name, or when the text after it runs over
// more than one line. It reads as the expression ^\*\*([^*]+?)\*\*[ \t]*:?[ \t]*(.*)$ would,
// without a regular expression: it is asked of every expectation a framework loads.
func SplitTrait(s string) (name, text string, ok bool) {
	rest, found := strings.CutPrefix(s, "**")
	if !found {
		return "", "", false
	}
	end := strings.IndexByte(rest, '*')
	if end < 1 || !strings.HasPrefix(rest[end:], "**") {
		return "", "", false
	}
	name, text = rest[:end], rest[end+2:]
	text = strings.TrimLeft(text, " \t")
	text = strings.TrimPrefix(text, ":")
	text = strings.TrimLeft(text, " \t")
	if strings.Contains(text, "\n") {
		return "", "", false
	}
	name = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(name), ":"))
	return name, text, name != ""
}
