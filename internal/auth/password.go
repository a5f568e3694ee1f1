// Package auth hashes and checks passwords.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// ErrFormat is returned by Verify for an encoded hash it cannot read.
var ErrFormat = errors.New("not an argon2id hash this version of rungs can read")

// NoPassword is the password hash of an account that signs in only through the company's
// identity provider: no password matches it.
const NoPassword = "!no-password"

// Params are argon2id's cost settings.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams returns the settings new hashes are made with: the second option RFC 9106
// recommends (64 MiB, 3 passes, 4 lanes, a 128-bit salt and a 256-bit hash), which costs
// tens of milliseconds on a server.
func DefaultParams() Params {
	return Params{Memory: 64 * 1024, Time: 3, Threads: 4, SaltLen: 16, KeyLen: 32}
}

// Bounds on what a stored hash may ask for, so that a corrupted or planted hash cannot make
// Verify use gigabytes or minutes, or compare against a few bytes.
const (
	maxMemory  = 1 << 20 // KiB: 1 GiB
	maxTime    = 64
	minSaltLen = 8
	minKeyLen  = 16
	maxLen     = 64
)

func (p Params) valid() bool {
	return p.Memory >= 8*uint32(p.Threads) && p.Memory <= maxMemory &&
		p.Time >= 1 && p.Time <= maxTime && p.Threads >= 1 &&
		p.SaltLen >= minSaltLen && p.SaltLen <= maxLen && p.KeyLen >= minKeyLen && p.KeyLen <= maxLen
}

// Hash hashes password with DefaultParams and a new random salt, and returns the PHC string
// $argon2id$v=19$m=...,t=...,p=...$salt$hash. It does not apply Check's rules, so that an
// existing password can be rehashed after they change; call Check on new passwords. It takes
// no slot of a Hasher: a server hashes through one, a command of the shell may not need to.
func Hash(password string) (string, error) {
	return DefaultParams().Hash(password)
}

// Hash hashes password with p and a new random salt, and returns the PHC string.
func (p Params) Hash(password string) (string, error) {
	if !p.valid() {
		return "", fmt.Errorf("hash password: argon2id parameters %+v out of range", p)
	}
	if len(password) > MaxBytes {
		return "", fmt.Errorf("hash password: %w", ErrTooLong)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return encode(p, salt, key), nil
}

// Verify tells whether password is the one encoded was made from, comparing in constant
// time. An encoded hash it cannot read is an error wrapping ErrFormat, never a match.
func Verify(password, encoded string) (bool, error) {
	if encoded == NoPassword {
		return false, nil
	}
	p, salt, want, err := decode(encoded)
	if err != nil {
		return false, err
	}
	if len(password) > MaxBytes {
		// No stored password is this long; skip the work an attacker would have us do.
		return false, nil
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// Dummy returns a well-formed hash with p's settings that no password matches: a random
// salt and a random key. Verifying a password against it costs what a real check costs,
// which is what a sign-in for an unknown account needs, without hashing anything first.
func (p Params) Dummy() string {
	salt, key := make([]byte, p.SaltLen), make([]byte, p.KeyLen)
	_, _ = rand.Read(salt) // crypto/rand.Read never fails on the systems Go supports
	_, _ = rand.Read(key)
	return encode(p, salt, key)
}

// MemoryBytes is how much memory one hash with p takes.
func (p Params) MemoryBytes() uint64 { return uint64(p.Memory) * 1024 }

// NeedsRehash tells whether encoded was made with other settings than DefaultParams (or
// cannot be read), so that the password should be hashed again the next time it is known.
func NeedsRehash(encoded string) bool { return DefaultParams().NeedsRehash(encoded) }

// NeedsRehash tells whether encoded was made with other settings than p (or cannot be read).
func (p Params) NeedsRehash(encoded string) bool {
	q, _, _, err := decode(encoded)
	return err != nil || q != p
}

const prefix = "$argon2id$v=" // argon2.Version is 19 (0x13), the only one x/crypto computes

// b64 is the PHC string format's base64: standard alphabet, no padding, no stray bits.
var b64 = base64.RawStdEncoding.Strict()

func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("%s%d$m=%d,t=%d,p=%d$%s$%s", prefix, argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decode reads what encode writes, and nothing looser.
func decode(encoded string) (p Params, salt, key []byte, err error) {
	bad := func(why string) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("password hash: %s: %w", why, ErrFormat)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return bad("not $argon2id$v=...$m=...,t=...,p=...$salt$hash")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("version " + strconv.Quote(parts[2]))
	}
	fields := strings.Split(parts[3], ",")
	if len(fields) != 3 {
		return bad("parameters are not m=...,t=...,p=...")
	}
	var nums [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(fields[i], name)
		// ParseUint accepts neither signs nor spaces; leading zeros would make two
		// spellings of one hash, so they are refused too.
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil || (len(v) > 1 && v[0] == '0') {
			return bad("parameter " + strconv.Quote(fields[i]))
		}
		nums[i] = n
	}
	if nums[2] > 255 {
		return bad("parallelism out of range")
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return bad("salt is not base64")
	}
	if key, err = b64.DecodeString(parts[5]); err != nil {
		return bad("hash is not base64")
	}
	p = Params{Memory: uint32(nums[0]), Time: uint32(nums[1]), Threads: uint8(nums[2]),
		SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}
	if !p.valid() {
		return bad("parameters out of range")
	}
	return p, salt, key, nil
}
