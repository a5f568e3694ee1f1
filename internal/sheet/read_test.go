package sheet

import "testing"

func TestTitleCase(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"file name", "growth_framework", "Growth framework"},
		{"empty", "", "Career Framework"},
		{"accented first letter", "évaluation-équipe", "Évaluation équipe"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := titleCase(tc.in); got != tc.want {
				t.Errorf("titleCase(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
