package site

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"html/template"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/rungs/rungs/internal/jsontext"
	"github.com/rungs/rungs/internal/ladder"
)

// dataJobs add the machine-readable files: framework.json, each ladder's levels.json (what the
// compare page reads) and the search index; and the touch icon, which takes a few milliseconds
// to draw. They are separate jobs so they run beside the pages.
func (r *renderer) dataJobs() []pageJob {
	jobs := []pageJob{func() error { _, err := r.version(); return err }, r.searchIndex,
		func() error { return r.put("apple-touch-icon.png", touchIcon()) }}
	for _, l := range r.f.Ladders {
		jobs = append(jobs, func() error { return r.levelsJSON(l) })
	}
	return jobs
}

// writeFrameworkJSON writes framework.json and returns the framework's version, a hash of it.
func (r *renderer) writeFrameworkJSON() (string, error) {
	h := sha256.New()
	err := r.stream("framework.json", func(w io.Writer) error {
		return ladder.WriteJSON(io.MultiWriter(w, h), r.f)
	})
	if err != nil {
		return "", err
	}
	return versionOf(h), nil
}

// levelsJSON writes what the compare page, the self-assessment and a level page's "new since"
// toggle read of one ladder: its areas, tracks and levels, each level with its expectations by
// area (areas in id order), each expectation's text rendered.
//
//	{"id", "title", "areas": [{"id", "title"}], "tracks": [{"id", "title"}] or null,
//	 "levels": [{"id", "title", "code", "url", "areas": {"area id": [{"id", "name"?, "html", "track"?}]}}]}
func (r *renderer) levelsJSON(l *ladder.Ladder) error {
	md := r.lazyMarkdown()
	defer md.release()
	buf := getBuffer()
	defer putBuffer(buf)
	b := buf.AvailableBuffer()
	b = append(b, `{"id":`...)
	b = jsontext.AppendString(b, l.ID, jsontext.Plain)
	b = append(b, `,"title":`...)
	b = jsontext.AppendString(b, l.Title, jsontext.Plain)
	b = append(b, `,"areas":[`...)
	n := 0
	for _, g := range l.Groups {
		for _, a := range g.Areas {
			if n > 0 {
				b = append(b, ',')
			}
			n++
			b = appendIDTitle(b, a.ID, a.Title)
		}
	}
	b = append(b, `],"tracks":`...)
	if len(l.Tracks) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, t := range l.Tracks {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendIDTitle(b, t.ID, t.Title)
		}
		b = append(b, ']')
	}
	b = append(b, `,"levels":[`...)
	var areas []*ladder.LevelArea
	for i, lv := range l.Levels {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = jsontext.AppendString(b, lv.ID, jsontext.Plain)
		b = append(b, `,"title":`...)
		b = jsontext.AppendString(b, lv.Title, jsontext.Plain)
		b = append(b, `,"code":`...)
		b = jsontext.AppendString(b, lv.Code, jsontext.Plain)
		b = append(b, `,"url":`...)
		b = jsontext.AppendString(b, r.url(levelPath(l, lv)), jsontext.Plain)
		b = append(b, `,"areas":{`...)
		areas = append(areas[:0], lv.Areas...)
		slices.SortStableFunc(areas, func(x, y *ladder.LevelArea) int { return strings.Compare(x.Area, y.Area) })
		for j, la := range areas {
			if j > 0 && areas[j-1].Area == la.Area {
				continue // one list per area, as a map has; the loader allows one section per area
			}
			if j > 0 {
				b = append(b, ',')
			}
			b = jsontext.AppendString(b, la.Area, jsontext.Plain)
			b = append(b, `:[`...)
			for k, e := range la.Expectations {
				if k > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"id":`...)
				b = jsontext.AppendString(b, e.ID, jsontext.Plain)
				if e.Name != "" {
					b = append(b, `,"name":`...)
					b = jsontext.AppendString(b, e.Name, jsontext.Plain)
				}
				b = append(b, `,"html":`...)
				if plainText(e.Text) {
					b = jsontext.AppendString(b, e.Text, jsontext.HTMLText)
				} else {
					b = jsontext.AppendString(b, string(r.inline(md.get(), lv.Path, e.Text)), jsontext.Plain)
				}
				if e.Track != "" {
					b = append(b, `,"track":`...)
					b = jsontext.AppendString(b, e.Track, jsontext.Plain)
				}
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		b = append(b, "}}"...)
	}
	b = append(b, "]}"...)
	buf.Write(b)
	return r.put(ladderPath(l)+"levels.json", buf.Bytes())
}

func appendIDTitle(b []byte, id, title string) []byte {
	b = append(b, `{"id":`...)
	b = jsontext.AppendString(b, id, jsontext.Plain)
	b = append(b, `,"title":`...)
	b = jsontext.AppendString(b, title, jsontext.Plain)
	return append(b, '}')
}

type trackData struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// levelData is a level as the self-assessment page lists it.
type levelData struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Code  string `json:"code"`
}

// sitemap lists every HTML page except the 404 page. It runs after every page is written.
func (r *renderer) sitemap() error {
	sort.Strings(r.pagesOut)
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, p := range r.pagesOut {
		loc := r.absolute(strings.TrimSuffix(p, "index.html"))
		fmt.Fprintf(&b, "  <url><loc>%s</loc></url>\n", template.HTMLEscapeString(loc))
	}
	b.WriteString("</urlset>\n")
	return r.put("sitemap.xml", b.Bytes())
}

// searchText is an expectation as plain text for the index. Most are plain already and are used
// as they are; only text with Markdown in it is rendered and stripped.
func (r *renderer) searchText(md *markdown, from, text string) string {
	if plainText(text) {
		return text
	}
	return plain(r.inline(md.get(), from, text))
}
