package hugo

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Raw HTML in a Hugo page renders only when the site allows it, and rungs keeps content as plain
// Markdown, so an import rewrites HTML as the Markdown that reads the same: tables become pipe
// tables, lists bullets, bold and links stay bold and links; HTML comments are dropped.

var commentRE = regexp.MustCompile(`(?s)<!--.*?-->`)

// dropComments removes HTML comments, keeping their line breaks so line numbers stay right.
func dropComments(s string) string {
	return commentRE.ReplaceAllStringFunc(s, func(c string) string {
		return strings.Repeat("\n", strings.Count(c, "\n"))
	})
}

// blockTags start an HTML block when they open a line.
var blockTags = map[string]bool{
	"table": true, "div": true, "p": true, "ul": true, "ol": true, "details": true, "blockquote": true,
	"center": true, "figure": true, "section": true, "dl": true, "pre": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "hr": true, "style": true, "script": true, "iframe": true,
}

var tagStartRE = regexp.MustCompile(`^<([a-zA-Z][a-zA-Z0-9]*)`)

var brEndRE = regexp.MustCompile(`(?i)[ \t]*<br[ \t]*/?>[ \t]*$`)

// hardBreaks writes hard line breaks (two spaces, or a <br>, at the end of a line that more of
// the paragraph follows) as a backslash at the end of the line, which survives the trimming of
// trailing spaces that tidies every imported text: a FAQ's question and answer stay on their
// own lines.
func hardBreaks(s string) string {
	lines := strings.Split(s, "\n")
	inFence := false
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
		}
		if inFence || t == "" || i+1 == len(lines) || !continues(lines[i+1]) {
			continue
		}
		switch {
		case strings.HasSuffix(line, "  "):
			lines[i] = strings.TrimRight(line, " \t") + "\\"
		case brEndRE.MatchString(line) && !strings.HasPrefix(t, "|"):
			lines[i] = brEndRE.ReplaceAllString(line, "") + "\\"
		}
	}
	return strings.Join(lines, "\n")
}

// continues reports whether a line goes on with the paragraph above it rather than starting a
// block of its own.
func continues(line string) bool {
	t := strings.TrimSpace(line)
	if t == "" || strings.HasPrefix(t, ">") || strings.HasPrefix(t, "|") || strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
		return false
	}
	return !bulletRE.MatchString(line) && !headingRE.MatchString(t)
}

// convertHTMLBlocks rewrites HTML blocks (a line starting with a block tag, to the next blank
// line, or to the end of a table) and inline tags in Markdown text.
func convertHTMLBlocks(src string, warn func(string)) string {
	lines := strings.Split(src, "\n")
	var out []string
	inFence := false
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
		}
		if inFence {
			out = append(out, line)
			continue
		}
		if m := tagStartRE.FindStringSubmatch(t); m != nil && blockTags[strings.ToLower(m[1])] {
			tag := strings.ToLower(m[1])
			j := i
			var block []string
			for ; j < len(lines); j++ {
				if j > i && strings.TrimSpace(lines[j]) == "" && !(tag == "table" && !closed(block, "table")) {
					break
				}
				block = append(block, lines[j])
				if tag == "table" && closed(block, "table") {
					break
				}
			}
			md := htmlToMarkdown(strings.Join(block, "\n"), warn)
			out = append(out, "", md, "")
			i = j
			continue
		}
		out = append(out, inlineHTML(line, warn))
	}
	return strings.Join(out, "\n")
}

func closed(block []string, tag string) bool {
	return strings.Contains(strings.ToLower(strings.Join(block, "\n")), "</"+tag)
}

var (
	inlineLinkRE = regexp.MustCompile(`(?is)<a\s[^>]*?href\s*=\s*["']([^"']*)["'][^>]*>(.*?)</a>`)
	inlineTagRE  = regexp.MustCompile(`(?i)</?([a-z][a-z0-9]*)\b[^>]*?/?>`)
)

// inlineHTML rewrites the tags inside one Markdown line.
func inlineHTML(line string, warn func(string)) string {
	if !strings.Contains(line, "<") {
		return line
	}
	line = inlineLinkRE.ReplaceAllString(line, "[$2]($1)")
	return inlineTagRE.ReplaceAllStringFunc(line, func(tag string) string {
		name := strings.ToLower(inlineTagRE.FindStringSubmatch(tag)[1])
		switch name {
		case "b", "strong":
			return "**"
		case "i", "em":
			return "*"
		case "code", "kbd":
			return "`"
		case "br":
			return " "
		case "span", "font", "u", "small", "sup", "sub", "mark", "abbr", "cite", "q", "s", "del", "ins", "a", "p", "div", "center", "big":
			return ""
		}
		if strings.HasPrefix(name, "http") || strings.Contains(tag, "@") {
			return tag // an autolink such as <https://example.com>
		}
		warn("dropped the HTML tag <" + name + ">, keeping its text")
		return ""
	})
}

// htmlToMarkdown converts an HTML fragment.
func htmlToMarkdown(src string, warn func(string)) string {
	nodes, err := html.ParseFragment(strings.NewReader(src), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		warn("could not read an HTML block; kept it as text")
		return src
	}
	w := &mdWriter{warn: warn}
	for _, n := range nodes {
		w.node(n)
	}
	// Text nodes keep the spaces around them; at the start of a line only list indents count.
	out := strings.ReplaceAll(w.b.String(), hardBreak+"\n", "\\\n")
	lines := strings.Split(strings.ReplaceAll(out, hardBreak, ""), "\n")
	for i, l := range lines {
		if listLineRE.MatchString(l) || bulletRE.MatchString(l) {
			lines[i] = listLineRE.ReplaceAllString(l, "$1")
		} else {
			lines[i] = strings.TrimLeft(l, " ")
		}
	}
	return strings.Trim(collapseBlank(strings.Join(lines, "\n")), "\n ")
}

// mdWriter renders HTML nodes as Markdown.
type mdWriter struct {
	b    strings.Builder
	warn func(string)
	list []string // "-" or "1." per open list
}

func (w *mdWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
	}
}

func (w *mdWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.b.WriteString(spaceRE.ReplaceAllString(n.Data, " "))
		return
	case html.CommentNode:
		return
	case html.ElementNode:
	default:
		w.children(n)
		return
	}
	switch n.DataAtom {
	case atom.Table:
		w.b.WriteString("\n\n" + tableMarkdown(n) + "\n\n")
	case atom.P, atom.Div, atom.Section, atom.Center, atom.Article, atom.Figure, atom.Details, atom.Dl:
		w.b.WriteString("\n\n")
		w.children(n)
		w.b.WriteString("\n\n")
	case atom.Summary, atom.Dt, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		// Headings inside HTML become bold lines: a real heading would end a level's section.
		w.b.WriteString("\n\n**" + strings.TrimSpace(textOf(n)) + "**\n\n")
	case atom.Br:
		w.b.WriteString(hardBreak + "\n")
	case atom.Hr:
		w.b.WriteString("\n\n---\n\n")
	case atom.Strong, atom.B:
		w.b.WriteString("**" + strings.TrimSpace(textOf(n)) + "**")
	case atom.Em, atom.I:
		w.b.WriteString("*" + strings.TrimSpace(textOf(n)) + "*")
	case atom.Span:
		// Emphasis written as a style, as some sites' tables have it.
		style := strings.ReplaceAll(strings.ToLower(attr(n, "style")), " ", "")
		switch t := strings.TrimSpace(textOf(n)); {
		case t == "":
		case strings.Contains(style, "font-weight:bold") || strings.Contains(style, "font-weight:700"):
			w.b.WriteString("**" + t + "**")
		case strings.Contains(style, "font-style:italic"):
			w.b.WriteString("*" + t + "*")
		default:
			w.children(n)
		}
	case atom.Code, atom.Kbd:
		w.b.WriteString("`" + textOf(n) + "`")
	case atom.Pre:
		w.b.WriteString("\n\n```\n" + textOf(n) + "\n```\n\n")
	case atom.A:
		w.b.WriteString("[" + strings.TrimSpace(textOf(n)) + "](" + attr(n, "href") + ")")
	case atom.Img:
		w.b.WriteString("![" + attr(n, "alt") + "](" + attr(n, "src") + ")")
	case atom.Ul, atom.Ol:
		mark := "-"
		if n.DataAtom == atom.Ol {
			mark = "1."
		}
		w.list = append(w.list, mark)
		w.b.WriteString("\n")
		w.children(n)
		w.list = w.list[:len(w.list)-1]
		w.b.WriteString("\n")
	case atom.Li:
		depth := max(len(w.list)-1, 0)
		mark := "-"
		if len(w.list) > 0 {
			mark = w.list[len(w.list)-1]
		}
		w.b.WriteString("\n" + strings.Repeat("  ", depth) + mark + " ")
		w.children(n)
	case atom.Blockquote:
		var inner mdWriter
		inner.warn = w.warn
		inner.children(n)
		w.b.WriteString("\n\n" + quote(collapseBlank(inner.b.String())) + "\n\n")
	case atom.Script, atom.Style, atom.Iframe:
		w.warn("dropped an HTML <" + n.Data + "> element: it has no Markdown meaning")
	default:
		w.children(n)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// hardBreak marks a <br> while an HTML fragment is written, so that it becomes a Markdown hard
// line break in running text and a plain line break in a table's cell.
const hardBreak = "\x01"

// textOf is the text of a node with line breaks as newlines and other space collapsed; bold
// and links inside keep their Markdown.
func textOf(n *html.Node) string {
	var w mdWriter
	w.warn = func(string) {}
	w.children(n)
	lines := strings.Split(strings.ReplaceAll(w.b.String(), hardBreak, ""), "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// htmlTableRows returns the data cells of every row of every table in an HTML fragment, as
// Markdown with <br> as a line break inside a cell; header cells name columns and are left out.
func htmlTableRows(src string) [][]string {
	nodes, err := html.ParseFragment(strings.NewReader(src), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return nil
	}
	var rows [][]string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Tr {
			var row []string
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && c.DataAtom == atom.Td {
					row = append(row, textOf(c))
				}
			}
			rows = append(rows, row)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return rows
}

func stripBold(s string) string {
	return strings.ReplaceAll(s, "**", "")
}

func tableMarkdown(t *html.Node) string {
	var rows [][]string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Tr {
			var row []string
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th) {
					row = append(row, strings.ReplaceAll(strings.ReplaceAll(textOf(c), "\n", "<br>"), "|", `\|`))
				}
			}
			rows = append(rows, row)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(t)
	if len(rows) == 0 {
		return ""
	}
	width := 0
	for _, r := range rows {
		width = max(width, len(r))
	}
	var b strings.Builder
	for i, r := range rows {
		for len(r) < width {
			r = append(r, "")
		}
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
		if i == 0 {
			b.WriteString("|" + strings.Repeat(" --- |", width) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

var (
	blankRunRE = regexp.MustCompile(`\n[ \t]*\n(?:[ \t]*\n)+`)
	spaceRE    = regexp.MustCompile(`\s+`)
	listLineRE = regexp.MustCompile(`^(\s*(?:[-*+]|\d+\.) ) +`)
)

// collapseBlank leaves at most one blank line between blocks and no trailing spaces.
func collapseBlank(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return blankRunRE.ReplaceAllString(strings.Join(lines, "\n"), "\n\n")
}
