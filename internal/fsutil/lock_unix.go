//go:build unix

package fsutil

import (
	"os"
	"syscall"
)

// TryLock takes an exclusive advisory lock on f without waiting: an error when another
// process (or another open file of this one) holds a lock on it. The lock ends when f is
// closed or the process ends, however it ends.
func TryLock(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// LockShared takes a shared advisory lock on f, waiting for an exclusive one to end: many
// holders may share it, and while any does, TryLock fails.
func LockShared(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_SH)
}

// Lock takes an exclusive advisory lock on f, waiting for whoever holds one to let go.
func Lock(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
}
