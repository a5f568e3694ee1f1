package site

import (
	"bytes"
	"html"
	"html/template"
	"path"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	gmrenderer "github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Markdown is rendered with goldmark. Raw HTML in the framework is shown as the text it is, never
// interpreted: the site must not run what a text field smuggled in, and an author who wrote
// "<team>" should still see their words. Links between framework files (faq.md,
// ../ladders/eng/senior.md#x) are rewritten to the pages they became.

var sourceKey = parser.NewContextKey()

// linkRewriter rewrites links to framework files into site URLs.
type linkRewriter struct{ r *renderer }

func (t linkRewriter) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	from, _ := pc.Get(sourceKey).(string)
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if l, ok := n.(*ast.Link); ok && entering {
			l.Destination = []byte(t.r.rewriteLink(from, string(l.Destination)))
		}
		return ast.WalkContinue, nil
	})
}

var schemeRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)

// rewriteLink maps a link written in framework file `from` to the URL of the page it names.
func (r *renderer) rewriteLink(from, dest string) string {
	if dest == "" || schemeRE.MatchString(dest) || strings.HasPrefix(dest, "//") || strings.HasPrefix(dest, "#") {
		return dest
	}
	target, anchor, hasAnchor := strings.Cut(dest, "#")
	var p string
	if strings.HasPrefix(target, "/") {
		p = path.Clean(strings.TrimPrefix(target, "/"))
	} else {
		p = path.Join(path.Dir(from), target)
	}
	var page string
	switch parts := strings.Split(p, "/"); {
	case p == "rungs.yaml":
		page = ""
	case len(parts) == 2 && parts[0] == "pages" && strings.HasSuffix(parts[1], ".md"):
		page = "pages/" + strings.TrimSuffix(parts[1], ".md") + "/"
	case len(parts) == 3 && parts[0] == "ladders" && parts[2] == "ladder.yaml":
		page = "ladders/" + parts[1] + "/"
	case len(parts) == 3 && parts[0] == "ladders" && strings.HasSuffix(parts[2], ".md"):
		page = "ladders/" + parts[1] + "/" + strings.TrimSuffix(parts[2], ".md") + "/"
	default:
		return dest
	}
	u := r.url(page)
	if hasAnchor {
		u += "#" + anchor
	}
	return u
}

// markdown is a Markdown renderer from the renderer's pool, taken on first use: most pages need
// none, as most expectations are plain text, and making one costs more than rendering a line.
type markdown struct {
	r  *renderer
	md goldmark.Markdown
}

func (r *renderer) lazyMarkdown() *markdown { return &markdown{r: r} }

func (m *markdown) get() goldmark.Markdown {
	if m.md == nil {
		if v := m.r.mdPool.Get(); v != nil {
			m.md = v.(goldmark.Markdown)
		} else {
			m.md = m.r.markdown()
		}
	}
	return m.md
}

// release gives the renderer back to the pool.
func (m *markdown) release() {
	if m.md != nil {
		m.r.mdPool.Put(m.md)
		m.md = nil
	}
}

func (r *renderer) markdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(linkRewriter{r}, 100)),
		),
		goldmark.WithRendererOptions(gmrenderer.WithNodeRenderers(util.Prioritized(rawAsText{}, 100))),
	)
}

// rawAsText renders raw HTML, inline or as a block, as escaped text.
type rawAsText struct{}

func (rawAsText) RegisterFuncs(reg gmrenderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			segs := n.(*ast.RawHTML).Segments
			for i := 0; i < segs.Len(); i++ {
				seg := segs.At(i)
				_, _ = w.WriteString(html.EscapeString(string(seg.Value(src))))
			}
		}
		return ast.WalkSkipChildren, nil
	})
	reg.Register(ast.KindHTMLBlock, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			b := n.(*ast.HTMLBlock)
			_, _ = w.WriteString("<p>")
			for i := 0; i < b.Lines().Len(); i++ {
				line := b.Lines().At(i)
				_, _ = w.WriteString(html.EscapeString(string(line.Value(src))))
			}
			if b.HasClosure() {
				_, _ = w.WriteString(html.EscapeString(string(b.ClosureLine.Value(src))))
			}
			_, _ = w.WriteString("</p>\n")
		}
		return ast.WalkSkipChildren, nil
	})
}

// block renders Markdown prose (a page, an introduction) written in framework file `from`.
func (r *renderer) block(md goldmark.Markdown, from, src string) template.HTML {
	if src == "" {
		return ""
	}
	if plainParagraph(src) {
		return template.HTML("<p>" + strings.ReplaceAll(src, `"`, "&quot;") + "</p>\n")
	}
	var b bytes.Buffer
	ctx := parser.NewContext()
	ctx.Set(sourceKey, from)
	if err := md.Convert([]byte(src), &b, parser.WithContext(ctx)); err != nil {
		return template.HTML(html.EscapeString(src))
	}
	return template.HTML(b.String())
}

// plainParagraph reports whether src is one line of plain words, which is a paragraph of
// itself: it starts with a letter (not a list's number or mark, a heading's #, a quote's >)
// and has nothing inline Markdown or HTML would read. Most levels' introductions are; they
// render without a parser.
func plainParagraph(src string) bool {
	if src == "" || !plainText(src) || strings.TrimSpace(src) != src {
		return false
	}
	r, _ := utf8.DecodeRuneInString(src)
	return unicode.IsLetter(r)
}

// inlineMarkdownChars are the characters that can start inline Markdown (emphasis, code, links,
// HTML, entities, escapes). A one-line text without any renders to itself, escaped: that is most
// expectations, and much faster than parsing them.
const inlineMarkdownChars = "*_`[]<>&\\!~|\n"

// markdownChar marks the bytes of inlineMarkdownChars. strings.ContainsAny would build the same
// table on every call, and plainText is called for every expectation of every page.
var markdownChar = func() (t [256]bool) {
	for i := range len(inlineMarkdownChars) {
		t[inlineMarkdownChars[i]] = true
	}
	return t
}()

// plainText reports whether a line has no Markdown in it.
func plainText(src string) bool {
	for i := range len(src) {
		if markdownChar[src[i]] {
			return false
		}
	}
	return true
}

// inlineLazy is inline with a renderer taken only when the line has Markdown in it.
func (r *renderer) inlineLazy(md *markdown, from, src string) template.HTML {
	if plainText(src) {
		return template.HTML(html.EscapeString(src))
	}
	return r.inline(md.get(), from, src)
}

// inline renders one line of Markdown (an expectation) without the paragraph around it.
func (r *renderer) inline(md goldmark.Markdown, from, src string) template.HTML {
	if plainText(src) {
		return template.HTML(html.EscapeString(src))
	}
	out := string(r.block(md, from, src))
	out = strings.TrimSpace(out)
	if strings.HasPrefix(out, "<p>") && strings.HasSuffix(out, "</p>") && strings.Count(out, "<p>") == 1 {
		out = out[3 : len(out)-4]
	}
	return template.HTML(out)
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// plain turns rendered HTML into text for the search index.
func plain(h template.HTML) string {
	s := string(h)
	if strings.ContainsAny(s, "<&") {
		s = html.UnescapeString(tagRE.ReplaceAllString(s, " "))
	}
	return strings.Join(strings.Fields(s), " ")
}
