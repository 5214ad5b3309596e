package e2e_test

import (
	"fmt"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/testenv"
)

// BenchmarkSubmitToReady measures one submission (text and a photo) through
// the API until the review job has made it ready, on each set-up: the
// embedded default (SQLite, in-process Redis and S3) and the real services
// (redis-server, the Versity gateway) with SQLite or PostgreSQL. It reports p50 and p99 of submit→ready latency and
// of the submit request alone.
func BenchmarkSubmitToReady(b *testing.B) {
	photo := testenv.JPEGWithGPS(b)
	for _, o := range []options{{db: "sqlite", embedded: true}, {db: "sqlite"}, {db: "postgres"}} {
		name := "real-" + o.db
		if o.embedded {
			name = "embedded-" + o.db
		}
		o.workers = true
		b.Run(name, func(b *testing.B) {
			bb := setup(b, o)
			fields := validFields()
			ready := make([]time.Duration, 0, b.N)
			submit := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				code, res := bb.submit(fields, file{"p.jpg", "image/jpeg", photo})
				if code != http.StatusCreated {
					b.Fatalf("submit: %d %v", code, res)
				}
				submit = append(submit, time.Since(start))
				bb.waitReady(res["id"].(string), 30*time.Second)
				ready = append(ready, time.Since(start))
			}
			b.StopTimer()
			report(b, "ready", ready)
			report(b, "submit", submit)
		})
	}
}

func report(b *testing.B, name string, d []time.Duration) {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	q := func(p float64) float64 {
		return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.50), fmt.Sprintf("%s-p50-ms", name))
	b.ReportMetric(q(0.99), fmt.Sprintf("%s-p99-ms", name))
}
