package site

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"testing"
)

// TestIcons: the favicon is well-formed SVG, and the touch icon a 180 x 180 PNG of the same
// drawing, white rungs on blue, the same at every build.
func TestIcons(t *testing.T) {
	if err := xml.Unmarshal(faviconSVG, new(struct{})); err != nil {
		t.Fatalf("favicon.svg: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(touchIcon()))
	if err != nil {
		t.Fatalf("apple-touch-icon.png: %v", err)
	}
	if b := img.Bounds(); b.Dx() != touchIconSize || b.Dy() != touchIconSize {
		t.Fatalf("touch icon is %v, want %d square", b, touchIconSize)
	}
	at := func(x, y float64) (r, g, b uint32) {
		r, g, b, _ = img.At(int(x*touchIconSize/32), int(y*touchIconSize/32)).RGBA()
		return r >> 8, g >> 8, b >> 8
	}
	if r, g, b := at(2, 2); r != 0x1f || g != 0x5f || b != 0xa8 {
		t.Errorf("corner is %02x%02x%02x, want the site's blue", r, g, b)
	}
	if r, g, b := at(16, 16); r != 255 || g != 255 || b != 255 {
		t.Errorf("the middle rung is %02x%02x%02x, want white", r, g, b)
	}
}

// BenchmarkTouchIcon draws the touch icon, which every build does once.
func BenchmarkTouchIcon(b *testing.B) {
	for b.Loop() {
		drawTouchIcon()
	}
}
