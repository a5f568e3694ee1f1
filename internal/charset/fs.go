package charset

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// FileError is a file of an FS made by FS that is not text in its encoding.
type FileError struct {
	Path string
	Err  *Error
}

// Error is "path:line:col: message", or "path: message" for the whole file.
func (e *FileError) Error() string {
	if e.Err.Line == 0 {
		return e.Path + ": " + e.Err.Message(e.Path)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Err.Line, e.Err.Col, e.Err.Message(e.Path))
}

func (e *FileError) Unwrap() error { return e.Err }

// FS returns fsys with its text files (those for which text(name) is true) read in the
// encoding enc and converted to UTF-8 as they are opened; with UTF8 they are checked and a
// file that is not UTF-8 fails to open with a *FileError. Other files are as in fsys.
func FS(fsys fs.FS, enc string, text func(name string) bool) fs.FS {
	return &textFS{fsys: fsys, enc: enc, text: text}
}

type textFS struct {
	fsys fs.FS
	enc  string
	text func(string) bool
}

func (t *textFS) Open(name string) (fs.File, error) {
	f, err := t.fsys.Open(name)
	if err != nil || !t.text(name) {
		return f, err
	}
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		return f, err
	}
	b, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	out, err := Decode(b, t.enc)
	var ce *Error
	if errors.As(err, &ce) {
		return nil, &FileError{Path: name, Err: ce}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return &textFile{Reader: bytes.NewReader(out), info: textInfo{st, int64(len(out))}}, nil
}

// textFile is a converted file, held in memory.
type textFile struct {
	*bytes.Reader
	info textInfo
}

func (f *textFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *textFile) Close() error               { return nil }

// textInfo is a file's information with the size of its converted text.
type textInfo struct {
	fs.FileInfo
	size int64
}

func (i textInfo) Size() int64 { return i.size }
