package browsertest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/rungs/rungs/internal/site"
)

// linkChecker checks the internal links of a rendered site: every page, stylesheet, script,
// data file and #fragment a link names must exist, and no link may leave the base URL's path.
type linkChecker struct {
	site     *site.Site
	base     *url.URL                   // the base URL; an empty one is the root of any host
	ids      map[string]map[string]bool // HTML file -> the ids in it
	compare  map[string]bool            // the level choices of the compare page, "ladder/level"
	problems []string
	checked  int
}

// linkAttrs are the attributes that hold an address the browser loads or goes to. data-src
// holds the levels.json the compare page's script fetches.
var linkAttrs = map[string]bool{"href": true, "src": true, "action": true, "data-src": true}

func checkLinks(s *site.Site, baseURL string) (problems []string, checked int) {
	base, err := url.Parse(baseURL)
	if err != nil {
		return []string{fmt.Sprintf("base URL %q: %v", baseURL, err)}, 0
	}
	base.Path = "/" + strings.Trim(base.Path, "/") + "/"
	if base.Path == "//" {
		base.Path = "/"
	}
	c := &linkChecker{site: s, base: base, ids: map[string]map[string]bool{}, compare: map[string]bool{}}
	docs := map[string]*html.Node{}
	for _, p := range s.Paths() {
		if path.Ext(p) != ".html" {
			continue
		}
		doc, err := html.Parse(bytes.NewReader(s.Files[p].Body))
		if err != nil {
			c.fail(p, "", "does not parse: %v", err)
			continue
		}
		docs[p] = doc
		c.ids[p] = map[string]bool{}
		walk(doc, func(n *html.Node) {
			if id := attr(n, "id"); id != "" {
				c.ids[p][id] = true
			}
			if p == "compare/index.html" && n.Data == "option" {
				c.compare[attr(n, "value")] = true
			}
		})
	}
	for _, p := range sortedKeys(docs) {
		walk(docs[p], func(n *html.Node) {
			for _, a := range n.Attr {
				if linkAttrs[a.Key] {
					c.check(p, "<"+n.Data+" "+a.Key+">", a.Val)
				}
			}
		})
	}
	c.dataFiles()
	return c.problems, c.checked
}

// pageURL is the address a file is served at. The 404 page is served at any address that has
// no page, so its links are resolved from a deep, unknown one: they must not be relative.
func (c *linkChecker) pageURL(file string) *url.URL {
	p := strings.TrimSuffix(file, "index.html")
	if file == "404.html" {
		p = "no/such/page/here"
	}
	return c.base.ResolveReference(&url.URL{Path: c.base.Path + p})
}

// check checks one address found in file.
func (c *linkChecker) check(file, where, ref string) {
	u, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		c.fail(file, where, "%q is not a URL: %v", ref, err)
		return
	}
	if u.Scheme == "" && u.Host == "" && u.Path == "" && u.RawQuery == "" {
		c.checked++ // a place on this same page, wherever it is served
		if u.Fragment != "" && !c.ids[file][u.Fragment] {
			c.fail(file, where, "%q: the page has no element with id %q", ref, u.Fragment)
		}
		return
	}
	target := c.pageURL(file).ResolveReference(u)
	switch {
	case target.Scheme != "" && target.Scheme != "http" && target.Scheme != "https":
		return // mailto: and the like
	case target.Host != "" && target.Host != c.base.Host:
		return // another site
	}
	c.checked++
	rel, ok := strings.CutPrefix(target.Path, c.base.Path)
	if !ok {
		c.fail(file, where, "%q leads to %s, outside the site's %s", ref, target.Path, c.base.Path)
		return
	}
	name := rel
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	if c.site.Files[name] == nil {
		if c.site.Files[rel+"/index.html"] != nil {
			c.fail(file, where, "%q names the folder %s without its trailing slash", ref, rel)
		} else {
			c.fail(file, where, "%q: no such page or file (%s)", ref, name)
		}
		return
	}
	if frag := target.Fragment; frag != "" {
		if ids, ok := c.ids[name]; !ok || !ids[frag] {
			c.fail(file, where, "%q: %s has no element with id %q", ref, name, frag)
		}
	}
	if name == "compare/index.html" {
		q := target.Query()
		for _, side := range []string{"a", "b"} {
			if v := q.Get(side); v != "" && !c.compare[v] {
				c.fail(file, where, "%q: the compare page offers no level %q", ref, v)
			}
		}
	}
}

// dataFiles checks the addresses inside the files scripts and crawlers read: the search index
// (each document is a result's link, and the manifest names the other files), each ladder's
// levels.json (the compare page links to each level) and the sitemap.
func (c *linkChecker) dataFiles() {
	for _, p := range c.site.Paths() {
		body := c.site.Files[p].Body
		switch {
		case strings.HasPrefix(p, "search/d") && path.Ext(p) == ".json":
			var chunk struct {
				D [][4]any
				U []string
			}
			if err := json.Unmarshal(body, &chunk); err != nil {
				c.fail(p, "", "%v", err)
				continue
			}
			for _, d := range chunk.D {
				ui, _ := d[1].(float64)
				anchor, _ := d[2].(string)
				if int(ui) >= len(chunk.U) {
					c.fail(p, fmt.Sprintf("document %v", d[0]), "no address %v", d[1])
					continue
				}
				ref := chunk.U[int(ui)]
				if anchor != "" {
					ref += "#" + anchor
				}
				c.check(p, fmt.Sprintf("document %v", d[0]), ref)
			}
		case path.Base(p) == "levels.json":
			var ld struct {
				Levels []struct{ ID, URL string }
			}
			if err := json.Unmarshal(body, &ld); err != nil {
				c.fail(p, "", "%v", err)
				continue
			}
			for _, lv := range ld.Levels {
				c.check(p, "level "+lv.ID, lv.URL)
			}
		case p == "sitemap.xml":
			var sm struct {
				Locs []string `xml:"url>loc"`
			}
			if err := xml.Unmarshal(body, &sm); err != nil {
				c.fail(p, "", "%v", err)
				continue
			}
			if len(sm.Locs) == 0 {
				c.fail(p, "", "lists no pages")
			}
			for _, loc := range sm.Locs {
				if c.base.Host != "" && !strings.HasPrefix(loc, c.base.Scheme+"://"+c.base.Host+"/") {
					c.fail(p, "<loc>", "%q is not an absolute address on %s", loc, c.base.Host)
				}
				c.check(p, "<loc>", loc)
			}
		}
	}
	c.searchIndex()
}

// searchIndex checks that the search index names only files that exist.
func (c *linkChecker) searchIndex() {
	f := c.site.Files["search/index.json"]
	if f == nil {
		c.fail("search/index.html", "", "the search page's index, search/index.json, is missing")
		return
	}
	var m struct {
		Docs, Chunk int
		Shards      []string
	}
	if err := json.Unmarshal(f.Body, &m); err != nil || m.Chunk == 0 {
		c.fail("search/index.json", "", "does not read: %v", err)
		return
	}
	var want []string
	for i := range m.Shards {
		want = append(want, fmt.Sprintf("search/w%d.bin", i))
	}
	for k := 0; k*m.Chunk < m.Docs; k++ {
		want = append(want, fmt.Sprintf("search/d%d.json", k))
	}
	for _, p := range want {
		if c.site.Files[p] == nil {
			c.fail("search/index.json", "", "names %s, which is missing", p)
		}
	}
}

func (c *linkChecker) fail(file, where, format string, args ...any) {
	msg := file
	if where != "" {
		msg += " " + where
	}
	c.problems = append(c.problems, msg+": "+fmt.Sprintf(format, args...))
}

func walk(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		walk(ch, f)
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

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestLinks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, framework, baseURL string
	}{
		{"engineering at the root", "engineering", ""},
		{"engineering in a sub-folder", "engineering", "https://example.org/careers/"},
		{"engineering under a path only", "engineering", "/careers/"},
		{"minimal in a sub-folder", "minimal", "https://example.org/careers/"},
		{"product at the root", "product", ""},
		{"fixture in a sub-folder", fixture, "https://example.org/careers/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := render(t, tc.framework, site.Options{BaseURL: tc.baseURL})
			problems, checked := checkLinks(s, tc.baseURL)
			for i, p := range problems {
				if i == 50 {
					t.Errorf("... and %d more", len(problems)-i)
					break
				}
				t.Error(p)
			}
			if checked < 100 {
				t.Errorf("only %d internal links were checked", checked)
			}
			t.Logf("%d internal links checked", checked)
		})
	}
}

// TestLinkCheckerFails makes sure the checker finds each kind of broken link.
func TestLinkCheckerFails(t *testing.T) {
	t.Parallel()
	page := func(body string) *site.File {
		return &site.File{Body: []byte(`<!DOCTYPE html><html><head><title>t</title></head><body>` + body + `</body></html>`)}
	}
	s := &site.Site{Files: map[string]*site.File{
		"index.html": page(`<h2 id="top">Top</h2>
			<a href="/careers/a/">fine</a> <a href="a/#here">fine</a> <a href="#top">fine</a>
			<a href="https://example.org/careers/a/">fine</a> <a href="https://elsewhere.example/x">another site</a>
			<a href="mailto:x@example.org">mail</a>
			<a href="#bottom">missing fragment on the same page</a>
			<a href="/careers/missing/">missing page</a>
			<a href="/careers/a/#nowhere">missing fragment</a>
			<a href="/elsewhere/">outside the base</a>
			<a href="https://example.org/other/">outside the base, absolute</a>
			<a href="../">outside the base, relative</a>
			<a href="a">folder without slash</a>
			<a href="compare/?a=x/y&b=eng/one">unknown level</a>
			<script src="/careers/assets/app.js"></script>`),
		"a/index.html":       page(`<p id="here">Here</p>`),
		"compare/index.html": page(`<select><option value="eng/one">One</option></select>`),
		"404.html":           page(`<main id="top"></main><a href="/careers/">fine</a> <a href="#top">fine</a> <a href="a/">relative, from any address</a>`),
		"search/index.json":  {Body: []byte(`{"docs":3,"chunk":2,"shards":["a"]}`)},
		"search/d0.json":     {Body: []byte(`{"d":[["A",0,"here",0],["B",0,"gone",0]],"u":["/careers/a/"],"c":[""]}`)},
		"sitemap.xml":        {Body: []byte(`<urlset><url><loc>https://example.org/careers/a/</loc></url><url><loc>/careers/a/</loc></url></urlset>`)},
	}}
	problems, _ := checkLinks(s, "https://example.org/careers/")
	want := []string{
		`index.html <a href>: "#bottom": the page has no element with id "bottom"`,
		`index.html <a href>: "/careers/missing/": no such page`,
		`index.html <a href>: "/careers/a/#nowhere": a/index.html has no element with id "nowhere"`,
		`index.html <a href>: "/elsewhere/" leads to /elsewhere/, outside`,
		`index.html <a href>: "https://example.org/other/" leads to /other/, outside`,
		`index.html <a href>: "../" leads to /, outside`,
		`index.html <a href>: "a" names the folder a without its trailing slash`,
		`index.html <a href>: "compare/?a=x/y&b=eng/one": the compare page offers no level "x/y"`,
		`index.html <script src>: "/careers/assets/app.js": no such page or file`,
		`404.html <a href>: "a/": no such page or file (no/such/page/a/index.html)`,
		`search/d0.json document B: "/careers/a/#gone": a/index.html has no element with id "gone"`,
		`search/index.json: names search/w0.bin, which is missing`,
		`search/index.json: names search/d1.json, which is missing`,
		`sitemap.xml <loc>: "/careers/a/" is not an absolute address on example.org`,
	}
	all := strings.Join(problems, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("not reported: %s", w)
		}
	}
	if len(problems) != len(want) {
		t.Errorf("got %d problems, want %d:\n%s", len(problems), len(want), all)
	}
}
