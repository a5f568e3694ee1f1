package storetest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTicks is how many ticks a second /proc counts CPU time in (USER_HZ: 100 on Linux).
const clockTicks = 100

// PostgresCPU is the CPU time, user and system, that this test binary's PostgreSQL server has
// used so far: the postmaster, its backends still running, and those that have ended. A
// benchmark adds it to its own process's time to say what a request cost in all. It is 0
// where no server runs or /proc cannot be read (not Linux).
func PostgresCPU() time.Duration {
	if server.dir == "" {
		return 0
	}
	b, err := os.ReadFile(filepath.Join(server.dir, "data", "postmaster.pid"))
	if err != nil {
		return 0
	}
	postmaster, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		return 0
	}
	// The postmaster's own time and that of the children it has reaped (cutime, cstime).
	_, own, reaped, ok := procStat(postmaster)
	if !ok {
		return 0
	}
	ticks := own + reaped
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, dir := range procs {
		pid, err := strconv.Atoi(filepath.Base(dir))
		if err != nil {
			continue
		}
		if parent, t, _, ok := procStat(pid); ok && parent == postmaster {
			ticks += t
		}
	}
	return time.Duration(ticks) * time.Second / clockTicks
}

// procStat reads a process's parent, its CPU ticks (user and system) and those of its reaped
// children from /proc/pid/stat.
func procStat(pid int) (parent int, ticks, children int64, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, 0, false
	}
	// The command name, in parentheses, may hold spaces: the fields start after its end.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, 0, false
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3 (state)
	if len(f) < 15 {
		return 0, 0, 0, false
	}
	n := func(field int) int64 { v, _ := strconv.ParseInt(f[field-3], 10, 64); return v }
	return int(n(4)), n(14) + n(15), n(16) + n(17), true
}
