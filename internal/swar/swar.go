// Package swar tests eight bytes of a string at once ("SIMD within a register", the
// "haszero" trick of Bit Twiddling Hacks). Escaping text for JSON and HTML spends most of its
// time on runs of bytes that need nothing; looking at them a word at a time rather than a byte
// at a time made the site's build measurably faster.
package swar

// Ones has 1 in every byte; High has every byte's high bit set.
const (
	Ones = 0x0101010101010101
	High = 0x8080808080808080
)

// Word is the eight bytes of s from i as one little-endian number; s must have them.
func Word(s string, i int) uint64 {
	w := s[i : i+8]
	return uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
}

// Has has the high bit set in each byte of its result where x has the byte c, when no byte of
// x is 0x80 or more (a byte below one that matches may be marked too, which only matters to
// a caller that wants to know which byte matched; callers here only ask whether any did).
func Has(x uint64, c byte) uint64 {
	v := x ^ Ones*uint64(c)
	return (v - Ones) &^ v
}
