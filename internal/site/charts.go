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

// writeRangeChart draws a level's time split: one bar per area from its least to its most share.
func writeRangeChart(b *bytes.Buffer, l *ladder.Ladder, lv *ladder.Level) {
	if len(lv.TimeSplit) == 0 {
		return
	}
	const left, width, row = 200.0, 360.0, 34.0
	height := row*float64(len(lv.TimeSplit)) + 28
	b.WriteString(`<svg class="chart range-chart" viewBox="0 0 600 `)
	appendNum(b, height)
	b.WriteString(`" role="img" aria-label="Share of time: `)
	for i, s := range lv.TimeSplit {
		if i > 0 {
			b.WriteString(", ")
		}
		appendText(b, areaTitle(l, s.Area)+" "+percent(s.Range))
	}
	b.WriteString(`">`)
	for _, tick := range []float64{0, 25, 50, 75, 100} {
		x := left + width*tick/100
		b.WriteString(`<line class="grid" x1="`)
		appendNum(b, x)
		b.WriteString(`" x2="`)
		appendNum(b, x)
		b.WriteString(`" y1="0" y2="`)
		appendNum(b, height-22)
		b.WriteString(`"/><text class="tick" x="`)
		appendNum(b, x)
		b.WriteString(`" y="`)
		appendNum(b, height-6)
		b.WriteString(`" text-anchor="middle">`)
		appendNum(b, tick)
		b.WriteString(`%</text>`)
	}
	for i, s := range lv.TimeSplit {
		y := float64(i) * row
		hi := 100.0
		if s.Range.Max != nil {
			hi = *s.Range.Max
		}
		x0, x1 := left+width*s.Range.Min/100, left+width*min(hi, 100)/100
		w := max(x1-x0, 3)
		title, p := areaTitle(l, s.Area), percent(s.Range)
		b.WriteString(`<text class="label" x="`)
		appendNum(b, left-10)
		b.WriteString(`" y="`)
		appendNum(b, y+row/2+5)
		b.WriteString(`" text-anchor="end">`)
		appendText(b, title)
		b.WriteString(`</text><rect class="track" x="`)
		appendNum(b, left)
		b.WriteString(`" y="`)
		appendNum(b, y+row/2-7)
		b.WriteString(`" width="`)
		appendNum(b, width)
		b.WriteString(`" height="14" rx="7"/><rect class="bar `)
		b.WriteString(seriesClass(l, s.Area))
		b.WriteString(`" x="`)
		appendNum(b, x0)
		b.WriteString(`" y="`)
		appendNum(b, y+row/2-7)
		b.WriteString(`" width="`)
		appendNum(b, w)
		b.WriteString(`" height="14" rx="7"><title>`)
		appendText(b, title+": "+p)
		b.WriteString(`</title></rect><text class="value" x="`)
		appendNum(b, min(x0+w+6, 560))
		b.WriteString(`" y="`)
		appendNum(b, y+row/2+5)
		b.WriteString(`">`)
		appendText(b, p)
		b.WriteString(`</text>`)
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
	const left, width, row = 170.0, 410.0, 34.0
	height := row * float64(len(levels))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart split-chart" viewBox="0 0 600 %.0f" role="img" aria-label="%s">`, height,
		html.EscapeString("Time split across the levels of "+l.Title+"; the table on each level page gives the numbers."))
	for i, lv := range levels {
		y := float64(i) * row
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
		fmt.Fprintf(&b, `<text class="label" x="%.0f" y="%.1f" text-anchor="end">%s</text>`, left-10, y+row/2+5, html.EscapeString(levelName(lv)))
		x := left
		for _, a := range l.Areas() {
			for _, s := range lv.TimeSplit {
				if s.Area != a.ID || total == 0 {
					continue
				}
				w := width * mid(s) / total
				fmt.Fprintf(&b, `<rect class="bar %s" x="%.1f" y="%.1f" width="%.1f" height="20"><title>%s</title></rect>`,
					seriesClass(l, a.ID), x, y+row/2-10, w, html.EscapeString(lv.Title+", "+a.Title+": "+percent(s.Range)))
				x += w
			}
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()), legend
}
