package site

import (
	"strings"
	"testing"
)

func TestWrapText(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		width float64
		want  []string
	}{
		{"fits", "Core", 100, []string{"Core"}},
		{"between words", "Senior Engineering Manager (EM4)", 150, []string{"Senior Engineering", "Manager (EM4)"}},
		{"one word too long", "Organisationbuilding", 60, []string{"Organis", "ationbui", "lding"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wrapText(tt.text, labelSize, tt.width)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("wrapText(%q, %g) = %q, want %q", tt.text, tt.width, got, tt.want)
			}
			for _, l := range got {
				if w := textWidth(l, labelSize); w > tt.width {
					t.Errorf("line %q is %.0f wide, over %g", l, w, tt.width)
				}
			}
		})
	}
}

// TestTextWidth checks the estimate against widths a browser measured in DejaVu Sans at 13px.
func TestTextWidth(t *testing.T) {
	for text, measured := range map[string]float64{
		"Senior Engineering Manager (EM4)": 226,
		"Director of Engineering (EM5)":    193,
		"Community and social capital":     193,
	} {
		if got := textWidth(text, 13); got < measured || got > measured*1.05 {
			t.Errorf("textWidth(%q) = %.1f, measured %.0f", text, got, measured)
		}
	}
}
