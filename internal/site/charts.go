package site

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"

	"github.com/rungs/rungs/internal/ladder"
)

// Charts are SVG drawn from the data, inline in the page. Colours come from CSS classes (s0..s7)
// so they follow the light and dark themes; every chart has a text alternative and the same
// numbers are always in a table beside it.

type legendItem struct {
	Title string
	Class string
}

// seriesClass gives each area of a ladder a stable colour.
func seriesClass(l *ladder.Ladder, area string) string {
	i := 0
	for _, g := range l.Groups {
		for _, a := range g.Areas {
			if a.ID == area {
				return seriesClasses[i%len(seriesClasses)]
			}
			i++
		}
	}
	return "s0"
}

var seriesClasses = [...]string{"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"}

func areaTitle(l *ladder.Ladder, id string) string {
	if a := l.Area(id); a != nil {
		return a.Title
	}
	return id
}

// appendNum writes a coordinate with at most one decimal, and none when it is whole.
func appendNum(b *bytes.Buffer, v float64) {
	var tmp [32]byte
	n := strconv.AppendFloat(tmp[:0], v, 'f', 1, 64)
	n = bytes.TrimSuffix(n, []byte(".0"))
	b.Write(n)
}

// Labels sit on their own line above each bar, so a long title never shares the width with
// the bars, and the drawing is narrow enough (chartWidth) that its text stays readable when a
// phone scales it down. A label too long for the line wraps; nothing is cut.
const (
	chartWidth = 400.0 // the viewBox's width
	chartPad   = 20.0  // room at either side for the tick labels under the bars
	labelSize  = 14.0  // font sizes, as style.css sets them for .chart text and .chart .tick
	tickSize   = 12.0
	lineGap    = 18.0 // from one label line's baseline to the next
)

// asciiWidths are the advances of the printable ASCII characters in hundredths of an em, in
// DejaVu Sans (what system-ui is on Linux, and wider than the faces of other systems), rounded
// up: a label measured with them fits whatever face the reader's system picks.
var asciiWidths = [95]uint8{
	32, 41, 46, 84, 64, 96, 78, 28, 40, 40, 50, 84, 32, 37, 32, 34, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 34, 34, 84, 84, 84, 54,
	100, 69, 69, 70, 78, 64, 58, 78, 76, 30, 30, 66, 56, 87, 75, 79, 61, 79, 70, 64, 62, 74, 69, 99, 69, 62, 69, 40, 34, 40, 84, 50,
	50, 62, 64, 55, 64, 62, 36, 64, 64, 28, 28, 58, 28, 98, 64, 62, 64, 64, 42, 53, 40, 64, 60, 82, 60, 60, 53, 64, 34, 64, 84,
}

// textWidth estimates how wide s is at a font size: any character outside ASCII counts as a
// full em, which is as wide as most are.
func textWidth(s string, size float64) float64 {
	w := 0
	for _, c := range s {
		if c >= 32 && c < 127 {
			w += int(asciiWidths[c-32])
		} else {
			w += 100
		}
	}
	return float64(w) * size / 100
}

// wrapText breaks s into lines no wider than width at a font size, between words; a single word
// wider than the line is broken between characters.
func wrapText(s string, size, width float64) []string {
	if textWidth(s, size) <= width {
		return []string{s}
	}
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if textWidth(try, size) <= width {
			line = try
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = ""
		for _, c := range word {
			if line != "" && textWidth(line+string(c), size) > width {
				lines = append(lines, line)
				line = ""
			}
			line += string(c)
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// labelLines is the lines of label s as wide as width at most: nil when it fits on one, as most
// do (a page has a chart, and a large site thousands of pages).
func labelLines(s string, width float64) []string {
	if textWidth(s, labelSize) <= width {
		return nil
	}
	return wrapText(s, labelSize, width)
}

// extraLines is how many lines a label of these lines (from labelLines) takes beyond one.
func extraLines(lines []string) float64 { return float64(max(len(lines)-1, 0)) }

// writeLabel writes label s, in lines when labelLines wrapped it, its first baseline at y.
func writeLabel(b *bytes.Buffer, s string, lines []string, x, y float64) {
	b.WriteString(`<text class="label" x="`)
	appendNum(b, x)
	b.WriteString(`" y="`)
	appendNum(b, y)
	b.WriteString(`">`)
	if lines == nil {
		appendText(b, s)
	}
	for i, l := range lines {
		if i == 0 {
			appendText(b, l)
			continue
		}
		b.WriteString(`<tspan x="`)
		appendNum(b, x)
		b.WriteString(`" dy="`)
		appendNum(b, lineGap)
		b.WriteString(`">`)
		appendText(b, l)
		b.WriteString(`</tspan>`)
	}
	b.WriteString(`</text>`)
}

// writeRangeChart draws a level's time split: one bar per area from its least to its most share,
// the area's name and the range above it.
func writeRangeChart(b *bytes.Buffer, l *ladder.Ladder, lv *ladder.Level) {
	if len(lv.TimeSplit) == 0 {
		return
	}
	const left, width = chartPad, chartWidth - 2*chartPad
	type row struct {
		title, p string
		lines    []string
		y        float64 // the top of the row
	}
	var rowsBuf [12]row // on the stack for most levels
	rows := rowsBuf[:0]
	y := 0.0
	for _, s := range lv.TimeSplit {
		title, p := areaTitle(l, s.Area), percent(s.Range)
		lines := labelLines(title, width-textWidth(p, labelSize)-12)
		rows = append(rows, row{title, p, lines, y})
		y += 44 + lineGap*extraLines(lines)
	}
	height := y + 16 // the tick labels' line, with room for their descenders
	b.WriteString(`<svg class="chart range-chart" viewBox="0 0 `)
	appendNum(b, chartWidth)
	b.WriteString(` `)
	appendNum(b, height)
	b.WriteString(`" role="img" aria-label="Share of time: `)
	for i, s := range lv.TimeSplit {
		if i > 0 {
			b.WriteString(", ")
		}
		appendText(b, areaTitle(l, s.Area)+" "+percent(s.Range))
	}
	b.WriteString(`"><path class="grid" d="`) // the quarters, behind each bar
	for _, r := range rows {
		for _, tick := range []float64{0, 25, 50, 75, 100} {
			b.WriteByte('M')
			appendNum(b, left+width*tick/100)
			b.WriteByte(' ')
			appendNum(b, r.y+17+lineGap*extraLines(r.lines))
			b.WriteString("v20")
		}
	}
	b.WriteString(`"/>`)
	for i, s := range lv.TimeSplit {
		r := rows[i]
		barY := r.y + 20 + lineGap*extraLines(r.lines)
		hi := 100.0
		if s.Range.Max != nil {
			hi = *s.Range.Max
		}
		x0, x1 := left+width*s.Range.Min/100, left+width*min(hi, 100)/100
		w := max(x1-x0, 3)
		writeLabel(b, r.title, r.lines, left, r.y+14)
		b.WriteString(`<text class="value" x="`)
		appendNum(b, left+width)
		b.WriteString(`" y="`)
		appendNum(b, r.y+14)
		b.WriteString(`" text-anchor="end">`)
		appendText(b, r.p)
		b.WriteString(`</text><rect class="track" x="`)
		appendNum(b, left)
		b.WriteString(`" y="`)
		appendNum(b, barY)
		b.WriteString(`" width="`)
		appendNum(b, width)
		b.WriteString(`" height="14" rx="7"/><rect class="bar `)
		b.WriteString(seriesClass(l, s.Area))
		b.WriteString(`" x="`)
		appendNum(b, x0)
		b.WriteString(`" y="`)
		appendNum(b, barY)
		b.WriteString(`" width="`)
		appendNum(b, w)
		b.WriteString(`" height="14" rx="7"><title>`)
		appendText(b, r.title+": "+r.p)
		b.WriteString(`</title></rect>`)
	}
	for _, tick := range []float64{0, 25, 50, 75, 100} {
		b.WriteString(`<text class="tick" x="`)
		appendNum(b, left+width*tick/100)
		b.WriteString(`" y="`)
		appendNum(b, height-4)
		b.WriteString(`" text-anchor="middle">`)
		appendNum(b, tick)
		b.WriteString(`%</text>`)
	}
	b.WriteString(`</svg>`)
}

// splitChart draws the time split of every level of a ladder as stacked bars of the middle of
// each range, scaled to the whole bar, so the shift from craft to leadership shows at a glance.
func (r *renderer) splitChart(l *ladder.Ladder) (template.HTML, []legendItem) {
	var levels []*ladder.Level
	used := map[string]bool{}
	for _, lv := range l.Levels {
		if len(lv.TimeSplit) > 0 {
			levels = append(levels, lv)
			for _, s := range lv.TimeSplit {
				used[s.Area] = true
			}
		}
	}
	if len(levels) == 0 {
		return "", nil
	}
	var legend []legendItem
	for _, a := range l.Areas() {
		if used[a.ID] {
			legend = append(legend, legendItem{Title: a.Title, Class: seriesClass(l, a.ID)})
		}
	}
	labels := make([][]string, len(levels))
	height := 0.0
	for i, lv := range levels {
		labels[i] = labelLines(levelName(lv), chartWidth)
		height += 50 + lineGap*extraLines(labels[i])
	}
	var b bytes.Buffer
	b.WriteString(`<svg class="chart split-chart" viewBox="0 0 `)
	appendNum(&b, chartWidth)
	b.WriteString(` `)
	appendNum(&b, height)
	b.WriteString(`" role="img" aria-label="`)
	appendText(&b, "Time split across the levels of "+l.Title+"; the table on each level page gives the numbers.")
	b.WriteString(`">`)
	y := 0.0
	for i, lv := range levels {
		total := 0.0
		mid := func(s ladder.AreaRange) float64 {
			if s.Range.Max == nil {
				return s.Range.Min
			}
			return (s.Range.Min + *s.Range.Max) / 2
		}
		for _, s := range lv.TimeSplit {
			total += mid(s)
		}
		writeLabel(&b, levelName(lv), labels[i], 0, y+14)
		barY := y + 20 + lineGap*extraLines(labels[i])
		x := 0.0
		for _, a := range l.Areas() {
			for _, s := range lv.TimeSplit {
				if s.Area != a.ID || total == 0 {
					continue
				}
				w := chartWidth * mid(s) / total
				fmt.Fprintf(&b, `<rect class="bar %s" x="%.1f" y="%.1f" width="%.1f" height="20"><title>%s</title></rect>`,
					seriesClass(l, a.ID), x, barY, w, html.EscapeString(lv.Title+", "+a.Title+": "+percent(s.Range)))
				x += w
			}
		}
		y = barY + 30
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()), legend
}
