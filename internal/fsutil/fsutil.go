// Package fsutil writes files so that a crash or an error never leaves one half-written.
package fsutil

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFileAtomic replaces path with data, as WriteAtomic does; a new file is 0644.
func WriteFileAtomic(path string, data []byte) error {
	return WriteAtomic(path, 0o644, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteAtomic replaces path with what write writes, without holding it all in memory: into a
// temporary file beside it, synced and renamed over path, so readers see the old file or the
// new one and never a mix, and an error from write leaves the old one as it was. The file
// keeps its permissions when it exists, and has perm when it is new. A symbolic link stays a
// link: the file it points to is the one replaced.
func WriteAtomic(path string, perm os.FileMode, write func(w io.Writer) error) error {
	if st, err := os.Stat(path); err == nil {
		perm = st.Mode().Perm()
	}
	target := path
	if real, err := filepath.EvalSymlinks(path); err == nil {
		target = real
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	bw := bufio.NewWriterSize(tmp, 64<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Chmod(perm)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), target)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
