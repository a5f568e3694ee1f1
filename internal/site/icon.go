package site

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"sync"
)

// rungs' icon: a short ladder of three rungs, white on the site's blue. The
// SVG is the favicon; the same drawing is rasterised in Go for the touch icon that phones put on
// a home screen (they do not take SVG), so no binary image lives in the repository.

// iconRails and iconRungs are the drawing, in a 32 by 32 box: two rails, and three rungs from
// the bottom up. Each is a line from (x1, y1) to (x2, y2), drawn with round ends.
var (
	iconRails = [][4]float64{{10, 6.5, 10, 25.5}, {22, 6.5, 22, 25.5}}
	iconRungs = [][4]float64{{10, 21, 22, 21}, {10, 16, 22, 16}, {10, 11, 22, 11}}
)

const (
	iconBlue   = "#1f5fa8" // --accent in style.css: white on it has a contrast of 6.5
	iconStroke = 2.75
)

// faviconSVG is the icon as SVG.
var faviconSVG = func() []byte {
	var b bytes.Buffer
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">`)
	b.WriteString(`<rect width="32" height="32" rx="7" fill="` + iconBlue + `"/>`)
	b.WriteString(`<g stroke="#fff" stroke-width="`)
	appendNum(&b, iconStroke)
	b.WriteString(`" stroke-linecap="round" fill="none">`)
	for _, l := range append(append([][4]float64{}, iconRails...), iconRungs...) {
		b.WriteString(`<line x1="`)
		appendNum(&b, l[0])
		b.WriteString(`" y1="`)
		appendNum(&b, l[1])
		b.WriteString(`" x2="`)
		appendNum(&b, l[2])
		b.WriteString(`" y2="`)
		appendNum(&b, l[3])
		b.WriteString(`"/>`)
	}
	b.WriteString("</g></svg>\n")
	return b.Bytes()
}()

// touchIconSize is the size iOS asks for on a phone's home screen.
const touchIconSize = 180

// touchIcon is the icon as a PNG of touchIconSize pixels, made once. iOS rounds the corners
// itself, so the square is filled to its edges. Only the pixels on a stroke's edge are
// sampled finely, so that a build spends about a millisecond on it.
var touchIcon = sync.OnceValue(drawTouchIcon)

func drawTouchIcon() []byte {
	const n, samples = touchIconSize, 4 // 4 x 4 samples a pixel on an edge smooth it
	scale := 32.0 / n
	lines := append(append([][4]float64{}, iconRails...), iconRungs...)
	near := func(x, y float64) float64 { // how far (x, y) is from the drawing, squared
		d := math.Inf(1)
		for _, l := range lines {
			d = min(d, segmentDistance2(x, y, l))
		}
		return d
	}
	// The palette runs from the blue to white: a pixel's index is how much white it has.
	pal := make(color.Palette, samples*samples+1)
	for i := range pal {
		f := float64(i) / (samples * samples)
		mix := func(c uint8) uint8 { return uint8(math.Round(float64(c)*(1-f) + 255*f)) }
		pal[i] = color.NRGBA{mix(0x1f), mix(0x5f), mix(0xa8), 0xff}
	}
	img := image.NewPaletted(image.Rect(0, 0, n, n), pal)
	// A pixel whose centre is this close to a stroke's edge may be cut by it.
	half, edge := iconStroke/2, scale
	inside, outside, half2 := (half-edge)*(half-edge), (half+edge)*(half+edge), half*half
	for y := range n {
		for x := range n {
			d := near((float64(x)+0.5)*scale, (float64(y)+0.5)*scale)
			switch {
			case d < inside:
				img.Pix[y*n+x] = samples * samples
			case d > outside:
				// blue, index 0
			default:
				white := uint8(0)
				for sy := range samples {
					for sx := range samples {
						px := (float64(x) + (float64(sx)+0.5)/samples) * scale
						py := (float64(y) + (float64(sy)+0.5)/samples) * scale
						if near(px, py) <= half2 {
							white++
						}
					}
				}
				img.Pix[y*n+x] = white
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err) // writing to memory does not fail
	}
	return b.Bytes()
}

// segmentDistance2 is the square of how far (x, y) is from the segment l.
func segmentDistance2(x, y float64, l [4]float64) float64 {
	dx, dy := l[2]-l[0], l[3]-l[1]
	t := 0.0
	if d := dx*dx + dy*dy; d > 0 {
		t = max(0, min(1, ((x-l[0])*dx+(y-l[1])*dy)/d))
	}
	ex, ey := x-(l[0]+t*dx), y-(l[1]+t*dy)
	return ex*ex + ey*ey
}
