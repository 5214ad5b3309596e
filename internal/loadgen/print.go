package loadgen

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"text/tabwriter"
)

// Print writes the report as a table for people.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%s for %.1fs\n\n", count(r.Concurrency, "client", "clients"), r.Elapsed.Seconds())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operation\tcount\terrors\tper s\tMiB/s\tp50 ms\tp95 ms\tp99 ms\tmax ms\t")
	row := func(name string, s Summary) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%.2f\t%.1f\t%.1f\t%.1f\t%.1f\t\n",
			name, s.Count, s.Errors, s.PerSecond, s.MiBPerSec, s.P50Millis, s.P95Millis, s.P99Millis, s.MaxMillis)
	}
	for _, name := range sortedKeys(r.Ops) {
		row(name, r.Ops[name])
	}
	for _, name := range sortedKeys(r.Baselines) {
		row("baseline "+name, r.Baselines[name])
	}
	tw.Flush()
	r.printCPU(w)
	if len(r.Ratios) > 0 {
		fmt.Fprintln(w)
		for _, name := range sortedKeys(r.Ratios) {
			fmt.Fprintf(w, "%-32s %.3f\n", name, r.Ratios[name])
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// printCPU shows the CPU each process used per operation in the run and in
// the S3 baseline, in milliseconds, busiest first.
func (r *Report) printCPU(w io.Writer) {
	put := r.Baselines["s3_put"]
	if r.CPU == nil && put.CPU == nil {
		return
	}
	type phase struct {
		title string
		cpu   *PhaseCPU
		ops   int
	}
	phases := []phase{{"run, per submit", r.CPU, r.Ops["submit"].Count}, {"raw PUT, per PUT", put.CPU, put.Count}}
	names := []string{}
	seen := map[string]bool{}
	for _, p := range phases {
		if p.cpu == nil {
			continue
		}
		for _, x := range p.cpu.Procs {
			if x.Seconds() >= 0.01*p.cpu.Total() && !seen[x.Name] {
				seen[x.Name] = true
				names = append(names, x.Name)
			}
		}
	}
	fmt.Fprintln(w, "\nCPU on this machine, ms per operation (user+system)")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "process\t")
	for _, p := range phases {
		fmt.Fprintf(tw, "%s\t", p.title)
	}
	fmt.Fprintln(tw)
	cell := func(p phase, sec float64) string {
		if p.cpu == nil || p.ops == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f", 1000*sec/float64(p.ops))
	}
	for _, name := range names {
		label := name
		if name == r.Server && r.CPU != nil {
			label += " (server)"
		}
		fmt.Fprintf(tw, "%s\t", label)
		for _, p := range phases {
			sec := 0.0
			if p.cpu != nil {
				sec = p.cpu.Of(name)
			}
			fmt.Fprintf(tw, "%s\t", cell(p, sec))
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprint(tw, "all processes\t")
	for _, p := range phases {
		total := 0.0
		if p.cpu != nil {
			total = p.cpu.Total()
		}
		fmt.Fprintf(tw, "%s\t", cell(p, total))
	}
	fmt.Fprintln(tw)
	fmt.Fprint(tw, "machine busy\t")
	for _, p := range phases {
		if p.cpu == nil {
			fmt.Fprint(tw, "-\t")
			continue
		}
		fmt.Fprintf(tw, "%.0f %% of %d CPUs\t", 100*p.cpu.Busy(), p.cpu.CPUs)
	}
	fmt.Fprintln(tw)
	tw.Flush()
}

// count says n things in English: "1 client", "2 clients", "0 errors".
func count(n int, one, other string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + other
}
