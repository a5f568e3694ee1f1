package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/boombuler/barcode/qr"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Two-factor sign-in with an authenticator app: time-based one-time passwords (RFC 6238)
// with the settings every authenticator app knows (SHA-1, six digits, 30 seconds), and
// recovery codes for when the phone is lost.

// totpPeriod is how long one code lasts.
const totpPeriod = 30 * time.Second

// totpSkew is how many steps either side of now a code is taken from: a phone's clock a
// little off, or a code typed as it changed, still works.
const totpSkew = 1

var totpOpts = totp.ValidateOpts{Period: uint(totpPeriod / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// TOTPKey is a new secret for an authenticator app.
type TOTPKey struct {
	Secret string // base32, to type into the app by hand
	URL    string // the otpauth:// URL the QR code holds
}

// NewTOTPKey makes a new random 160-bit secret, labelled in the app with issuer and account.
func NewTOTPKey(issuer, account string) (TOTPKey, error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, SecretSize: 20})
	if err != nil {
		return TOTPKey{}, fmt.Errorf("new two-factor secret: %w", err)
	}
	return TOTPKey{Secret: k.Secret(), URL: k.URL()}, nil
}

// TOTPURL is the otpauth:// URL of an existing secret, to show its QR code again.
func TOTPURL(issuer, account, secret string) string {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Secret: mustBase32(secret)})
	if err != nil {
		return ""
	}
	return k.URL()
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

func mustBase32(secret string) []byte {
	b, err := b32.DecodeString(strings.ToUpper(secret))
	if err != nil {
		return nil
	}
	return b
}

// MatchTOTP returns the time step of code for secret at now, looking one step either side,
// and false if it is none of them. The caller records the step (store.UseTOTPStep) so that a
// code is accepted once only.
func MatchTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != totpOpts.Digits.Length() {
		return 0, false
	}
	current := now.Unix() / int64(totpPeriod/time.Second)
	for skew := -totpSkew; skew <= totpSkew; skew++ {
		s := current + int64(skew)
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*int64(totpPeriod/time.Second), 0), totpOpts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// TOTPCode is the code for secret at t, as an authenticator app shows it (for tests, and
// for scripts that sign in).
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totpOpts)
}

// RecoveryCodeCount is how many recovery codes an account is given at a time.
const RecoveryCodeCount = 10

// recoveryAlphabet has no letters that look alike (0/o, 1/l/i), for codes written on paper.
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// NewRecoveryCodes makes RecoveryCodeCount codes of ten characters, about 49 bits each, shown
// as "xxxxx-xxxxx".
func NewRecoveryCodes() []string {
	codes := make([]string, RecoveryCodeCount)
	n := len(recoveryAlphabet)
	for i := range codes {
		var c strings.Builder
		for c.Len() < 11 {
			if c.Len() == 5 {
				c.WriteByte('-')
			}
			var b [1]byte
			_, _ = rand.Read(b[:]) // crypto/rand never fails
			// Bytes past the last whole multiple of the alphabet are drawn again, so that
			// every character is as likely.
			if int(b[0]) < 256/n*n {
				c.WriteByte(recoveryAlphabet[int(b[0])%n])
			}
		}
		codes[i] = c.String()
	}
	return codes
}

// NormalRecoveryCode is a recovery code as typed, in the form it was stored: lower case,
// without spaces, with the dash in the middle whether or not it was typed.
func NormalRecoveryCode(typed string) string {
	c := strings.ToLower(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(typed))
	if len(c) != 10 {
		return c
	}
	return c[:5] + "-" + c[5:]
}

// LooksLikeRecoveryCode tells a recovery code from a six-digit code.
func LooksLikeRecoveryCode(typed string) bool {
	return len(strings.NewReplacer(" ", "", "-", "").Replace(typed)) == 10
}

// QRCodeSVG draws text as a QR code in SVG, to put in a page: an inline drawing needs no
// image source, so the app's content security policy stays as strict as it is.
func QRCodeSVG(text string) (template.HTML, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return "", fmt.Errorf("QR code: %w", err)
	}
	size := code.Bounds().Dx()
	const quiet = 4 // the blank margin scanners need, in modules
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="QR code for your authenticator app"><rect width="100%%" height="100%%" fill="#fff"/><path fill="#000" d="`,
		size+2*quiet, size+2*quiet, (size+2*quiet)*5, (size+2*quiet)*5)
	for y := range size {
		for x := range size {
			if r, _, _, _ := code.At(x, y).RGBA(); r == 0 {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+quiet, y+quiet)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String()), nil // built above from numbers only
}
