package loadtest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// CPU is the processor time (user and system) the processes pids and all their descendants
// have used so far, read from Linux's /proc; 0 elsewhere. Given a server's and a database's
// process ids, the difference across a run is what answering it cost, which a busy shared
// machine changes much less than it changes latencies. Descendants that have ended count too,
// through the time their parents took over when they ended (a database server's connection
// processes end when a pool lets a connection go).
func CPU(pids []int) time.Duration {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	parent := map[int]int{}
	ticks := map[int]int64{}
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // the process ended meanwhile
		}
		// The command name, in brackets, may hold spaces: the fields are after its last ')'.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(s[i+1:])
		if len(fields) < 15 {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
		ppid, _ := strconv.Atoi(fields[1])
		// utime, stime, and cutime, cstime: the process's own time and its ended children's.
		var t int64
		for _, field := range fields[11:15] {
			n, _ := strconv.ParseInt(field, 10, 64)
			t += n
		}
		parent[pid], ticks[pid] = ppid, t
	}
	counted := map[int]bool{}
	for _, p := range pids {
		counted[p] = true
	}
	var total int64
	for pid := range ticks {
		for p, hops := pid, 0; p > 1 && hops < 64; p, hops = parent[p], hops+1 {
			if counted[p] {
				total += ticks[pid]
				break
			}
		}
	}
	// Linux reports in clock ticks of 1/100 s (USER_HZ) on every architecture Go runs on.
	return time.Duration(total) * 10 * time.Millisecond
}
