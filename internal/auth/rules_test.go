package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		password string
		personal []string
		want     error
	}{
		{"empty", "", nil, ErrTooShort},
		{"eleven", "vqm7 zt2 kpw", nil, nil},
		{"eleven characters", "vqm7zt2kpwx", nil, ErrTooShort},
		{"twelve runes, more bytes", "éàçù€ vqm7 zt", nil, nil},
		{"eleven runes, many bytes", "€€€€€€€€€€€", nil, ErrTooShort},
		{"spaces only", strings.Repeat(" ", 20), nil, ErrBlank},
		{"mixed whitespace only", "\t\n \u00a0\u2003\t\n \u00a0\u2003\r\n", nil, ErrBlank},
		{"a passphrase", "correct horse battery", nil, nil},
		{"at the byte limit", strings.Repeat("plum tiger cobalt ", 14) + "zest", nil, nil},
		{"over the byte limit", strings.Repeat("x", MaxBytes+1), nil, ErrTooLong},
		{"over the byte limit in runes", strings.Repeat("€", MaxBytes/3+1), nil, ErrTooLong},

		// Common and patterned passwords of twelve characters or more.
		{"digits in a row", "123456789012", nil, ErrCommon},
		{"a keyboard row", "qwertyuiopas", nil, ErrCommon},
		{"the alphabet", "abcdefghijkl", nil, ErrCommon},
		{"a common password, repeated", "letmeinletmein", nil, ErrCommon},
		{"a common word with digits", "Password1234", nil, ErrCommon},
		{"a word and a year", "Sunshine2023!", nil, ErrCommon},
		{"one letter", strings.Repeat("a", 40), nil, ErrCommon},

		// The person's own name and email, however written.
		{"the email", "ada@example.com", []string{"Ada Lovelace", "ada@example.com"}, ErrPersonal},
		{"the email in capitals", "ADA@EXAMPLE.COM!!", []string{"Ada Lovelace", "ada@example.com"}, ErrPersonal},
		{"the address's name part", "ada.lovelace rocks 42", []string{"Ada Lovelace", "ada.lovelace@example.com"}, ErrPersonal},
		{"the surname", "mighty lovelace engine", []string{"Ada Lovelace", "ada@example.com"}, ErrPersonal},
		{"the name run together", "adalovelace vqm7 zt", []string{"Ada Lovelace", "ada@example.com"}, ErrPersonal},
		{"a short name is not banned inside words", "canada geese migrate", []string{"Ada Li", "al@example.com"}, nil},
		{"someone else's name", "mighty lovelace engine", []string{"Grace Hopper", "grace@example.com"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := Check(tt.password, tt.personal...); !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("Check(%q, %q) = %v, want %v", tt.password, tt.personal, err, tt.want)
			}
		})
	}
}
