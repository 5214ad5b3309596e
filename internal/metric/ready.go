package metric

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

var readyDesc = prometheus.NewDesc("storydesk_ready",
	"1 when this process reaches the service (database, redis, s3) at scrape time, else 0: what GET /readyz checks.", []string{"service"}, nil)

// Probe is one service /readyz checks.
type Probe struct {
	Name string
	Ping func(context.Context) error
}

// Readiness pings each service at scrape time, at once, each with its own
// short deadline, so the alert on a failing readiness needs no HTTP probe.
type Readiness struct{ probes []Probe }

// NewReadiness returns the collector of probes.
func NewReadiness(probes ...Probe) *Readiness { return &Readiness{probes: probes} }

// Describe implements prometheus.Collector.
func (r *Readiness) Describe(ch chan<- *prometheus.Desc) { ch <- readyDesc }

// Collect implements prometheus.Collector.
func (r *Readiness) Collect(ch chan<- prometheus.Metric) {
	up := make([]float64, len(r.probes))
	var wg sync.WaitGroup
	for i, p := range r.probes {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			if p.Ping(ctx) == nil {
				up[i] = 1
			}
		})
	}
	wg.Wait()
	for i, p := range r.probes {
		ch <- prometheus.MustNewConstMetric(readyDesc, prometheus.GaugeValue, up[i], p.Name)
	}
}
