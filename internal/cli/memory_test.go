package cli

import (
	"runtime/debug"
	"testing"
)

// TestLimitMemory: a build's memory limit is buildMemory while the heap is small, and
// GOMEMLIMIT, when set, is left to decide. Not parallel: it sets the process's limit, and
// puts it back.
func TestLimitMemory(t *testing.T) {
	was := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(was)

	t.Setenv("GOMEMLIMIT", "")
	limitMemory()
	if got := debug.SetMemoryLimit(-1); got != buildMemory {
		t.Errorf("limit %d MiB, want %d MiB", got>>20, buildMemory>>20)
	}

	debug.SetMemoryLimit(was)
	t.Setenv("GOMEMLIMIT", "1GiB")
	limitMemory()
	if got := debug.SetMemoryLimit(-1); got != was {
		t.Errorf("with GOMEMLIMIT set the limit became %d, want it left at %d", got, was)
	}
}
