package cli

import (
	"runtime"
	"runtime/debug"
	"testing"
)

// TestLimitMemory: a build's memory limit is buildMemory while the heap is small, and its GOGC
// buildGCPercent; GOMEMLIMIT and GOGC, when set, are left to decide. Not parallel: it sets
// the process's limit and GOGC, and puts them back.
func TestLimitMemory(t *testing.T) {
	was := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(was)
	percent := debug.SetGCPercent(100)
	defer debug.SetGCPercent(percent)

	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "")
	limitMemory()
	if got := debug.SetMemoryLimit(-1); got != buildMemory {
		t.Errorf("limit %d MiB, want %d MiB", got>>20, buildMemory>>20)
	}
	if got := debug.SetGCPercent(100); got != buildGCPercent {
		t.Errorf("GOGC %d, want %d", got, buildGCPercent)
	}

	t.Setenv("GOGC", "100")
	limitMemory()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set, GOGC became %d, want it left at 100", got)
	}

	debug.SetMemoryLimit(was)
	t.Setenv("GOMEMLIMIT", "1GiB")
	limitMemory()
	if got := debug.SetMemoryLimit(-1); got != was {
		t.Errorf("with GOMEMLIMIT set the limit became %d, want it left at %d", got, was)
	}
}

// TestFloorServeHeap: serve holds serveHeapFloor more heap from its start, which the collector
// counts as live; not when GOGC or GOMEMLIMIT is set. Not parallel: it reads the heap the
// collector finds live, and takes away a floor an earlier serve in this process made (none
// runs meanwhile), putting it back after.
func TestFloorServeHeap(t *testing.T) {
	floor := func() []byte {
		heapFloor.Lock()
		defer heapFloor.Unlock()
		return heapFloor.b
	}
	was := floor()
	heapFloor.Lock()
	heapFloor.b = nil
	heapFloor.Unlock()
	defer func() {
		heapFloor.Lock()
		heapFloor.b = was
		heapFloor.Unlock()
	}()
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Setenv("GOGC", "")
		t.Setenv("GOMEMLIMIT", "")
		t.Setenv(env, map[string]string{"GOGC": "100", "GOMEMLIMIT": "1GiB"}[env])
		floorServeHeap()
		if b := floor(); b != nil {
			t.Errorf("with %s set, a floor of %d MiB", env, len(b)>>20)
		}
	}
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	runtime.GC()
	before := liveHeap()
	floorServeHeap()
	runtime.GC()
	if grew := liveHeap() - before; grew < serveHeapFloor-4<<20 || grew > serveHeapFloor+8<<20 {
		t.Errorf("the live heap grew by %d MiB, want %d", grew>>20, serveHeapFloor>>20)
	}
}
