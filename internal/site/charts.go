package site

import (
	"fmt"
	"html"
	"html/template"
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
	for i, a := range l.Areas() {
		if a.ID == area {
			return fmt.Sprintf("s%d", i%8)
		}
	}
	return "s0"
}

func areaTitle(l *ladder.Ladder, id string) string {
	if a := l.Area(id); a != nil {
		return a.Title
	}
	return id
}

// rangeChart draws a level's time split: one bar per area from its least to its most share.
func (r *renderer) rangeChart(l *ladder.Ladder, lv *ladder.Level) template.HTML {
	if len(lv.TimeSplit) == 0 {
		return ""
	}
	const left, width, row = 200.0, 360.0, 34.0
	height := row*float64(len(lv.TimeSplit)) + 28
	var b strings.Builder
	var alt []string
	for _, s := range lv.TimeSplit {
		alt = append(alt, areaTitle(l, s.Area)+" "+percent(s.Range))
	}
	fmt.Fprintf(&b, `<svg class="chart range-chart" viewBox="0 0 600 %.0f" role="img" aria-label="%s">`, height,
		html.EscapeString("Share of time: "+strings.Join(alt, ", ")))
	for _, tick := range []float64{0, 25, 50, 75, 100} {
		x := left + width*tick/100
		fmt.Fprintf(&b, `<line class="grid" x1="%.1f" x2="%.1f" y1="0" y2="%.0f"/>`, x, x, height-22)
		fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%.0f" text-anchor="middle">%.0f%%</text>`, x, height-6, tick)
	}
	for i, s := range lv.TimeSplit {
		y := float64(i) * row
		hi := s.Range.Min
		if s.Range.Max != nil {
			hi = *s.Range.Max
		} else {
			hi = 100
		}
		x0, x1 := left+width*s.Range.Min/100, left+width*min(hi, 100)/100
		w := max(x1-x0, 3)
		fmt.Fprintf(&b, `<text class="label" x="%.0f" y="%.1f" text-anchor="end">%s</text>`, left-10, y+row/2+5, html.EscapeString(areaTitle(l, s.Area)))
		fmt.Fprintf(&b, `<rect class="track" x="%.0f" y="%.1f" width="%.0f" height="14" rx="7"/>`, left, y+row/2-7, width)
		fmt.Fprintf(&b, `<rect class="bar %s" x="%.1f" y="%.1f" width="%.1f" height="14" rx="7"><title>%s</title></rect>`,
			seriesClass(l, s.Area), x0, y+row/2-7, w, html.EscapeString(areaTitle(l, s.Area)+": "+percent(s.Range)))
		fmt.Fprintf(&b, `<text class="value" x="%.1f" y="%.1f">%s</text>`, min(x0+w+6, 560), y+row/2+5, html.EscapeString(percent(s.Range)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
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
