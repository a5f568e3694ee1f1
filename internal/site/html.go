package site

import (
	"bytes"
	"strings"

	"github.com/rungs/rungs/internal/swar"
)

// The pages a site has thousands of (the shell of every page, and level pages) are written by
// Go code rather than by html/template, whose escaping calls a function by reflection for every
// value and made rendering them several times slower. The escaping here is html/template's:
// appendText for text and quoted attributes, appendURL for addresses in href and src.

// htmlEscapes are the replacements html/template makes in text and quoted attributes.
var htmlEscapes = [...]string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}

// appendText writes s escaped for HTML text or a quoted attribute value.
func appendText(b *bytes.Buffer, s string) {
	start := 0
	for i := 0; i < len(s); i++ {
		i += textRun(s[i:])
		if i == len(s) {
			break
		}
		c := s[i]
		if int(c) >= len(htmlEscapes) || htmlEscapes[c] == "" {
			continue
		}
		b.WriteString(s[start:i])
		b.WriteString(htmlEscapes[c])
		start = i + 1
	}
	b.WriteString(s[start:])
}

// textRun returns how many bytes at the start of s, a multiple of eight, appendText leaves as
// they are. It tests eight bytes at once (package swar): pages are mostly such text, and a
// byte at a time was a tenth of rendering them.
func textRun(s string) int {
	n := 0
	for ; n+8 <= len(s); n += 8 {
		x := swar.Word(s, n)
		if (swar.Has(x, 0)|swar.Has(x, '"')|swar.Has(x, '&')|swar.Has(x, '\'')|swar.Has(x, '+')|swar.Has(x, '<')|swar.Has(x, '>'))&swar.High != 0 {
			break
		}
	}
	return n
}

// appendURL writes an address for an href or src attribute: one with a scheme other than
// http, https and mailto is replaced by a harmless "#ZgotmplZ"; bytes that may not appear in
// an address are percent-encoded, and the result escaped for a quoted attribute.
func appendURL(b *bytes.Buffer, s string) {
	if !templateSafeURL(s) {
		b.WriteString("#ZgotmplZ")
		return
	}
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("!#$*,-./:;=?@[]_~", c) >= 0:
			continue
		case c == '&' || c == '+':
			b.WriteString(s[start:i])
			b.WriteString(htmlEscapes[c])
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			continue
		default:
			b.WriteString(s[start:i])
			b.Write([]byte{'%', hex[c>>4], hex[c&0xF]})
		}
		start = i + 1
	}
	b.WriteString(s[start:])
}

// templateSafeURL is html/template's test: relative, or http, https or mailto.
func templateSafeURL(s string) bool {
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") {
		return strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https") || strings.EqualFold(scheme, "mailto")
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// writePage writes a whole page: the shell every page shares (the head, the header,
// breadcrumbs and the footer) around what content writes.
func (r *renderer) writePage(b *bytes.Buffer, p *page, content func(*bytes.Buffer) error) error {
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"")
	appendText(b, p.Site.Policy)
	b.WriteString("\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
	if p.Title != "" {
		appendText(b, p.Title)
		b.WriteString(" · ")
	}
	appendText(b, p.Site.Title)
	b.WriteString("</title>\n")
	if p.Description != "" {
		b.WriteString(`<meta name="description" content="`)
		appendText(b, p.Description)
		b.WriteString(`">`)
	}
	b.WriteString("\n")
	if p.Canonical != "" {
		b.WriteString(`<link rel="canonical" href="`)
		appendURL(b, p.Canonical)
		b.WriteString(`">`)
	}
	b.WriteString("\n<meta name=\"color-scheme\" content=\"light dark\">\n<link rel=\"icon\" href=\"")
	appendURL(b, p.Site.Home)
	b.WriteString("favicon.svg\" type=\"image/svg+xml\">\n<link rel=\"apple-touch-icon\" href=\"")
	appendURL(b, p.Site.Home)
	b.WriteString("apple-touch-icon.png\">\n<link rel=\"stylesheet\" href=\"")
	appendURL(b, p.Site.Style)
	b.WriteString("\">\n<script src=\"")
	appendURL(b, p.Site.Theme)
	b.WriteString("\"></script>\n<script src=\"")
	appendURL(b, p.Site.Script)
	b.WriteString("\" defer></script>\n")
	if p.Site.Live != "" {
		b.WriteString(`<script src="`)
		appendURL(b, p.Site.Live)
		b.WriteString(`" defer></script>`)
	}
	b.WriteString("\n</head>\n<body data-section=\"")
	appendText(b, p.Section)
	b.WriteString("\">\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n")
	b.WriteString(string(p.Header))
	b.WriteString("\n<main id=\"main\" tabindex=\"-1\">\n")
	b.WriteString(p.Site.PrintHead)
	if len(p.Crumbs) > 0 {
		b.WriteString(`<nav class="crumbs" aria-label="Breadcrumb"><ol>`)
		for _, c := range p.Crumbs {
			b.WriteString(`<li><a href="`)
			appendURL(b, c.URL)
			b.WriteString(`">`)
			appendText(b, c.Title)
			b.WriteString(`</a></li>`)
		}
		b.WriteString(`<li aria-current="page">`)
		appendText(b, p.Title)
		b.WriteString(`</li></ol></nav>`)
	}
	b.WriteString("\n")
	if err := content(b); err != nil {
		return err
	}
	b.WriteString("\n</main>\n")
	b.WriteString(string(p.Footer))
	b.WriteString("\n</body>\n</html>\n")
	return nil
}

// levelContent writes the content of a level page.
func (r *renderer) levelContent(b *bytes.Buffer, md *markdown, v *levelView) {
	b.WriteString("\n<div class=\"level-layout\">\n<nav class=\"side\" aria-label=\"Levels of ")
	appendText(b, v.Ladder.Title)
	b.WriteString("\">\n<h2 class=\"side-title\">")
	appendText(b, v.Ladder.Title)
	b.WriteString("</h2>\n")
	writeSide(b, v.Levels)
	b.WriteString("\n<p><a href=\"")
	appendURL(b, v.Matrix)
	b.WriteString("\">Matrix</a></p>\n</nav>\n<article class=\"level\">\n<header class=\"level-head\">\n")
	if v.Level.Code != "" {
		b.WriteString(`<p class="code-badge">`)
		appendText(b, v.Level.Code)
		b.WriteString("</p>\n")
	}
	b.WriteString("<h1>")
	appendText(b, v.Level.Title)
	b.WriteString("</h1>\n")
	if v.Level.Summary != "" {
		b.WriteString(`<p class="lede">`)
		appendText(b, v.Level.Summary)
		b.WriteString("</p>\n")
	}
	b.WriteString("<div class=\"level-tools\">\n")
	if v.Below != nil {
		// The toggle marks what is new or grown, and shows the text it grew from, which it
		// reads from the ladder's levels.json rather than from a copy in every page.
		b.WriteString(`<button type="button" class="new-toggle" aria-pressed="false" data-src="`)
		appendURL(b, v.LevelsJSON)
		b.WriteString(`" data-below="`)
		appendText(b, v.Below.ID)
		b.WriteString(`">Highlight what is new since `)
		appendText(b, v.Below.Title)
		b.WriteString("</button>\n")
	}
	if v.CompareURL != "" {
		b.WriteString(`<a class="button" href="`)
		appendURL(b, v.CompareURL)
		b.WriteString("\">What it takes to move up</a>\n")
	}
	b.WriteString("<button type=\"button\" class=\"print\">Print</button>\n</div>\n")
	if len(v.Equivalent) > 0 {
		b.WriteString(`<p class="meta">Stands level with `)
		for i, e := range v.Equivalent {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(`<a href="`)
			appendURL(b, e.URL)
			b.WriteString(`">`)
			appendText(b, e.Title)
			b.WriteString(`</a>`)
		}
		b.WriteString(".</p>\n")
	}
	b.WriteString("</header>\n")
	if v.Intro != "" {
		b.WriteString(`<div class="prose intro">`)
		b.WriteString(string(v.Intro))
		b.WriteString("</div>\n")
	}
	b.WriteString("<nav class=\"toc\" aria-label=\"On this page\">")
	writeTOC(b, v.Ladder, v.Level)
	b.WriteString("</nav>\n")
	r.writeLevelGroups(b, md, v.Ladder, v.Level, v.Below)
	b.WriteString("<section class=\"group indicators\" id=\"section-indicators\" aria-labelledby=\"h-indicators\">\n<h2 id=\"h-indicators\">Broad indicators</h2>\n")
	if t := v.Indicators.Tenure; t != "" {
		b.WriteString(`<p>Typical time at this level: <strong>`)
		appendText(b, t)
		b.WriteString("</strong>. It is a guide, not a rule.</p>\n")
	}
	if len(v.Indicators.Rows) > 0 {
		b.WriteString("<h3>How time is usually split</h3>\n<figure class=\"chart-box\">")
		writeRangeChart(b, v.Ladder, v.Level)
		b.WriteString("</figure>\n")
		writeSplitTable(b, v.Indicators.Rows)
		b.WriteString("\n")
	}
	if v.Indicators.Notes != "" {
		b.WriteString(`<div class="prose indicator-notes">`)
		b.WriteString(string(v.Indicators.Notes))
		b.WriteString("</div>\n")
	}
	b.WriteString("</section>\n<nav class=\"prevnext\" aria-label=\"Neighbouring levels\">\n")
	if c := v.Prev; c != nil {
		b.WriteString(`<a class="prev" href="`)
		appendURL(b, c.URL)
		b.WriteString(`" rel="prev"><span>Level below</span> `)
		appendText(b, c.Title)
		b.WriteString("</a>\n")
	}
	if c := v.Next; c != nil {
		b.WriteString(`<a class="next" href="`)
		appendURL(b, c.URL)
		b.WriteString(`" rel="next"><span>Level above</span> `)
		appendText(b, c.Title)
		b.WriteString("</a>\n")
	}
	b.WriteString("</nav>\n</article>\n</div>")
}
