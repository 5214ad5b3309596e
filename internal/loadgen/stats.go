// Package loadgen drives a running StoryDesk over HTTP with realistic
// traffic and measures, in the same run, the baselines that bound it on that
// machine: raw S3 PUTs of the same bytes and a raw asynq round trip on the
// same Redis. StoryDesk's figures are reported as ratios of those baselines,
// because absolute times on a shared machine drift.
package loadgen

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// Stats collects the outcomes of one kind of operation.
type Stats struct {
	mu        sync.Mutex
	latencies []time.Duration
	errors    int
	status    map[int]int
	bytes     int64
}

func newStats() *Stats { return &Stats{status: map[int]int{}} }

func (s *Stats) record(d time.Duration, status int, bytes int64, failed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latencies = append(s.latencies, d)
	s.status[status]++
	s.bytes += bytes
	if failed {
		s.errors++
	}
}

// Summary is what one operation's run came to.
type Summary struct {
	Count      int            `json:"count"`
	Errors     int            `json:"errors"`
	Status     map[string]int `json:"status"`
	PerSecond  float64        `json:"per_second"`
	MiBPerSec  float64        `json:"mib_per_second,omitempty"`
	P50Millis  float64        `json:"p50_ms"`
	P95Millis  float64        `json:"p95_ms"`
	P99Millis  float64        `json:"p99_ms"`
	MaxMillis  float64        `json:"max_ms"`
	MeanMillis float64        `json:"mean_ms"`
	Bytes      int64          `json:"bytes,omitempty"` // attachment bytes sent
	// CPU is what every process on this machine used meanwhile (a baseline
	// run with -cpu).
	CPU *PhaseCPU `json:"cpu,omitempty"`
}

func (s *Stats) summary(elapsed time.Duration) Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Summary{Count: len(s.latencies), Errors: s.errors, Status: map[string]int{}, Bytes: s.bytes}
	for code, n := range s.status {
		out.Status[fmt.Sprint(code)] = n
	}
	if len(s.latencies) == 0 {
		return out
	}
	d := append([]time.Duration(nil), s.latencies...)
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	ms := func(x time.Duration) float64 { return float64(x.Microseconds()) / 1000 }
	q := func(p float64) float64 { return ms(d[int(p*float64(len(d)-1))]) }
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	out.P50Millis, out.P95Millis, out.P99Millis, out.MaxMillis = q(.50), q(.95), q(.99), ms(d[len(d)-1])
	out.MeanMillis = ms(sum / time.Duration(len(d)))
	if secs := elapsed.Seconds(); secs > 0 {
		out.PerSecond = float64(len(d)) / secs
		out.MiBPerSec = float64(s.bytes) / (1 << 20) / secs
	}
	return out
}

// count is the number of operations so far, for the progress line.
func (s *Stats) count() (n, errs int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.latencies), s.errors
}
