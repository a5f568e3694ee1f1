package auth

import (
	"bufio"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// AvailableMemory is how much memory the process may still use, in bytes, as far as it can
// tell: the system's available memory (MemAvailable in /proc/meminfo), lowered by a cgroup
// memory limit (a container's) and by GOMEMLIMIT when they are set. 0 when nothing says.
func AvailableMemory() uint64 {
	avail := meminfo("MemAvailable")
	lower := func(limit uint64) {
		if limit > 0 && (avail == 0 || limit < avail) {
			avail = limit
		}
	}
	// cgroup v2, then v1; "max" and absurdly large values mean no limit.
	if limit, ok := readUint("/sys/fs/cgroup/memory.max"); ok && limit < 1<<60 {
		used, _ := readUint("/sys/fs/cgroup/memory.current")
		lower(limit - min(used, limit))
	} else if limit, ok := readUint("/sys/fs/cgroup/memory/memory.limit_in_bytes"); ok && limit < 1<<60 {
		used, _ := readUint("/sys/fs/cgroup/memory/memory.usage_in_bytes")
		lower(limit - min(used, limit))
	}
	if limit := debug.SetMemoryLimit(-1); limit > 0 && limit < math.MaxInt64 {
		lower(uint64(limit))
	}
	return avail
}

// meminfo returns a field of /proc/meminfo in bytes, 0 when it cannot be read.
func meminfo(field string) uint64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		if err != nil {
			return 0
		}
		return kb * 1024
	}
	return 0
}

func readUint(path string) (uint64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	return n, err == nil
}
