package loadgen

import (
	"crypto/sha256"
	"math"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	// A name may hold spaces and parentheses; the fields after the last ")" count.
	line := "4242 (my (odd) name) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 3 0 98765 1000 50 18446744073709551615"
	got, ok := parseStat(line)
	if !ok || got.name != "my (odd) name" || got.user != 250 || got.system != 75 || got.start != 98765 {
		t.Fatalf("parseStat = %+v, %v", got, ok)
	}
	for _, bad := range []string{"", "12 noparen S 1", "12 (short) S 1 2 3", "12 (x) S 1 2 3 4 5 6 7 8 9 10 u s 0 0 0 0 0 0 0 st"} {
		if _, ok := parseStat(bad); ok {
			t.Errorf("parseStat(%q) accepted", bad)
		}
	}
}

func TestSince(t *testing.T) {
	before := cpuSnapshot{
		10: {name: "versitygw", start: 5, user: 100, system: 50},
		11: {name: "postgres", start: 6, user: 10, system: 10},
		12: {name: "postgres", start: 7, user: 500, system: 0}, // pid 12 is reused below
		13: {name: "storydesk", start: 8, user: 40, system: 0}, // the load tool itself
		14: {name: "gone", start: 9, user: 70, system: 0},      // ends during the phase
	}
	after := cpuSnapshot{
		10: {name: "versitygw", start: 5, user: 300, system: 150},
		11: {name: "postgres", start: 6, user: 60, system: 20},
		12: {name: "postgres", start: 99, user: 30, system: 0}, // new process, counted from its start
		13: {name: "storydesk", start: 8, user: 90, system: 10},
		15: {name: "storydesk", start: 50, user: 400, system: 100}, // the server, born in the phase
		16: {name: "idle", start: 3, user: 1, system: 1},
	}
	before[16] = after[16]
	p := since(before, after, 13, 2*time.Second, 2)
	want := map[string]float64{"storydesk": 5, "versitygw": 3, "postgres": 0.9, SelfName: 0.6}
	if len(p.Procs) != len(want) {
		t.Fatalf("procs %+v, want %v", p.Procs, want)
	}
	for name, sec := range want {
		if got := p.Of(name); math.Abs(got-sec) > 1e-9 {
			t.Errorf("%s: %.2f s, want %.2f", name, got, sec)
		}
	}
	if p.Procs[0].Name != "storydesk" || p.Procs[len(p.Procs)-1].Name != SelfName {
		t.Errorf("not busiest first: %+v", p.Procs)
	}
	if p.Total() != 9.5 || math.Abs(p.Busy()-9.5/4) > 1e-9 {
		t.Errorf("total %.2f, busy %.3f", p.Total(), p.Busy())
	}
}

func TestCeiling(t *testing.T) {
	mib := int64(1 << 20)
	run := &PhaseCPU{Procs: []ProcCPU{{Name: "storydesk", UserSeconds: 7}, {Name: "versitygw", UserSeconds: 5}, {Name: "postgres", SystemSeconds: 4}, {Name: SelfName, UserSeconds: 1}}}
	put := Summary{Bytes: 500 * mib, CPU: &PhaseCPU{Procs: []ProcCPU{{Name: "versitygw", UserSeconds: 2.5}, {Name: SelfName, UserSeconds: 0.5}}}}
	// Raw: 3 s per 500 MiB = 6 ms/MiB. Run without the server: 10 s per 1,000 MiB = 10 ms/MiB.
	if got := ceiling(run, "storydesk", Summary{Bytes: 1000 * mib}, put); math.Abs(got-0.6) > 1e-9 {
		t.Errorf("ceiling %.3f, want 0.600", got)
	}
	for name, c := range map[string]float64{
		"no run CPU":   ceiling(nil, "storydesk", Summary{Bytes: mib}, put),
		"no PUT CPU":   ceiling(run, "storydesk", Summary{Bytes: mib}, Summary{Bytes: mib}),
		"no server":    ceiling(run, "", Summary{Bytes: mib}, put),
		"no run bytes": ceiling(run, "storydesk", Summary{}, put),
	} {
		if c != 0 {
			t.Errorf("%s: ceiling %.3f, want 0", name, c)
		}
	}
	rep := &Report{CPU: run, Server: "storydesk", Ops: map[string]Summary{"submit": {Count: 1000, Bytes: 1000 * mib}},
		Baselines: map[string]Summary{"s3_put": {Count: 500, Bytes: 500 * mib, CPU: put.CPU}}}
	rep.Compare()
	if math.Abs(rep.Ratios["intake_ceiling_without_server_cpu"]-0.6) > 1e-9 {
		t.Errorf("Compare: %v", rep.Ratios)
	}
	var out strings.Builder
	rep.Print(&out)
	for _, s := range []string{"storydesk (server)", "7.00", "5.00", "all processes", "17.00", "6.00"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("printed report lacks %q:\n%s", s, out.String())
		}
	}
}

// TestCPUMeter measures this process burning CPU through the real /proc.
// The loop runs until the kernel's own account of this process (getrusage)
// has grown by 0.3 s of CPU, however long that takes on a busy machine, and
// the meter must report that same amount: nothing here depends on load.
func TestCPUMeter(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("CPU accounting reads Linux /proc")
	}
	before := processCPU(t)
	m, err := startCPU(true)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(nil)
	for processCPU(t)-before < 300*time.Millisecond {
		for range 1000 {
			sum = sha256.Sum256(sum[:])
		}
	}
	p, err := m.stop()
	if err != nil {
		t.Fatal(err)
	}
	burnt := (processCPU(t) - before).Seconds()
	// /proc counts in clock ticks (10 ms); allow two ticks either way.
	const tick = 0.02
	if self := p.Of(SelfName); self < 0.3-tick || self > burnt+tick {
		t.Errorf("this process used %.2f s of CPU; the meter says %.2f s: %+v", burnt, self, p.Procs)
	}
	if p.CPUs != runtime.NumCPU() || p.Elapsed <= 0 {
		t.Errorf("phase %+v", p)
	}
	if off, err := startCPU(false); off != nil || err != nil {
		t.Errorf("disabled meter: %v %v", off, err)
	}
	if _, err := takeCPU(t.TempDir()); err == nil {
		t.Error("an empty proc dir gave a snapshot")
	}
}

// processCPU is the user and system CPU this process has used, by the kernel.
func processCPU(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
