//go:build unix

package fsutil

import (
	"os"
	"syscall"
)

// TryLock takes an exclusive advisory lock on f without waiting: an error when another
// process holds one. The lock ends when f is closed or the process ends, however it ends.
func TryLock(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
