package auth

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
)

// The rules for a new password follow NIST SP 800-63B: long enough, not one that attackers
// try early, not made of the person's own name or address, and no rules on which kinds of
// characters it must hold (they make passwords harder to remember, not to guess).

// Length rules for a new password. The upper bound is in bytes because it bounds the work a
// hash does, and is far above what anyone types.
const (
	MinChars = 12
	MaxBytes = 256
)

// Errors Check returns, so that a form can say what is wrong without echoing the password.
var (
	ErrTooShort = fmt.Errorf("password is shorter than %d characters", MinChars)
	ErrTooLong  = fmt.Errorf("password is longer than %d bytes", MaxBytes)
	ErrBlank    = errors.New("password is only whitespace")
	ErrCommon   = errors.New("password is too easy to guess: it is a common password, or made of common words, names, dates, keyboard rows or repeats; a few unrelated words make a strong one")
	ErrPersonal = errors.New("password contains your name or email address")
)

// minScore is the lowest zxcvbn score a new password may have. Score 3 means an estimated
// 10^8 guesses or more: beyond reach of guessing over the network even without throttling,
// and slow to find offline against argon2id. Score 2 and below are the common passwords,
// words with a digit added, dates, keyboard rows and repeats that a guesser tries first.
const minScore = 3

// strengthChars is how much of a password the strength estimate reads: its matching grows
// faster than the length, and a password this long that passes has enough in its first part.
const strengthChars = 100

// Check tells whether password may be set as a new password for someone whose name and
// email address are among personal: at least MinChars characters and at most MaxBytes bytes,
// not only whitespace, not containing the email address, its part before the @ or the name,
// and not a password that attackers try early. That last check is zxcvbn's estimate (the
// trustelem Go port of Dropbox's library): it knows the 30,000 most common passwords of
// leaked lists, common English words, names and surnames, and the patterns people build from
// them (l33t spellings, dates, sequences, keyboard rows, repeats).
func Check(password string, personal ...string) error {
	switch {
	case len(password) > MaxBytes:
		return ErrTooLong
	case utf8.RuneCountInString(password) < MinChars:
		return ErrTooShort
	case strings.TrimFunc(password, unicode.IsSpace) == "":
		return ErrBlank
	}
	folded := fold(password)
	var inputs []string
	for _, p := range personal {
		all, banned := personalParts(p)
		inputs = append(inputs, all...)
		for _, part := range banned {
			if strings.Contains(folded, fold(part)) {
				return ErrPersonal
			}
		}
	}
	estimated := password
	if utf8.RuneCountInString(estimated) > strengthChars {
		estimated = string([]rune(estimated)[:strengthChars])
	}
	if zxcvbn.PasswordStrength(estimated, append(inputs, "rungs")).Score < minScore {
		return ErrCommon
	}
	return nil
}

// personalParts are the pieces of a name or an email address that a password must not
// contain: the whole of it, an address's part before the @, each word, and the name written
// without its spaces ("adalovelace"). Only pieces of four letters or more count: shorter
// ones, such as "Li" or "Bo", are inside too many ordinary words. The strength estimate is
// given every piece all the same, and counts them as easy to guess.
func personalParts(s string) (all, banned []string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	all = []string{s}
	if local, _, ok := strings.Cut(s, "@"); ok {
		all = append(all, local)
		s = local
	}
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	all = append(all, words...)
	all = append(all, strings.Join(words, ""))
	for _, p := range all {
		if utf8.RuneCountInString(fold(p)) >= 4 {
			banned = append(banned, p)
		}
	}
	return all, banned
}

// fold is s in lower case without spaces, dots, dashes and underscores, so that
// "Ada.Lovelace" is found in "my adalovelace password".
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), r == '.', r == '-', r == '_':
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}
