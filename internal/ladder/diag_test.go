package ladder

import "testing"

// EditDistance counts characters, not bytes: an accent typed or left out is one edit.
func TestEditDistance(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"staff", "staff", 0},
		{"", "staff", 5},
		{"staf", "staff", 1},
		{"satff", "staff", 2},
		{"principal", "principle", 2},
		{"développeur", "developpeur", 1},
		{"ingénieur", "ingenieure", 2},
	} {
		if got := EditDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := EditDistance(tt.b, tt.a); got != tt.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", tt.b, tt.a, got, tt.want)
		}
	}
}
