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
// itself, so the square is filled to its edges.
var touchIcon = sync.OnceValue(func() []byte {
	const n, samples = touchIconSize, 4 // 4 x 4 samples a pixel smooth the edges
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	blue := color.NRGBA{0x1f, 0x5f, 0xa8, 0xff}
	scale := 32.0 / n
	lines := append(append([][4]float64{}, iconRails...), iconRungs...)
	for y := range n {
		for x := range n {
			white := 0
			for sy := range samples {
				for sx := range samples {
					px := (float64(x) + (float64(sx)+0.5)/samples) * scale
					py := (float64(y) + (float64(sy)+0.5)/samples) * scale
					for _, l := range lines {
						if segmentDistance(px, py, l) <= iconStroke/2 {
							white++
							break
						}
					}
				}
			}
			f := float64(white) / (samples * samples)
			mix := func(c uint8) uint8 { return uint8(math.Round(float64(c)*(1-f) + 255*f)) }
			img.SetNRGBA(x, y, color.NRGBA{mix(blue.R), mix(blue.G), mix(blue.B), 0xff})
		}
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, img); err != nil {
		panic(err) // writing to memory does not fail
	}
	return b.Bytes()
})

// segmentDistance is how far (x, y) is from the segment l.
func segmentDistance(x, y float64, l [4]float64) float64 {
	dx, dy := l[2]-l[0], l[3]-l[1]
	t := 0.0
	if d := dx*dx + dy*dy; d > 0 {
		t = max(0, min(1, ((x-l[0])*dx+(y-l[1])*dy)/d))
	}
	return math.Hypot(x-(l[0]+t*dx), y-(l[1]+t*dy))
}
