package charset

import (
	"bytes"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// NewReader returns a reader of r's text as UTF-8, for input too large to hold in memory at
// once: with UTF8 it passes r through and fails with an *Error at the first byte that is not
// UTF-8 (or at the start, for UTF-16 or binary); with another of Names it converts as it reads.
func NewReader(r io.Reader, enc string) io.Reader {
	switch enc {
	case UTF16:
		// The byte order comes from the byte order mark, else from the NUL bytes of the start.
		br := &peekReader{r: r}
		order := unicode.LittleEndian
		if utf16Order(br.peek(4096)) == looksUTF16BE {
			order = unicode.BigEndian
		}
		return transform.NewReader(br, unicode.UTF16(order, unicode.UseBOM).NewDecoder())
	case Windows1252:
		return transform.NewReader(r, charmap.Windows1252.NewDecoder())
	case Latin1:
		return transform.NewReader(r, charmap.ISO8859_1.NewDecoder())
	}
	return &checkReader{r: &peekReader{r: r}, line: 1, col: 1}
}

// peekReader lets the start of a reader be looked at before it is read.
type peekReader struct {
	r    io.Reader
	head []byte
}

func (p *peekReader) peek(n int) []byte {
	buf := make([]byte, n)
	m, _ := io.ReadFull(p.r, buf)
	p.head = buf[:m]
	return p.head
}

func (p *peekReader) Read(b []byte) (int, error) {
	if len(p.head) > 0 {
		n := copy(b, p.head)
		p.head = p.head[n:]
		return n, nil
	}
	return p.r.Read(b)
}

// checkReader passes UTF-8 through and stops at the first byte that is not.
type checkReader struct {
	r         *peekReader
	line, col int
	started   bool
	multibyte int    // characters of more than one byte seen so far
	carry     []byte // the start of a character cut by the end of the last read
	err       error
}

func (c *checkReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if len(p) < utf8.UTFMax {
		// Too small to hold a whole character; callers read through a bufio.Reader anyway.
		return 0, io.ErrShortBuffer
	}
	if !c.started {
		c.started = true
		if looks := utf16Order(c.r.peek(4096)); looks != "" {
			c.err = &Error{Looks: looks}
			return 0, c.err
		}
	}
	n := copy(p, c.carry)
	c.carry = c.carry[:0]
	m, rerr := c.r.Read(p[n:])
	buf := p[:n+m]
	for i := 0; i < len(buf); {
		b := buf[i]
		if b == 0 {
			c.err = &Error{Looks: looksBinary}
			return 0, c.err
		}
		if b < utf8.RuneSelf {
			if b == '\n' {
				c.line, c.col = c.line+1, 1
			} else {
				c.col++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(buf[i:])
		if r == utf8.RuneError && size == 1 {
			if rerr == nil && !utf8.FullRune(buf[i:]) {
				c.carry = append(c.carry, buf[i:]...)
				return i, nil
			}
			c.err = c.fail(buf[i:])
			return i, nil // what came before is fine; the next read fails
		}
		c.multibyte++
		c.col++
		i += size
	}
	return len(buf), rerr
}

// fail describes the byte at the start of rest, guessing the encoding from what follows it in
// this read.
func (c *checkReader) fail(rest []byte) *Error {
	e := &Error{Line: c.line, Col: c.col, Byte: rest[0], Looks: looksWin1252}
	if bytes.IndexByte(rest, 0) >= 0 {
		e.Looks = looksBinary
		return e
	}
	invalid, controls := 0, 0
	for i := 0; i < len(rest); {
		r, size := utf8.DecodeRune(rest[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			invalid++
			if !win1252Letter(rest[i]) {
				e.Looks = looksUndecided
			}
		case size > 1:
			c.multibyte++
		case r < ' ' && r != '\t' && r != '\n' && r != '\r' && r != '\f':
			controls++
		}
		i += size
	}
	switch {
	case controls*100 > len(rest):
		e.Looks = looksBinary
	case c.multibyte >= invalid:
		e.Looks = looksMixed
	}
	return e
}
