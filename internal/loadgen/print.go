package loadgen

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
)

// Print writes the report as a table for people.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%d clients for %.1fs\n\n", r.Concurrency, r.Elapsed.Seconds())
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
