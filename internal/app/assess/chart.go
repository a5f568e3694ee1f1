package assess

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Charts are SVG drawn on the server from the data: the app's pages run no script. Every text
// in them is escaped; every number is formatted here.

// radar draws the share of the current level's expectations each side shows, per area: the
// person's own in one shape, the manager's in another, over rings at a quarter each.
func radar(rd readiness) template.HTML {
	const size, centre, radius = 360.0, 180.0, 120.0
	n := len(rd.Areas)
	point := func(i int, share float64) (float64, float64) {
		angle := -math.Pi/2 + 2*math.Pi*float64(i)/float64(n)
		return centre + radius*share*math.Cos(angle), centre + radius*share*math.Sin(angle)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="radar" viewBox="0 0 %g %g" role="img" aria-labelledby="radar-title"><title id="radar-title">Share of the %s expectations shown, per area</title>`,
		size, size, html.EscapeString(rd.Level))
	for _, ring := range []float64{0.25, 0.5, 0.75, 1} {
		var pts []string
		for i := range n {
			x, y := point(i, ring)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
		}
		fmt.Fprintf(&b, `<polygon class="ring" points="%s"/>`, strings.Join(pts, " "))
	}
	for i, a := range rd.Areas {
		x, y := point(i, 1)
		fmt.Fprintf(&b, `<line class="spoke" x1="%g" y1="%g" x2="%.1f" y2="%.1f"/>`, centre, centre, x, y)
		lx, ly := point(i, 1.18)
		anchor := "middle"
		if lx < centre-10 {
			anchor = "end"
		} else if lx > centre+10 {
			anchor = "start"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="%s">%s</text>`, lx, ly, anchor, html.EscapeString(a.Area))
	}
	shape := func(class string, share func(areaReady) float64) {
		var pts []string
		for i, a := range rd.Areas {
			x, y := point(i, share(a))
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
		}
		fmt.Fprintf(&b, `<polygon class="%s" points="%s"/>`, class, strings.Join(pts, " "))
	}
	if rd.Areas[0].HasSelf {
		shape("self", func(a areaReady) float64 { return a.SelfShare })
	}
	if rd.Areas[0].HasMgr {
		shape("manager", func(a areaReady) float64 { return a.MgrShare })
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built above from escaped text and numbers
}

// bar is one bar of a bar chart, or one segment of a stacked one.
type bar struct {
	Label string
	Value float64
	Class string // a CSS class for its colour
}

// barChart draws labelled horizontal bars, longest to scale; each row may be a stack of
// segments (a calibration row: how many ratings of each score). title names the chart.
func barChart(title string, rows [][]bar, labels []string) template.HTML {
	const width, labelW, rowH = 640.0, 200.0, 26.0
	most := 0.0
	for _, r := range rows {
		sum := 0.0
		for _, s := range r {
			sum += s.Value
		}
		most = max(most, sum)
	}
	if most == 0 {
		most = 1
	}
	h := rowH*float64(len(rows)) + 8
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="bars" viewBox="0 0 %g %g" role="img" aria-label="%s">`, width, h, html.EscapeString(title))
	for i, r := range rows {
		y := 4 + rowH*float64(i)
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" text-anchor="end">%s</text>`, labelW-8, y+rowH/2+4, html.EscapeString(labels[i]))
		x, total := labelW, 0.0
		for _, s := range r {
			w := (width - labelW - 60) * s.Value / most
			if w > 0 {
				fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%g"><title>%s: %g</title></rect>`,
					html.EscapeString(s.Class), x, y+3, w, rowH-8, html.EscapeString(s.Label), s.Value)
			}
			x += w
			total += s.Value
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%g</text>`, x+6, y+rowH/2+4, total)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built above from escaped text and numbers
}
