//go:build !unix

package fsutil

import (
	"errors"
	"os"
)

// TryLock reports that locks are not supported here: callers then never take over a file
// another process may still be writing.
func TryLock(f *os.File) error { return errors.ErrUnsupported }

// LockShared reports that locks are not supported here.
func LockShared(f *os.File) error { return errors.ErrUnsupported }

// Lock reports that locks are not supported here.
func Lock(f *os.File) error { return errors.ErrUnsupported }
