package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/auth"
)

func TestMatchTOTP(t *testing.T) {
	t.Parallel()
	// RFC 6238's SHA-1 secret ("12345678901234567890") in base32, and its appendix B times;
	// the RFC lists eight digits, of which six-digit codes are the last six.
	const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	tests := []struct {
		name  string
		at    time.Time
		code  string
		ok    bool
		steps int64
	}{
		{"RFC 6238 at 59 s", time.Unix(59, 0), "287082", true, 1},
		{"RFC 6238 at 1111111109 s", time.Unix(1111111109, 0), "081804", true, 37037036},
		{"RFC 6238 at 2000000000 s", time.Unix(2000000000, 0), "279037", true, 66666666},
		{"with a space", time.Unix(59, 0), "287 082", true, 1},
		{"one step late", time.Unix(59+30, 0), "287082", true, 1},
		{"two steps late", time.Unix(59+60, 0), "287082", false, 0},
		{"wrong code", time.Unix(59, 0), "287083", false, 0},
		{"too short", time.Unix(59, 0), "28708", false, 0},
		{"empty", time.Unix(59, 0), "", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			step, ok := auth.MatchTOTP(secret, tt.code, tt.at)
			if ok != tt.ok || step != tt.steps {
				t.Errorf("MatchTOTP(%q at %d) = %d, %v; want %d, %v", tt.code, tt.at.Unix(), step, ok, tt.steps, tt.ok)
			}
		})
	}
}

func TestNewTOTPKey(t *testing.T) {
	t.Parallel()
	k, err := auth.NewTOTPKey("Acme rungs", "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Secret) != 32 || !strings.HasPrefix(k.URL, "otpauth://totp/Acme%20rungs:ada@example.com?") || !strings.Contains(k.URL, "secret="+k.Secret) {
		t.Errorf("key %+v", k)
	}
	if again := auth.TOTPURL("Acme rungs", "ada@example.com", k.Secret); again != k.URL {
		t.Errorf("TOTPURL = %q, want %q", again, k.URL)
	}
	now := time.Now()
	code, err := auth.TOTPCode(k.Secret, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := auth.MatchTOTP(k.Secret, code, now); !ok {
		t.Errorf("the code of a new key at now (%s) does not match", code)
	}
	svg, err := auth.QRCodeSVG(k.URL)
	if err != nil || !strings.HasPrefix(string(svg), "<svg") || strings.Count(string(svg), "h1v1h-1z") < 100 {
		t.Errorf("QR code %.80q, %v", svg, err)
	}
}

func TestRecoveryCodes(t *testing.T) {
	t.Parallel()
	codes := auth.NewRecoveryCodes()
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 11 || c[5] != '-' || strings.ContainsAny(c, "01ilo") || seen[c] {
			t.Errorf("code %q", c)
		}
		seen[c] = true
		for _, typed := range []string{c, strings.ToUpper(c), strings.ReplaceAll(c, "-", ""), strings.ReplaceAll(c, "-", " ")} {
			if got := auth.NormalRecoveryCode(typed); got != c {
				t.Errorf("NormalRecoveryCode(%q) = %q, want %q", typed, got, c)
			}
			if !auth.LooksLikeRecoveryCode(typed) {
				t.Errorf("%q does not look like a recovery code", typed)
			}
		}
	}
	if len(codes) != auth.RecoveryCodeCount {
		t.Errorf("%d codes", len(codes))
	}
	if auth.LooksLikeRecoveryCode("123456") {
		t.Error("a six-digit code looks like a recovery code")
	}
}

func TestNoPasswordMatchesNothing(t *testing.T) {
	t.Parallel()
	for _, pw := range []string{"", auth.NoPassword, "correct horse battery"} {
		if ok, err := auth.Verify(pw, auth.NoPassword); ok || err != nil {
			t.Errorf("Verify(%q, NoPassword) = %v, %v", pw, ok, err)
		}
	}
}
