package assess

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Charts are SVG drawn on the server from the data: the app's pages run no script. Every text
// in them is escaped; every number is formatted here.

// The charts' text is 11 CSS pixels (app.css), which inside an SVG are units of its viewBox.
// The server cannot measure text, so it lays labels out by a width per character that no
// common sans-serif font exceeds on average, and makes room for them: a label is never cut
// off at the edge of its drawing, at any screen width.
const (
	fontSize  = 11.0
	charWidth = 0.68 * fontSize
	lineH     = 13.0
)

// textWidth is the most room a line of text can take.
func textWidth(s string) float64 { return charWidth * float64(len([]rune(s))) }

// wrap breaks a label into lines of at most width characters, at spaces.
func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len([]rune(line))+1+len([]rune(w)) > width {
			lines = append(lines, line)
			line = w
			continue
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}

// radar draws the share of the current level's expectations each side shows, per area: the
// person's own in one shape, the manager's in another, over rings at a quarter each. Area
// names go round the outside, wrapped, and the drawing grows to hold them.
func radar(b *bytes.Buffer, rd *readiness) {
	b.WriteString(radarFrame(rd))
	n := len(rd.Areas)
	var num []byte // a number's digits, made without fmt
	shape := func(class string, share func(*areaReady) float64) {
		b.WriteString(`<polygon class="`)
		b.WriteString(class)
		b.WriteString(`" points="`)
		for i := range rd.Areas {
			x, y := radarPoint(i, n, share(&rd.Areas[i]))
			if i > 0 {
				b.WriteByte(' ')
			}
			num = strconv.AppendFloat(num[:0], x, 'f', 1, 64)
			num = append(num, ',')
			num = strconv.AppendFloat(num, y, 'f', 1, 64)
			b.Write(num)
		}
		b.WriteString(`"/>`)
	}
	if rd.Areas[0].HasSelf {
		shape("self", func(a *areaReady) float64 { return a.SelfShare })
	}
	if rd.Areas[0].HasMgr {
		shape("manager", func(a *areaReady) float64 { return a.MgrShare })
	}
	b.WriteString(`</svg>`)
}

// The radar's middle and the radius of its outer ring, in its drawing's units.
const radarCentre, radarRadius = 180.0, 120.0

// radarPoint is where a share of spoke i of n ends.
func radarPoint(i, n int, share float64) (float64, float64) {
	angle := -math.Pi/2 + 2*math.Pi*float64(i)/float64(n)
	return radarCentre + radarRadius*share*math.Cos(angle), radarCentre + radarRadius*share*math.Sin(angle)
}

// radarFrames keeps the radars' frames, by the level's title and the areas': a frame is the
// same for everyone assessed at a level, and drawing it (labels wrapped and measured, every
// point formatted) was most of a radar's cost at each view of a page. A framework's levels
// are a few dozen, and titles change only when it is edited.
var radarFrames = newKept[string, string](256)

// radarFrame is the radar's drawing up to its shapes: the box that holds it, its title, the
// rings, the spokes and the areas' names.
func radarFrame(rd *readiness) string {
	var k strings.Builder
	k.WriteString(rd.Level)
	for i := range rd.Areas {
		k.WriteByte(0)
		k.WriteString(rd.Areas[i].Area)
	}
	return radarFrames.of(k.String(), func() string { return drawRadarFrame(rd) })
}

func drawRadarFrame(rd *readiness) string {
	const centre, radius = radarCentre, radarRadius
	n := len(rd.Areas)
	point := func(i int, share float64) (float64, float64) { return radarPoint(i, n, share) }
	// The labels first, to know how much room they need.
	var labels strings.Builder
	minX, minY, maxX, maxY := centre-radius, centre-radius, centre+radius, centre+radius
	for i, a := range rd.Areas {
		lx, ly := point(i, 1.12)
		lines := wrap(a.Area, 16)
		widest := 0.0
		for _, l := range lines {
			widest = max(widest, textWidth(l))
		}
		anchor, left := "middle", lx-widest/2
		if lx < centre-10 {
			anchor, left = "end", lx-widest
		} else if lx > centre+10 {
			anchor, left = "start", lx
		}
		// Above the centre the lines stack upwards from the spoke's end, below it downwards.
		top := ly - lineH*float64(len(lines)-1)/2 - fontSize/2
		if ly < centre-10 {
			top = ly - lineH*float64(len(lines)) + 2
		} else if ly > centre+10 {
			top = ly
		}
		minX, maxX = min(minX, left), max(maxX, left+widest)
		minY, maxY = min(minY, top-2), max(maxY, top+lineH*float64(len(lines))+2)
		fmt.Fprintf(&labels, `<text x="%.1f" y="%.1f" text-anchor="%s">`, lx, top+fontSize, anchor)
		for j, l := range lines {
			dy := "0"
			if j > 0 {
				dy = fmt.Sprintf("%g", lineH)
			}
			fmt.Fprintf(&labels, `<tspan x="%.1f" dy="%s">%s</tspan>`, lx, dy, html.EscapeString(l))
		}
		labels.WriteString(`</text>`)
	}
	const pad = 4.0
	minX, minY, maxX, maxY = math.Floor(minX-pad), math.Floor(minY-pad), math.Ceil(maxX+pad), math.Ceil(maxY+pad)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="radar" viewBox="%g %g %g %g" role="img" aria-labelledby="radar-title"><title id="radar-title">Share of the %s expectations shown, per area</title>`,
		minX, minY, maxX-minX, maxY-minY, html.EscapeString(rd.Level))
	for _, ring := range []float64{0.25, 0.5, 0.75, 1} {
		var pts []string
		for i := range n {
			x, y := point(i, ring)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
		}
		fmt.Fprintf(&b, `<polygon class="ring" points="%s"/>`, strings.Join(pts, " "))
	}
	for i := range rd.Areas {
		x, y := point(i, 1)
		fmt.Fprintf(&b, `<line class="spoke" x1="%g" y1="%g" x2="%.1f" y2="%.1f"/>`, centre, centre, x, y)
	}
	b.WriteString(labels.String())
	return b.String()
}

// bar is one bar of a bar chart, or one segment of a stacked one.
type bar struct {
	Label string
	Value float64
	Class string // a CSS class for its colour
}

// barChart draws labelled horizontal bars, longest to scale; each row may be a stack of
// segments (a calibration row: how many ratings of each score). title names the chart. Each
// label sits on a line of its own above its bar, so that a long one takes the chart's width
// rather than squeezing the bars, and the chart widens for a label longer than that.
func barChart(title string, rows [][]bar, labels []string) template.HTML {
	const rowH, barH, totalW = 38.0, 14.0, 48.0
	width := 480.0
	for _, l := range labels {
		width = max(width, math.Ceil(textWidth(l))+6)
	}
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
	h := rowH*float64(len(rows)) + 4
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="bars" viewBox="0 0 %g %g" role="img" aria-label="%s">`, width, h, html.EscapeString(title))
	for i, r := range rows {
		y := 2 + rowH*float64(i)
		// A glyph may reach a little left of where its text starts: 2 units leave it room.
		fmt.Fprintf(&b, `<text x="2" y="%.1f">%s</text>`, y+fontSize, html.EscapeString(labels[i]))
		x, total := 2.0, 0.0
		for _, s := range r {
			w := (width - totalW - 2) * s.Value / most
			if w > 0 {
				fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%g"><title>%s: %g</title></rect>`,
					html.EscapeString(s.Class), x, y+16, w, barH, html.EscapeString(s.Label), s.Value)
			}
			x += w
			total += s.Value
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%g</text>`, x+6, y+16+barH-3, total)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built above from escaped text and numbers
}
