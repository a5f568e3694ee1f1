package site

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/rungs/rungs/internal/ladder"
)

// The view types are what templates see: everything already resolved (URLs, rendered Markdown,
// labels), so templates only lay it out.

// link is a titled URL.
type link struct {
	Title   string
	URL     string
	Current bool
	Key     string // the page section it leads to, to mark the current one in navigation
}

// chrome is what every page shares: the header, navigation and assets.
type chrome struct {
	Title        string
	Organisation string
	Logo         string
	Home         string
	Style        string
	Theme        string
	Script       string
	Live         string
	Policy       string // the Content-Security-Policy of the page's meta tag
	SearchURL    string
	CompareURL   string
	AssessURL    string
	ChangesURL   string // empty when there is no history to show
	PeopleURL    string // the people app, when serve runs it
	CrosswalkURL string
	Ladders      []link
	Pages        []link
	Repository   string
	HasCrosswalk bool
	// PrintHead is the line a printed page starts with: the organisation, the framework and
	// its version; the script adds the day it is printed.
	PrintHead string
}

// marks reports whether the header marks section as the current one: whether it links to it.
// It must agree with the sections templates/chrome.html compares.
func (c *chrome) marks(section string) bool {
	switch section {
	case "compare", "assess", "crosswalk", "changes":
		return true
	}
	for _, l := range c.Ladders {
		if l.Key == section {
			return true
		}
	}
	for _, l := range c.Pages {
		if l.Key == section {
			return true
		}
	}
	return false
}

// page is one HTML page: the chrome plus its own content.
type page struct {
	Site        *chrome
	Title       string // the page's own title; the <title> adds the framework's
	Description string
	Section     string // which navigation entry to mark as current
	Crumbs      []link
	Path        string // site path, for the canonical URL
	Canonical   string
	Body        any
	Header      template.HTML // rendered once per section, see renderer.chromeHTML
	Footer      template.HTML
}

// levelCard is a level as shown in lists and cards.
type levelCard struct {
	Title, Code, Summary, Tenure, URL string
}

// levelView is everything a level page shows.
type levelView struct {
	Ladder     *ladder.Ladder
	Level      *ladder.Level
	Intro      template.HTML
	Indicators indicatorsView
	Prev, Next *levelCard
	Below      *ladder.Level // the level below, for the "new since" toggle
	LevelsJSON string        // the ladder's levels.json, where the toggle finds the text below
	CompareURL string        // compare with the next level
	Levels     []link        // the ladder's levels, for the side navigation
	Equivalent []link
	Matrix     string
}

// groupView and areaView are a ladder's areas as its overview and its matrix list them.
type groupView struct {
	ID, Title string
	Areas     []areaView
}

type areaView struct {
	ID, Title   string
	Description template.HTML
	Traits      bool
}

type indicatorsView struct {
	Notes  template.HTML // the level's indicator notes
	Tenure string
	Rows   []splitRow
}

type splitRow struct {
	Area, Range string
}

// tenure renders a range of years for people: "3–5 years", "5+ years", "1 year".
func tenure(r ladder.Range) string {
	if r.IsZero() {
		return ""
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	s := ""
	switch {
	case r.Max == nil:
		s = f(r.Min) + "+ years"
	case *r.Max == r.Min && r.Min == 1:
		s = "1 year"
	case *r.Max == r.Min:
		s = f(r.Min) + " years"
	default:
		s = f(r.Min) + "–" + f(*r.Max) + " years"
	}
	return approx(r, s)
}

// approx puts "~" in front of a range the framework gives as approximate, as its author wrote it.
func approx(r ladder.Range, s string) string {
	if r.Approx {
		return "~" + s
	}
	return s
}

// percent renders a time-split range: "50–65%".
func percent(r ladder.Range) string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	switch {
	case r.Max == nil:
		return approx(r, f(r.Min)+"%+")
	case *r.Max == r.Min:
		return approx(r, f(r.Min)+"%")
	default:
		return approx(r, f(r.Min)+"–"+f(*r.Max)+"%")
	}
}

// editURL fills the framework's edit_url template for a file, or returns "".
func (r *renderer) editURL(file string) string {
	if r.f.EditURL == "" || !safeURL(r.f.EditURL) {
		return ""
	}
	return strings.ReplaceAll(r.f.EditURL, "{path}", file)
}

// safeURL reports whether a URL from the framework may be written into an href by hand, outside
// html/template: relative, or http, https or mailto, the schemes html/template lets through.
// Anything else (javascript:, data:) would run or show what a text field smuggled in.
func safeURL(u string) bool {
	scheme, _, ok := strings.Cut(u, ":")
	if !ok || strings.ContainsAny(scheme, "/?#") {
		return true // no scheme: a relative URL
	}
	switch strings.ToLower(scheme) {
	case "http", "https", "mailto":
		return true
	}
	return false
}

// absolute makes a site path absolute when the base URL has a host, for links that leave the
// site (sitemap) or are copied (expectation links).
func (r *renderer) absolute(p string) string {
	u := r.url(p)
	if i := strings.Index(r.opts.BaseURL, "://"); i >= 0 {
		host := r.opts.BaseURL[:i+3] + strings.SplitN(r.opts.BaseURL[i+3:], "/", 2)[0]
		return host + u
	}
	return u
}

// card makes the card of a level.
func (r *renderer) card(l *ladder.Ladder, lv *ladder.Level) *levelCard {
	return &levelCard{Title: lv.Title, Code: lv.Code, Summary: lv.Summary, Tenure: tenure(lv.Tenure), URL: r.url(levelPath(l, lv))}
}

// levelName is "Senior Engineer (E3)".
func levelName(lv *ladder.Level) string {
	if lv.Code == "" {
		return lv.Title
	}
	return fmt.Sprintf("%s (%s)", lv.Title, lv.Code)
}
