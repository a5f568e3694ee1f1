package fsutil

import (
	"errors"
	"os"
	"syscall"
)

// processAlive reports whether the process pid is running. Where that cannot be told (signal 0
// is a Unix idea), it says yes: a leftover folder is better than a removed one in use.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	if pid == os.Getpid() {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	return !errors.Is(p.Signal(syscall.Signal(0)), os.ErrProcessDone)
}
