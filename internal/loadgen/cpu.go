package loadgen

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// On a shared machine the raw PUT baseline and StoryDesk's intake compete
// for the same cores with the S3 server, the database and this tool, so a
// throughput ratio is also a statement about how those processes split the
// CPU. Accounting every process's CPU time during each phase (Linux /proc)
// shows where the time went and how far a ratio can rise at all here.

// userHZ is the unit of /proc/<pid>/stat times: USER_HZ, 100 on every Linux
// architecture Go supports (the kernel scales it for user space).
const userHZ = 100

// cpuSnapshot is the CPU time each live process has used so far.
type cpuSnapshot map[int]procTimes

type procTimes struct {
	name         string
	start        uint64 // start time in ticks since boot: tells a reused pid apart
	user, system uint64 // ticks
}

// ProcCPU is the CPU time that processes of one name used in a phase.
type ProcCPU struct {
	Name          string  `json:"name"`
	UserSeconds   float64 `json:"user_seconds"`
	SystemSeconds float64 `json:"system_seconds"`
}

// Seconds is user plus system time.
func (p ProcCPU) Seconds() float64 { return p.UserSeconds + p.SystemSeconds }

// PhaseCPU is what every process on the machine used during one phase.
type PhaseCPU struct {
	Elapsed time.Duration `json:"elapsed_ns"`
	CPUs    int           `json:"cpus"`
	Procs   []ProcCPU     `json:"procs"` // most CPU first
}

// Total is the CPU time of all processes together.
func (p PhaseCPU) Total() float64 {
	var t float64
	for _, x := range p.Procs {
		t += x.Seconds()
	}
	return t
}

// Of is the CPU time of the processes called name (0 if none ran).
func (p PhaseCPU) Of(name string) float64 {
	for _, x := range p.Procs {
		if x.Name == name {
			return x.Seconds()
		}
	}
	return 0
}

// Busy is the share of the machine's CPU the processes used (0–1).
func (p PhaseCPU) Busy() float64 {
	if p.Elapsed <= 0 || p.CPUs == 0 {
		return 0
	}
	return p.Total() / (p.Elapsed.Seconds() * float64(p.CPUs))
}

// SelfName is what this process is called in the accounting: the load tool
// is often the storydesk binary itself, and must not count as the server.
const SelfName = "storydesk bench"

func takeCPU(procDir string) (cpuSnapshot, error) {
	entries, err := os.ReadDir(procDir)
	if err != nil {
		return nil, fmt.Errorf("loadgen: cpu accounting: %w", err)
	}
	snap := cpuSnapshot{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(procDir, e.Name(), "stat"))
		if err != nil {
			continue // the process ended meanwhile
		}
		if t, ok := parseStat(string(b)); ok {
			snap[pid] = t
		}
	}
	if len(snap) == 0 {
		return nil, fmt.Errorf("loadgen: cpu accounting: no processes under %s", procDir)
	}
	return snap, nil
}

// parseStat reads name, utime, stime and starttime from /proc/<pid>/stat.
// The name is in parentheses and may itself hold spaces and parentheses.
func parseStat(s string) (procTimes, bool) {
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return procTimes{}, false
	}
	f := strings.Fields(s[end+1:])
	// Fields after the name: state is [0], utime [11], stime [12], starttime [19].
	if len(f) < 20 {
		return procTimes{}, false
	}
	u, err1 := strconv.ParseUint(f[11], 10, 64)
	sy, err2 := strconv.ParseUint(f[12], 10, 64)
	st, err3 := strconv.ParseUint(f[19], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return procTimes{}, false
	}
	return procTimes{name: s[open+1 : end], start: st, user: u, system: sy}, true
}

// since is the CPU each process name used from before to after. A process
// started in between counts from its start; one that ended in between is
// lost (the kernel keeps no record), which short-lived helpers make small.
func since(before, after cpuSnapshot, self int, elapsed time.Duration, cpus int) PhaseCPU {
	type acc struct{ user, system uint64 }
	by := map[string]*acc{}
	for pid, a := range after {
		b, ok := before[pid]
		if !ok || b.start != a.start {
			b = procTimes{}
		}
		name := a.name
		if pid == self {
			name = SelfName
		}
		x := by[name]
		if x == nil {
			x = &acc{}
			by[name] = x
		}
		x.user += a.user - min(b.user, a.user)
		x.system += a.system - min(b.system, a.system)
	}
	out := PhaseCPU{Elapsed: elapsed, CPUs: cpus}
	for name, x := range by {
		if x.user+x.system == 0 {
			continue
		}
		out.Procs = append(out.Procs, ProcCPU{Name: name,
			UserSeconds: float64(x.user) / userHZ, SystemSeconds: float64(x.system) / userHZ})
	}
	sort.Slice(out.Procs, func(i, j int) bool {
		if a, b := out.Procs[i].Seconds(), out.Procs[j].Seconds(); a != b {
			return a > b
		}
		return out.Procs[i].Name < out.Procs[j].Name
	})
	return out
}

// cpuMeter measures one phase; a nil meter measures nothing.
type cpuMeter struct {
	procDir string
	before  cpuSnapshot
	t0      time.Time
}

func startCPU(enabled bool) (*cpuMeter, error) {
	if !enabled {
		return nil, nil
	}
	m := &cpuMeter{procDir: "/proc", t0: time.Now()}
	var err error
	if m.before, err = takeCPU(m.procDir); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *cpuMeter) stop() (*PhaseCPU, error) {
	if m == nil {
		return nil, nil
	}
	after, err := takeCPU(m.procDir)
	if err != nil {
		return nil, err
	}
	p := since(m.before, after, os.Getpid(), time.Since(m.t0), runtime.NumCPU())
	return &p, nil
}
