package swar

import "testing"

// Every byte value at every one of the eight places: Has finds exactly the words holding c.
func TestHas(t *testing.T) {
	for _, c := range []byte{0, '"', '&', '<', 0x7f} {
		for at := range 8 {
			for v := range 0x80 {
				b := []byte("abcdefgh")
				b[at] = byte(v)
				got := Has(Word(string(b), 0), c)&High != 0
				want := false
				for _, o := range b {
					want = want || o == c
				}
				if got != want {
					t.Fatalf("Has(%q, %q) = %v, want %v", b, c, got, want)
				}
			}
		}
	}
}

func TestWordIsLittleEndian(t *testing.T) {
	if got := Word("xx\x01\x02\x03\x04\x05\x06\x07\x08", 2); got != 0x0807060504030201 {
		t.Fatalf("Word = %#x", got)
	}
}
