package peoplecsv_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/rungs/rungs/internal/charset"
	"github.com/rungs/rungs/internal/peoplecsv"
)

// TestReadRefusesTextThatIsNotUTF8: a CSV saved by Excel on Windows (Windows-1252) or as
// UTF-16 is refused at its first odd byte, saying what it looks like, rather than stored with
// bytes no page can show.
func TestReadRefusesTextThatIsNotUTF8(t *testing.T) {
	t.Parallel()
	header := "name,email,start date\n"
	tests := []struct {
		name, in, want string
	}{
		{"Windows-1252", header + "Ana,ana@x.com,2024-01-02\nJos\xe9 Mar\xeda,jose@x.com,2024-01-02\n", "line 3, column 4: byte 0xE9 is not UTF-8: the file looks like Windows-1252"},
		{"UTF-16", "\xff\xfen\x00a\x00m\x00e\x00,\x00", "the file is UTF-16LE text"},
		{"a stray byte in UTF-8", header + "Zo\xc3\xab,zoe@x.com,2024-01-02\nB\xf6b,bob@x.com,2024-01-02\n", "line 3, column 2: byte 0xF6 is not UTF-8, though the rest of the file is"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			plan, err := peoplecsv.Read(strings.NewReader(tc.in), bundled(t), nil)
			var ce *charset.Error
			if plan != nil || !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Read = %v, %v; want a *charset.Error saying %q", plan, err, tc.want)
			}
		})
	}
}
