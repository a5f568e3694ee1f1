package store

import (
	"testing"
	"time"
)

// SQLite's text of a time reads as the time it was, in UTC, whichever layout it is in; a text
// that is not a time is an error, never a wrong time.
func TestParseSQLiteTime(t *testing.T) {
	t.Parallel()
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v.UTC()
	}
	for _, tt := range []struct {
		text string
		want time.Time
	}{
		{"2024-05-01 13:04:05+00:00", utc("2024-05-01T13:04:05Z")},
		{"2024-05-01 13:04:05.123456+00:00", utc("2024-05-01T13:04:05.123456Z")},
		{"2024-05-01 13:04:05.5+02:00", utc("2024-05-01T11:04:05.5Z")},
		{"2024-05-01 00:30:00-05:30", utc("2024-05-01T06:00:00Z")},
		{"2024-12-31 23:59:59.999999999-01:00", utc("2025-01-01T00:59:59.999999999Z")},
		{"2024-05-01T13:04:05+00:00", utc("2024-05-01T13:04:05Z")},
		{"2024-05-01 13:04:05", utc("2024-05-01T13:04:05Z")},
		{"2024-05-01 13:04:05Z", utc("2024-05-01T13:04:05Z")},
		{"2024-05-01", utc("2024-05-01T00:00:00Z")},
	} {
		got, err := parseSQLiteTime(tt.text)
		if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("parseSQLiteTime(%q) = %v, %v; want %v", tt.text, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "2024-02-31 00:00:00+00:00", "2024-13-01", "2024-05-01 25:00:00+00:00", "2024-05-01 13:04:05.+00:00", "2024-05-01 13:04:05+0000"} {
		if got, err := parseSQLiteTime(bad); err == nil {
			t.Errorf("parseSQLiteTime(%q) = %v, want an error", bad, got)
		}
	}
}
