// Package charset makes sure the text that comes into rungs is UTF-8. It finds the first byte
// that is not, recognises what such text usually is instead (UTF-16, as some Windows editors
// save it; Windows-1252, as Excel on Windows saves CSV), says how to convert it, and converts
// it when asked to.
package charset

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// Encodings Decode converts from, by the names the --encoding flags take.
const (
	UTF8        = "utf-8"
	UTF16       = "utf-16"
	Windows1252 = "windows-1252"
	Latin1      = "latin1"
)

// Names lists the encodings Decode converts from.
var Names = []string{UTF8, UTF16, Windows1252, Latin1}

// What text that is not UTF-8 looks like.
const (
	looksUTF16LE   = "UTF-16LE"
	looksUTF16BE   = "UTF-16BE"
	looksWin1252   = "Windows-1252"
	looksBinary    = "binary"
	looksMixed     = "mixed" // UTF-8 but for a few bytes
	looksUndecided = ""
)

// Error is text that is not UTF-8.
type Error struct {
	// Line and Col (in characters, from 1) are where the first byte that is not UTF-8 is; both
	// are 0 when the whole file is the problem (UTF-16, binary).
	Line, Col int
	Byte      byte   // that byte
	Looks     string // what the text looks like: UTF-16LE, UTF-16BE, Windows-1252, binary, mixed or ""
}

// Error says where and what, without a file name: "line 3, column 7: ...".
func (e *Error) Error() string {
	if e.Line == 0 {
		return e.Message("")
	}
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Col, e.Message(""))
}

// Message says what is wrong and how to convert the file, naming it as file (its base name
// is used in the example command; "" gives FILE).
func (e *Error) Message(file string) string {
	name := "FILE"
	if file != "" {
		name = filepath.Base(file)
	}
	ext := filepath.Ext(name)
	converted := strings.TrimSuffix(name, ext) + ".utf8" + ext
	iconv := func(from string) string {
		return fmt.Sprintf("iconv -f %s -t UTF-8 %s > %s", from, name, converted)
	}
	switch e.Looks {
	case looksUTF16LE, looksUTF16BE:
		return fmt.Sprintf("the file is %s text, and rungs reads only UTF-8: convert it (%s) or save it again as UTF-8", e.Looks, iconv("UTF-16"))
	case looksWin1252:
		return fmt.Sprintf("byte 0x%02X is not UTF-8: the file looks like Windows-1252 (or Latin-1), as Windows programs such as Excel save text, and rungs reads only UTF-8: convert it (%s) or save it again as UTF-8", e.Byte, iconv("WINDOWS-1252"))
	case looksBinary:
		return "the file holds NUL bytes: it is binary, not text"
	case looksMixed:
		return fmt.Sprintf("byte 0x%02X is not UTF-8, though the rest of the file is: retype the character here", e.Byte)
	}
	return fmt.Sprintf("byte 0x%02X is not UTF-8, and rungs reads only UTF-8 text: convert the file from its encoding (%s)", e.Byte, iconv("ENCODING"))
}

// Encoding is the name Decode knows for what the text looks like, such as "windows-1252", or
// "" when there is none: the --encoding value that would read it.
func (e *Error) Encoding() string {
	switch e.Looks {
	case looksUTF16LE, looksUTF16BE:
		return UTF16
	case looksWin1252:
		return Windows1252
	}
	return ""
}

// Check returns nil when b is UTF-8 text (a byte order mark is fine), and an *Error otherwise.
func Check(b []byte) error {
	if looks := utf16Order(b); looks != "" {
		return &Error{Looks: looks}
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return &Error{Looks: looksBinary}
	}
	if utf8.Valid(b) {
		return nil
	}
	e := &Error{Line: 1, Col: 1, Looks: looksWin1252}
	found := false
	invalid, multibyte, controls := 0, 0, 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			if !found {
				found, e.Byte = true, b[i]
			}
			invalid++
			if !win1252Letter(b[i]) {
				e.Looks = looksUndecided
			}
		case size > 1:
			multibyte++
		case r < ' ' && r != '\t' && r != '\n' && r != '\r' && r != '\f':
			controls++
		}
		if !found {
			if r == '\n' {
				e.Line, e.Col = e.Line+1, 1
			} else {
				e.Col++
			}
		}
		i += size
	}
	switch {
	case controls*100 > len(b):
		e.Looks = looksBinary // text has few control characters; random bytes have many
	case multibyte >= invalid:
		// Mostly UTF-8: converting the whole file would garble the characters that are right.
		e.Looks = looksMixed
	}
	return e
}

// win1252Letter reports whether b, not being UTF-8 where it stands, is a character in
// Windows-1252: every byte from 0x80 up but the five it leaves undefined.
func win1252Letter(b byte) bool {
	switch b {
	case 0x81, 0x8D, 0x8F, 0x90, 0x9D:
		return false
	}
	return b >= 0x80
}

// utf16Order tells UTF-16 text by its byte order mark, or, without one, by the NUL bytes that
// every other byte of mostly-ASCII UTF-16 is. It returns "" for anything else.
func utf16Order(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return looksUTF16LE
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return looksUTF16BE
	}
	head := b[:min(len(b), 4096)&^1]
	if len(head) < 4 {
		return ""
	}
	var even, odd int
	for i := 0; i < len(head); i += 2 {
		if head[i] == 0 {
			even++
		}
		if head[i+1] == 0 {
			odd++
		}
	}
	pairs := len(head) / 2
	switch {
	case odd*10 >= pairs*3 && even*20 <= pairs:
		return looksUTF16LE
	case even*10 >= pairs*3 && odd*20 <= pairs:
		return looksUTF16BE
	}
	return ""
}

// Lookup returns the name Decode knows an encoding by, forgiving case and punctuation
// ("UTF16", "cp1252", "ISO-8859-1"), and whether it knows it.
func Lookup(name string) (string, bool) {
	n := strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToLower(name))
	switch n {
	case "utf8":
		return UTF8, true
	case "utf16", "utf16le", "utf16be":
		return UTF16, true
	case "windows1252", "cp1252":
		return Windows1252, true
	case "latin1", "iso88591", "l1":
		return Latin1, true
	}
	return "", false
}

// Decode converts b from the encoding enc (one of Names) to UTF-8. For UTF-8 it converts
// nothing and returns Check's error; UTF-16 is read in the order of its byte order mark, or
// of its NUL bytes when it has none. The result must be text: binary gives an *Error.
func Decode(b []byte, enc string) ([]byte, error) {
	var dec *encoding.Decoder
	switch enc {
	case UTF8, "":
		if err := Check(b); err != nil {
			return nil, err
		}
		return b, nil
	case UTF16:
		order := unicode.LittleEndian
		if utf16Order(b) == looksUTF16BE {
			order = unicode.BigEndian
		}
		dec = unicode.UTF16(order, unicode.UseBOM).NewDecoder()
	case Windows1252:
		dec = charmap.Windows1252.NewDecoder()
	case Latin1:
		dec = charmap.ISO8859_1.NewDecoder()
	default:
		return nil, fmt.Errorf("unknown encoding %q: use %s", enc, strings.Join(Names, ", "))
	}
	out, err := dec.Bytes(b)
	if err != nil {
		return nil, fmt.Errorf("convert from %s: %w", enc, err)
	}
	if bytes.IndexByte(out, 0) >= 0 {
		return nil, &Error{Looks: looksBinary}
	}
	return out, nil
}
