package hugo

import (
	"fmt"
	"strings"
)

// Hugo shortcodes have no meaning outside Hugo, so an import turns each into the Markdown that
// says the same: a callout becomes a note, cards become a list of links, details and tabs become
// a bold title over their text, ref and relref become the path they point to. Others keep their
// inner text and are reported.

// scNode is text or a shortcode with the nodes between its opening and closing tags.
type scNode struct {
	text     string // for text nodes
	name     string // for shortcodes
	args     map[string]string
	pos      []string // positional arguments
	children []*scNode
	paired   bool
}

// scToken is a piece of the source: text, an opening or a closing shortcode tag.
type scToken struct {
	text    string
	name    string
	closing bool
	self    bool // {{< name />}}
	args    map[string]string
	pos     []string
}

// tokenize splits src into text and shortcode tags. A shortcode comment ({{</* x */>}}) is text:
// it is how Hugo pages show a shortcode without running it.
func tokenize(src string) []scToken {
	var out []scToken
	for {
		i := strings.Index(src, "{{")
		for i >= 0 && (i+2 >= len(src) || (src[i+2] != '<' && src[i+2] != '%')) {
			j := strings.Index(src[i+2:], "{{")
			if j < 0 {
				i = -1
				break
			}
			i += 2 + j
		}
		if i < 0 {
			if src != "" {
				out = append(out, scToken{text: src})
			}
			return out
		}
		delim := src[i+2]
		closeDelim := string(delim) + "}}"
		if delim == '<' {
			closeDelim = ">}}"
		}
		end := findClose(src[i+3:], closeDelim)
		if end < 0 {
			out = append(out, scToken{text: src})
			return out
		}
		inner := strings.TrimSpace(src[i+3 : i+3+end])
		if i > 0 {
			out = append(out, scToken{text: src[:i]})
		}
		src = src[i+3+end+len(closeDelim):]
		if strings.HasPrefix(inner, "/*") && strings.HasSuffix(inner, "*/") {
			out = append(out, scToken{text: "{{" + string(delim) + " " + strings.TrimSpace(inner[2:len(inner)-2]) + " " + closeDelim})
			continue
		}
		t := scToken{}
		if strings.HasPrefix(inner, "/") {
			t.closing = true
			inner = strings.TrimSpace(inner[1:])
		}
		if strings.HasSuffix(inner, "/") {
			t.self = true
			inner = strings.TrimSpace(strings.TrimSuffix(inner, "/"))
		}
		t.name, t.args, t.pos = parseArgs(inner)
		out = append(out, t)
	}
}

// findClose finds the closing delimiter, skipping quoted arguments that may contain it.
func findClose(s, delim string) int {
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '`':
			quote = c
		case strings.HasPrefix(s[i:], delim):
			return i
		}
	}
	return -1
}

// parseArgs reads `name key="value" key2=value "positional"`.
func parseArgs(s string) (string, map[string]string, []string) {
	args := map[string]string{}
	var pos []string
	var fields []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		var f string
		if s[0] == '"' || s[0] == '`' {
			end := strings.IndexByte(s[1:], s[0])
			if end < 0 {
				end = len(s) - 1
			}
			f, s = s[:end+2], s[min(end+2, len(s)):]
		} else {
			end := strings.IndexAny(s, " \t\n")
			eq := strings.IndexByte(s, '=')
			if eq >= 0 && (end < 0 || eq < end) && eq+1 < len(s) && (s[eq+1] == '"' || s[eq+1] == '`') {
				q := s[eq+1]
				close := strings.IndexByte(s[eq+2:], q)
				if close < 0 {
					close = len(s) - eq - 2
				}
				end = min(eq+2+close+1, len(s))
			}
			if end < 0 {
				end = len(s)
			}
			f, s = s[:end], s[end:]
		}
		fields = append(fields, f)
	}
	if len(fields) == 0 {
		return "", args, nil
	}
	name := fields[0]
	for _, f := range fields[1:] {
		if k, v, ok := strings.Cut(f, "="); ok && !strings.HasPrefix(f, `"`) {
			args[strings.ToLower(k)] = unquote(v)
		} else {
			pos = append(pos, unquote(f))
		}
	}
	return name, args, pos
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '`') && s[len(s)-1] == s[0] {
		s = s[1 : len(s)-1]
	}
	return strings.ReplaceAll(s, `\"`, `"`)
}

// parseShortcodes builds the tree: a closing tag adopts everything since its opening tag; an
// opening tag never closed stands alone, its would-be children left where they were.
func parseShortcodes(src string) []*scNode {
	root := &scNode{}
	stack := []*scNode{root}
	for _, t := range tokenize(src) {
		top := stack[len(stack)-1]
		switch {
		case t.name == "":
			top.children = append(top.children, &scNode{text: t.text})
		case t.closing:
			i := len(stack) - 1
			for i > 0 && stack[i].name != t.name {
				i--
			}
			if i == 0 {
				continue // a stray closing tag means nothing
			}
			for len(stack)-1 > i {
				flatten(stack)
				stack = stack[:len(stack)-1]
			}
			stack[i].paired = true
			stack = stack[:i]
		default:
			n := &scNode{name: t.name, args: t.args, pos: t.pos}
			top.children = append(top.children, n)
			if !t.self {
				stack = append(stack, n)
			}
		}
	}
	for len(stack) > 1 {
		flatten(stack)
		stack = stack[:len(stack)-1]
	}
	return root.children
}

// flatten moves the children of the unclosed shortcode on top of the stack after it, in its
// parent.
func flatten(stack []*scNode) {
	n, parent := stack[len(stack)-1], stack[len(stack)-2]
	kids := n.children
	n.children = nil
	for i, c := range parent.children {
		if c == n {
			rest := append([]*scNode{}, parent.children[i+1:]...)
			parent.children = append(append(parent.children[:i+1], kids...), rest...)
			return
		}
	}
}

// calloutLabel is the word a callout's type reads as in a note.
func calloutLabel(typ string) string {
	switch strings.ToLower(typ) {
	case "warning", "warn", "caution":
		return "Warning"
	case "error", "danger", "important":
		return "Important"
	case "tip", "success":
		return "Tip"
	}
	return "Note"
}

// renderShortcodes turns the tree back into Markdown; warn reports what had no Markdown meaning.
func renderShortcodes(nodes []*scNode, warn func(string)) string {
	var b strings.Builder
	for _, n := range nodes {
		b.WriteString(renderNode(n, warn))
	}
	return b.String()
}

func renderNode(n *scNode, warn func(string)) string {
	if n.name == "" {
		return n.text
	}
	inner := strings.TrimSpace(renderShortcodes(n.children, warn))
	name := strings.ToLower(strings.TrimPrefix(n.name, "hextra/"))
	switch name {
	case "callout", "alert", "notice", "hint", "admonition":
		typ := n.args["type"]
		if typ == "" && len(n.pos) > 0 {
			typ = n.pos[0]
		}
		body := inner
		if t := n.args["title"]; t != "" {
			body = "**" + t + "**\n\n" + body
		}
		return "\n\n" + quote("**"+calloutLabel(typ)+":** "+body) + "\n\n"
	case "cards":
		var lines []string
		for _, c := range n.children {
			if c.name == "" {
				if t := strings.TrimSpace(c.text); t != "" {
					lines = append(lines, t)
				}
				continue
			}
			lines = append(lines, strings.TrimSpace(renderNode(c, warn)))
		}
		return "\n\n" + strings.Join(lines, "\n") + "\n\n"
	case "card":
		title := firstNonEmpty(n.args["title"], n.args["subtitle"], n.args["link"])
		item := "- " + title
		if link := n.args["link"]; link != "" {
			item = "- [" + title + "](" + link + ")"
		}
		if sub := n.args["subtitle"]; sub != "" && sub != title {
			item += ": " + sub
		}
		if inner != "" {
			item += " " + strings.Join(strings.Fields(inner), " ")
		}
		return item + "\n"
	case "details", "expand", "collapse":
		title := firstNonEmpty(n.args["title"], first(n.pos))
		if title == "" {
			return "\n\n" + inner + "\n\n"
		}
		return "\n\n**" + title + "**\n\n" + inner + "\n\n"
	case "tabs":
		items := strings.Split(n.args["items"], ",")
		var parts []string
		k := 0
		for _, c := range n.children {
			if strings.EqualFold(c.name, "tab") {
				label := firstNonEmpty(c.args["name"], c.args["title"], first(c.pos))
				if label == "" && k < len(items) {
					label = strings.TrimSpace(items[k])
				}
				k++
				body := strings.TrimSpace(renderShortcodes(c.children, warn))
				if label != "" {
					body = "**" + label + "**\n\n" + body
				}
				parts = append(parts, body)
			} else if t := strings.TrimSpace(renderNode(c, warn)); t != "" {
				parts = append(parts, t)
			}
		}
		return "\n\n" + strings.Join(parts, "\n\n") + "\n\n"
	case "tab":
		label := firstNonEmpty(n.args["name"], n.args["title"], first(n.pos))
		if label == "" {
			return "\n\n" + inner + "\n\n"
		}
		return "\n\n**" + label + "**\n\n" + inner + "\n\n"
	case "steps", "center", "columns", "column":
		return "\n\n" + inner + "\n\n"
	case "ref", "relref":
		return refPrefix + firstNonEmpty(first(n.pos), n.args["path"])
	case "icon":
		return ""
	case "badge":
		return firstNonEmpty(n.args["content"], first(n.pos), inner)
	case "figure", "image", "img":
		return "![" + firstNonEmpty(n.args["alt"], n.args["caption"], n.args["title"]) + "](" + n.args["src"] + ")"
	case "highlight":
		return "\n\n```" + first(n.pos) + "\n" + inner + "\n```\n\n"
	}
	if inner != "" {
		warn(fmt.Sprintf("shortcode %q has no Markdown meaning; kept the text inside it", n.name))
		return inner
	}
	warn(fmt.Sprintf("shortcode %q has no Markdown meaning and no text; dropped it", n.name))
	return ""
}

// refPrefix marks a path that came from ref or relref: it names a content file, not a URL.
const refPrefix = "\x00ref:"

func quote(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight("> "+l, " ")
	}
	return strings.Join(lines, "\n")
}

func first(s []string) string {
	if len(s) > 0 {
		return s[0]
	}
	return ""
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}
