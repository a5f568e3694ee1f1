package site

import (
	"encoding/json"
	"fmt"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"

	"github.com/rungs/rungs/internal/ladder"
)

// dataJobs add the machine-readable files: framework.json, each ladder's levels.json (what the
// compare page reads) and the search index. They are separate jobs so they run beside the pages.
func (r *renderer) dataJobs() []pageJob {
	jobs := []pageJob{r.addFrameworkJSON, r.searchIndex}
	for _, l := range r.f.Ladders {
		jobs = append(jobs, func() error { return r.levelsJSON(l) })
	}
	return jobs
}

func (r *renderer) addFrameworkJSON() error {
	b, err := r.frameworkJSON()
	if err != nil {
		return err
	}
	r.add("framework.json", b)
	return nil
}

// levelsJSON writes what the compare page needs of one ladder.
func (r *renderer) levelsJSON(l *ladder.Ladder) error {
	md := r.markdown()
	ld := ladderData{ID: l.ID, Title: l.Title}
	for _, a := range l.Areas() {
		ld.Areas = append(ld.Areas, areaData{ID: a.ID, Title: a.Title})
	}
	for _, t := range l.Tracks {
		ld.Tracks = append(ld.Tracks, trackData{ID: t.ID, Title: t.Title})
	}
	for _, lv := range l.Levels {
		lvd := levelData{ID: lv.ID, Title: lv.Title, Code: lv.Code, URL: r.url(levelPath(l, lv)), Areas: map[string][]itemData{}}
		for _, la := range lv.Areas {
			for _, e := range la.Expectations {
				lvd.Areas[la.Area] = append(lvd.Areas[la.Area], itemData{ID: e.ID, Name: e.Name, HTML: r.inline(md, lv.Path, e.Text), Track: e.Track})
			}
		}
		ld.Levels = append(ld.Levels, lvd)
	}
	b, err := json.Marshal(ld)
	if err != nil {
		return fmt.Errorf("levels.json of %s: %w", l.ID, err)
	}
	r.add(ladderPath(l)+"levels.json", b)
	return nil
}

// searchIndex writes the index the search page loads: every page, ladder, level, expectation
// and crosswalk title.
func (r *renderer) searchIndex() error {
	md := r.markdown()
	// Each search entry is [title, url, context, text]: arrays keep the index small.
	var search [][4]string
	search = append(search, [4]string{r.f.Title, r.url(""), "Home", r.f.Description})
	for _, p := range r.f.Pages {
		search = append(search, [4]string{p.Title, r.url(pagePath(p)), "Page", plain(r.block(md, p.Path, p.Body))})
	}
	for _, l := range r.f.Ladders {
		search = append(search, [4]string{l.Title, r.url(ladderPath(l)), "Ladder", l.Summary})
		for _, lv := range l.Levels {
			url := r.url(levelPath(l, lv))
			search = append(search, [4]string{levelName(lv), url, l.Title, lv.Summary})
			for _, la := range lv.Areas {
				context := l.Title + " › " + lv.Title + " › " + areaTitle(l, la.Area)
				for _, e := range la.Expectations {
					title := r.searchText(md, lv.Path, e.Text)
					if e.Name != "" {
						title = e.Name + ": " + title
					}
					search = append(search, [4]string{title, url + "#" + e.ID, context, strings.Join(e.Examples, " ")})
				}
			}
		}
	}
	for _, t := range r.f.Crosswalk {
		if l := r.f.Ladder(t.Ladder); l != nil {
			if lv := l.Level(t.Level); lv != nil {
				search = append(search, [4]string{t.Title + " → " + lv.Title, r.url("crosswalk/"), "Titles elsewhere", t.Note})
			}
		}
	}
	b, err := json.Marshal(search)
	if err != nil {
		return err
	}
	r.add("search-index.json", b)
	return nil
}

type ladderData struct {
	ID     string      `json:"id"`
	Title  string      `json:"title"`
	Areas  []areaData  `json:"areas"`
	Tracks []trackData `json:"tracks"`
	Levels []levelData `json:"levels"`
}

type areaData struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type trackData struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type levelData struct {
	ID    string                `json:"id"`
	Title string                `json:"title"`
	Code  string                `json:"code"`
	URL   string                `json:"url"`
	Areas map[string][]itemData `json:"areas"`
}

type itemData struct {
	ID    string        `json:"id"`
	Name  string        `json:"name,omitempty"`
	HTML  template.HTML `json:"html"`
	Track string        `json:"track,omitempty"`
}

// sitemap lists every HTML page except the 404 page. It runs after every page is rendered.
func (r *renderer) sitemap() {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, p := range r.site.Paths() {
		if !strings.HasSuffix(p, "index.html") {
			continue
		}
		loc := r.absolute(strings.TrimSuffix(p, "index.html"))
		fmt.Fprintf(&b, "  <url><loc>%s</loc></url>\n", template.HTMLEscapeString(loc))
	}
	b.WriteString("</urlset>\n")
	r.add("sitemap.xml", []byte(b.String()))
}

// searchText is an expectation as plain text for the index. Most are plain already and are used
// as they are; only text with Markdown in it is rendered and stripped.
func (r *renderer) searchText(md goldmark.Markdown, from, text string) string {
	if !strings.ContainsAny(text, inlineMarkdownChars) {
		return strings.Join(strings.Fields(text), " ")
	}
	return plain(r.inline(md, from, text))
}
