package cli

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// buildMemory is the memory a build aims to stay under: a framework of 16,000 levels
// (140 MB of Markdown) builds within it.
const buildMemory = 350 << 20

// buildGCPercent is the GOGC a build runs with (see limitMemory).
const buildGCPercent = 200

// limitMemory keeps a build's memory near what its framework needs. Go collects garbage when
// the heap has doubled since the last collection; for a large framework, whose model alone is
// hundreds of megabytes, that doubles the memory the build needs. The limit makes the
// collector work harder instead, but never below half again the framework's model, where it
// would collect all the time. GOMEMLIMIT, when set, decides instead. Called before loading
// (the model is still small: the limit is buildMemory) and again once the model is loaded.
func limitMemory() {
	// A build is a batch job that ends in seconds, and the limit below bounds its memory: the
	// collector need not also start each time the heap doubles. At twice that, a 1,600-page
	// build collects half as often (5 times, not 10; its peak grows from about 92 to 107 MiB),
	// and a 16,000-page one, whose every collection marks the whole model again, a quarter
	// less often. GOGC, when set, decides instead.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(buildGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	limit := int64(buildMemory)
	if live := liveHeap(); live*3/2 > limit {
		// What the last collection found live may still hold what loading threw away: only the
		// model counts, so collect once to know it.
		runtime.GC()
		limit = max(limit, liveHeap()*3/2)
	}
	debug.SetMemoryLimit(limit)
}

// serveHeapFloor is the heap rungs serve holds from its start (see floorServeHeap).
const serveHeapFloor = 32 << 20

// heapFloor is serveHeapFloor bytes of heap, held for as long as the process runs. Behind a
// mutex: the tests run several serves in one process.
var heapFloor struct {
	sync.Mutex
	b []byte
}

// floorServeHeap has the collector of rungs serve run when the heap has grown by what it holds
// and serveHeapFloor more, instead of by what it holds alone. The people app holds little
// (some 11 MB with 100,000 people: SQLite's caches are outside Go's heap) and makes garbage
// at every page, so that under load it collected many times a second; with the floor a page
// took 3–19 % less CPU (README, performance). The floor is an allocation never written to: Go
// counts it as heap, and the system gives it no memory until it is. The usual way, a memory
// limit with a higher GOGC, would let each password hash's 64 MiB (see auth) grow the heap
// four times over, or, with a limit low enough to stop that, lower what the hashes may use.
// GOGC and GOMEMLIMIT, when set, decide instead.
func floorServeHeap() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	heapFloor.Lock()
	defer heapFloor.Unlock()
	if heapFloor.b == nil {
		heapFloor.b = make([]byte, serveHeapFloor)
	}
}

// liveHeap is the heap the last garbage collection found in use.
func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}
