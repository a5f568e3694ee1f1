package charset

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"testing/iotest"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func utf16(t *testing.T, s string, order unicode.Endianness, bom unicode.BOMPolicy) []byte {
	t.Helper()
	b, err := unicode.UTF16(order, bom).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func win1252(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const level = "---\ntitle: Senior\n---\n\n## Core\n\n- Leads the café’s “design” reviews. {#x}\n"

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        []byte
		looks     string // "" with ok: valid
		ok        bool
		line, col int
		b         byte
		encoding  string
	}{
		{name: "UTF-8", in: []byte(level), ok: true},
		{name: "UTF-8 with a byte order mark", in: append([]byte("\ufeff"), level...), ok: true},
		{name: "empty", in: nil, ok: true},
		{name: "UTF-16LE with BOM", in: utf16(t, level, unicode.LittleEndian, unicode.UseBOM), looks: looksUTF16LE, encoding: UTF16},
		{name: "UTF-16BE with BOM", in: utf16(t, level, unicode.BigEndian, unicode.UseBOM), looks: looksUTF16BE, encoding: UTF16},
		{name: "UTF-16LE without BOM", in: utf16(t, level, unicode.LittleEndian, unicode.IgnoreBOM), looks: looksUTF16LE, encoding: UTF16},
		{name: "UTF-16BE without BOM", in: utf16(t, level, unicode.BigEndian, unicode.IgnoreBOM), looks: looksUTF16BE, encoding: UTF16},
		{name: "Windows-1252", in: win1252(t, level), looks: looksWin1252, line: 7, col: 16, b: 0xE9, encoding: Windows1252},
		{name: "Latin-1 CSV", in: []byte("name,email\nJos\xe9,jose@example.com\n"), looks: looksWin1252, line: 2, col: 4, b: 0xE9, encoding: Windows1252},
		{name: "UTF-8 with one stray byte", in: []byte("caf\xc3\xa9\nna\xefve\n"), looks: looksMixed, line: 2, col: 3, b: 0xEF},
		{name: "bytes Windows-1252 leaves undefined", in: []byte("a\x81b"), looks: looksUndecided, line: 1, col: 2, b: 0x81},
		{name: "binary", in: []byte("PK\x03\x04\x00\x00\x08\x00\x08\x00\xff\xfe\x01"), looks: looksBinary},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(tc.in)
			if tc.ok {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Check = %v, want an *Error", err)
			}
			if e.Looks != tc.looks || e.Line != tc.line || e.Col != tc.col || e.Byte != tc.b || e.Encoding() != tc.encoding {
				t.Errorf("Check = %+v (encoding %q), want looks %q at %d:%d byte %#x encoding %q", *e, e.Encoding(), tc.looks, tc.line, tc.col, tc.b, tc.encoding)
			}
			if msg := e.Message("senior.md"); tc.encoding != "" && !strings.Contains(msg, "iconv -f "+strings.ToUpper(tc.encoding)+" -t UTF-8 senior.md > senior.utf8.md") {
				t.Errorf("the message does not say how to convert: %s", msg)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		enc string
		in  []byte
	}{
		{UTF8, []byte(level)},
		{UTF16, utf16(t, level, unicode.LittleEndian, unicode.UseBOM)},
		{UTF16, utf16(t, level, unicode.BigEndian, unicode.UseBOM)},
		{UTF16, utf16(t, level, unicode.BigEndian, unicode.IgnoreBOM)},
		{Windows1252, win1252(t, level)},
		{Latin1, []byte("---\ntitle: Senior\n---\n\n## Core\n\n- Leads the caf\xe9\x92s \x93design\x94 reviews. {#x}\n")},
	}
	for _, tc := range tests {
		got, err := Decode(tc.in, tc.enc)
		if err != nil {
			t.Fatalf("%s: %v", tc.enc, err)
		}
		want := level
		if tc.enc == Latin1 {
			// Latin-1 has no curly quotes: those bytes are C1 controls there.
			want = strings.NewReplacer("’", "\u0092", "“", "\u0093", "”", "\u0094").Replace(level)
		}
		if string(got) != want {
			t.Errorf("%s: Decode = %q, want %q", tc.enc, got, want)
		}
	}
	if _, err := Decode([]byte("PK\x00\x01"), Windows1252); err == nil {
		t.Error("binary decoded from Windows-1252")
	}
	if _, err := Decode(win1252(t, level), UTF8); err == nil {
		t.Error("Windows-1252 passed as UTF-8")
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"UTF-8": UTF8, "utf16": UTF16, "CP1252": Windows1252, "Windows-1252": Windows1252, "ISO-8859-1": Latin1, "latin1": Latin1} {
		if got, ok := Lookup(in); !ok || got != want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := Lookup("ebcdic"); ok {
		t.Error("Lookup knows ebcdic")
	}
}

func TestFS(t *testing.T) {
	t.Parallel()
	m := fstest.MapFS{
		"content/a.md":   {Data: []byte("# caf\xe9\n")},
		"static/img.png": {Data: []byte("\x89PNG\x00\x00")},
	}
	isText := func(name string) bool { return strings.HasSuffix(name, ".md") }

	_, err := fs.ReadFile(FS(m, UTF8, isText), "content/a.md")
	var fe *FileError
	if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "content/a.md:1:6: byte 0xE9 is not UTF-8: the file looks like Windows-1252") {
		t.Errorf("reading a Windows-1252 file as UTF-8: %v", err)
	}
	conv := FS(m, Windows1252, isText)
	if b, err := fs.ReadFile(conv, "content/a.md"); err != nil || string(b) != "# café\n" {
		t.Errorf("converted: %q, %v", b, err)
	}
	if st, err := fs.Stat(conv, "content/a.md"); err != nil || st.Size() != int64(len("# café\n")) {
		t.Errorf("Stat of a converted file: %v, %v", st, err)
	}
	if b, err := fs.ReadFile(conv, "static/img.png"); err != nil || string(b) != "\x89PNG\x00\x00" {
		t.Errorf("a file that is not text was changed: %q, %v", b, err)
	}
	if entries, err := fs.ReadDir(conv, "content"); err != nil || len(entries) != 1 {
		t.Errorf("ReadDir: %v, %v", entries, err)
	}
}

// TestNewReaderAgreesWithCheck: the streaming check finds what Check finds, however the input
// arrives (here: one byte per read underneath, so characters are cut between reads).
func TestNewReaderAgreesWithCheck(t *testing.T) {
	t.Parallel()
	inputs := map[string][]byte{
		"UTF-8":         []byte(strings.Repeat(level, 50)),
		"Windows-1252":  append([]byte(strings.Repeat(level, 50)[:0]), win1252(t, strings.Repeat("plain\n", 30)+level)...),
		"Latin-1 CSV":   []byte("name,email\nJos\xe9,jose@example.com\n"),
		"one stray":     []byte("caf\xc3\xa9\nna\xefve\n"),
		"UTF-16LE":      utf16(t, level, unicode.LittleEndian, unicode.UseBOM),
		"UTF-16BE bare": utf16(t, level, unicode.BigEndian, unicode.IgnoreBOM),
	}
	for name, in := range inputs {
		for _, slow := range []bool{false, true} {
			var src io.Reader = bytes.NewReader(in)
			if slow {
				src = iotest.OneByteReader(src)
			}
			got, err := io.ReadAll(bufio.NewReader(NewReader(src, UTF8)))
			want := Check(in)
			if want == nil {
				if err != nil || !bytes.Equal(got, in) {
					t.Errorf("%s (slow %v): read %d bytes, %v; want all %d", name, slow, len(got), err, len(in))
				}
				continue
			}
			var ge, we *Error
			if !errors.As(err, &ge) || !errors.As(want, &we) || *ge != *we {
				t.Errorf("%s (slow %v): NewReader fails with %v, Check with %v", name, slow, err, want)
			}
			if we.Line > 0 && !bytes.HasPrefix(in, got) {
				t.Errorf("%s: what was read before the error is not the start of the input", name)
			}
		}
	}
}

func TestNewReaderConverts(t *testing.T) {
	t.Parallel()
	for enc, in := range map[string][]byte{
		UTF16:       utf16(t, level, unicode.BigEndian, unicode.IgnoreBOM),
		Windows1252: win1252(t, level),
	} {
		got, err := io.ReadAll(NewReader(bytes.NewReader(in), enc))
		if err != nil || string(got) != level {
			t.Errorf("%s: %q, %v", enc, got, err)
		}
	}
}
