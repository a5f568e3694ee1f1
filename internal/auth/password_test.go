package auth

import (
	"errors"
	"strings"
	"testing"
)

// cheap keeps the tests fast, the race detector slows argon2 a lot; one test uses the defaults.
var cheap = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func mustHash(t *testing.T, p Params, password string) string {
	t.Helper()
	h, err := p.Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHashRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		password string
	}{
		{"ascii", "correct horse battery staple"},
		{"unicode", "пароль-ünïcödé-密码"},
		{"spaces kept", "  leading and trailing  "},
		{"longest", strings.Repeat("x", MaxBytes)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := mustHash(t, cheap, tt.password)
			if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
				t.Errorf("hash %q is not the PHC form", h)
			}
			ok, err := Verify(tt.password, h)
			if err != nil || !ok {
				t.Errorf("Verify(own password) = %v, %v", ok, err)
			}
			ok, err = Verify(tt.password+"!", h)
			if err != nil || ok {
				t.Errorf("Verify(wrong password) = %v, %v", ok, err)
			}
		})
	}
}

func TestDefaultParams(t *testing.T) {
	t.Parallel()
	h, err := Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=4$") {
		t.Errorf("hash %q does not carry the default parameters", h)
	}
	if ok, err := Verify("correct horse battery staple", h); err != nil || !ok {
		t.Errorf("Verify = %v, %v", ok, err)
	}
	if NeedsRehash(h) {
		t.Error("NeedsRehash(default hash) = true")
	}
}

func TestWrongPassword(t *testing.T) {
	t.Parallel()
	h := mustHash(t, cheap, "correct horse battery staple")
	for _, wrong := range []string{"", "correct horse battery stapl", "Correct horse battery staple",
		"correct horse battery staple ", strings.Repeat("y", MaxBytes+1)} {
		if ok, err := Verify(wrong, h); err != nil || ok {
			t.Errorf("Verify(%q) = %v, %v; want false, nil", wrong, ok, err)
		}
	}
}

func TestTamperedHash(t *testing.T) {
	t.Parallel()
	const password = "correct horse battery staple"
	h := mustHash(t, cheap, password)
	parts := strings.Split(h, "$") // "", argon2id, v=19, params, salt, hash
	flip := func(s string) string {
		// Change the first character to another base64 one; the first keeps all its bits.
		c := byte('A')
		if s[0] == 'A' {
			c = 'B'
		}
		return string(c) + s[1:]
	}
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	tests := []struct {
		name    string
		encoded string
	}{
		{"hash changed", with(5, flip(parts[5]))},
		{"salt changed", with(4, flip(parts[4]))},
		{"memory changed", with(3, "m=65,t=1,p=1")},
		{"passes changed", with(3, "m=64,t=2,p=1")},
		{"lanes changed", with(3, "m=64,t=1,p=2")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if ok, err := Verify(password, tt.encoded); err != nil || ok {
				t.Errorf("Verify(%q) = %v, %v; want false, nil", tt.encoded, ok, err)
			}
		})
	}
}

func TestUnknownFormat(t *testing.T) {
	t.Parallel()
	const password = "correct horse battery staple"
	h := mustHash(t, cheap, password)
	parts := strings.Split(h, "$")
	salt, key := parts[4], parts[5]
	tests := []struct {
		name    string
		encoded string
	}{
		{"empty", ""},
		{"plain text", password},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key},
		{"argon2 1.0", "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key},
		{"no version", "$argon2id$m=64,t=1,p=1$" + salt + "$" + key},
		{"trailing part", h + "$"},
		{"parameters reordered", "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key},
		{"parameter missing", "$argon2id$v=19$m=64,t=1$" + salt + "$" + key},
		{"leading zero", "$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + key},
		{"signed", "$argon2id$v=19$m=+64,t=1,p=1$" + salt + "$" + key},
		{"zero passes", "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key},
		{"too many lanes", "$argon2id$v=19$m=64,t=1,p=256$" + salt + "$" + key},
		{"too much memory", "$argon2id$v=19$m=4194304,t=1,p=1$" + salt + "$" + key},
		{"padded base64", h + "="},
		{"salt not base64", "$argon2id$v=19$m=64,t=1,p=1$" + salt[:10] + "*" + salt[11:] + "$" + key},
		{"hash cut short", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key[:8]},
		{"salt too short", "$argon2id$v=19$m=64,t=1,p=1$AAAA$" + key},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ok, err := Verify(password, tt.encoded)
			if ok || !errors.Is(err, ErrFormat) {
				t.Errorf("Verify(%q) = %v, %v; want false, ErrFormat", tt.encoded, ok, err)
			}
			if !NeedsRehash(tt.encoded) {
				t.Errorf("NeedsRehash(%q) = false", tt.encoded)
			}
		})
	}
}

func TestSaltsDiffer(t *testing.T) {
	t.Parallel()
	const password = "correct horse battery staple"
	seen := map[string]bool{}
	for range 5 {
		h := mustHash(t, cheap, password)
		salt := strings.Split(h, "$")[4]
		if seen[salt] {
			t.Fatalf("salt %s used twice", salt)
		}
		seen[salt] = true
	}
}

func TestNeedsRehash(t *testing.T) {
	t.Parallel()
	d := DefaultParams()
	tests := []struct {
		name string
		p    Params
		want bool
	}{
		{"cheap", cheap, true},
		{"less memory", Params{d.Memory / 2, d.Time, d.Threads, d.SaltLen, d.KeyLen}, true},
		{"fewer passes", Params{d.Memory, d.Time - 1, d.Threads, d.SaltLen, d.KeyLen}, true},
		{"shorter salt", Params{d.Memory, d.Time, d.Threads, 8, d.KeyLen}, true},
		{"shorter hash", Params{d.Memory, d.Time, d.Threads, d.SaltLen, 16}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := NeedsRehash(mustHash(t, tt.p, "correct horse battery staple")); got != tt.want {
				t.Errorf("NeedsRehash = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHashRefuses(t *testing.T) {
	t.Parallel()
	if _, err := cheap.Hash(strings.Repeat("x", MaxBytes+1)); !errors.Is(err, ErrTooLong) {
		t.Errorf("Hash(too long) error = %v, want ErrTooLong", err)
	}
	if _, err := (Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32}).Hash("correct horse battery staple"); err == nil {
		t.Error("Hash with a 4-byte salt: no error")
	}
}
