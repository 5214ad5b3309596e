package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchWords mixes English and Spanish so searches hit both languages.
var benchWords = strings.Fields(`family garden court hearing church work school border children
	mother father years city community lawyer visa dream familia jardín corte audiencia iglesia
	trabajo escuela frontera niños madre padre años ciudad comunidad abogado sueño esperanza`)

// seedBulk stores n submissions with multi-row INSERTs (the triggers and
// generated column index them as they go), a third of them with a file.
func seedBulk(tb testing.TB, s *Store, n int) {
	tb.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	sites := []string{"Austin", "El Paso", "Houston", "austin"}
	statuses := []Status{StatusReady, StatusReady, StatusReceived, StatusApproved, StatusRejected}
	const batch = 400
	for start := 0; start < n; start += batch {
		var (
			rows, files []string
			a, fa       args
		)
		for i := start; i < min(start+batch, n); i++ {
			id := newID()
			words := make([]string, 120)
			for j := range words {
				// Mostly rare words, some topic words: a search then
				// matches a realistic share of the pieces, not all.
				words[j] = fmt.Sprintf("w%d", rng.IntN(5000))
				if rng.IntN(10) == 0 {
					words[j] = benchWords[rng.IntN(len(benchWords))]
				}
			}
			body := strings.Join(words, " ")
			findings := "[]"
			if i%3 == 1 {
				findings = `[{"kind":"phone","start":0,"end":4,"label":"Phone number"}]`
			}
			at := micros(base.Add(time.Duration(i) * time.Minute))
			lang := "en"
			if i%2 == 1 {
				lang = "es"
			}
			vals := []any{id, "r-" + id, "story", string(statuses[i%len(statuses)]), fmt.Sprintf("Piece %d %s", i, benchWords[i%len(benchWords)]),
				body, lang, "client", sites[i%len(sites)], "pseudonym", findings, at, at}
			ph := make([]string, len(vals))
			for j, v := range vals {
				ph[j] = a.add(v)
			}
			rows = append(rows, "("+strings.Join(ph, ", ")+")")
			if i%3 == 0 {
				files = append(files, "("+fa.add(newID())+", "+fa.add(id)+", "+fa.add("obj/"+id)+", 'a.pdf', 'application/pdf', 1, 'ab', 0)")
			}
		}
		if _, err := s.db.ExecContext(ctx, `INSERT INTO submissions (id, receipt_hash, kind, status, title, body,
			language, author_role, site, consent_publish, findings, created_at, updated_at) VALUES `+strings.Join(rows, ", "), a...); err != nil {
			tb.Fatal(err)
		}
		if _, err := s.db.ExecContext(ctx, `INSERT INTO attachments (id, submission_id, object_key, filename, content_type, size, sha256, created_at)
			VALUES `+strings.Join(files, ", "), fa...); err != nil {
			tb.Fatal(err)
		}
	}
}

// settle does after the bulk load what a running PostgreSQL does on its own
// by then: autovacuum (off on the test server) vacuums and analyzes a table
// after this many inserts, which gives the planner row estimates and lets
// the queue's counts read the covering indexes without visiting the table.
// SQLite is left without statistics, as a deployment that never runs
// ANALYZE is: the queue's queries must plan well without them.
func settle(b *testing.B, s *Store) {
	b.Helper()
	if s.dialect != DialectPostgres {
		return
	}
	if _, err := s.db.ExecContext(context.Background(), `VACUUM ANALYZE submissions, attachments`); err != nil {
		b.Fatal(err)
	}
}

// queueRows is the size of the queue the target is set for: a campaign
// network's whole history, 100,000 submissions. STORYDESK_BENCH_QUEUE_ROWS
// makes it smaller, for the one quick pass of every benchmark in CI.
func queueRows(b *testing.B) int {
	n := 100_000
	if v := os.Getenv("STORYDESK_BENCH_QUEUE_ROWS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 100 {
			b.Fatalf("STORYDESK_BENCH_QUEUE_ROWS=%q: want a number of at least 100", v)
		}
	}
	return n
}

// BenchmarkQueue is the editors' queue over 100,000 submissions: one page
// with its per-status counts, as GET /desk asks for it. Besides the mean it
// reports the median and 95th percentile of the calls, which the target
// (p95 < 50 ms on both databases) is about.
func BenchmarkQueue(b *testing.B) {
	yes := true
	for _, d := range dialects {
		b.Run(d, func(b *testing.B) {
			s := setup(b, d)
			seedBulk(b, s, queueRows(b))
			settle(b, s)
			ctx := context.Background()
			filters := []struct {
				name string
				f    Filter
			}{
				{"default", Filter{}},
				{"filter", Filter{Status: []Status{StatusReady}, Site: "austin", Language: "es", HasFindings: &yes}},
				{"search", Filter{Query: "jardin"}},
				{"filter+search+page", Filter{Status: []Status{StatusReady}, Site: "AUSTIN", HasAttachments: &yes,
					Query: "court hear", Sort: SortOldest, Page: 3, PerPage: 25}},
			}
			for _, tt := range filters {
				b.Run(tt.name, func(b *testing.B) {
					var took []time.Duration
					for b.Loop() {
						t0 := time.Now()
						p, err := s.Queue(ctx, tt.f)
						took = append(took, time.Since(t0))
						if err != nil {
							b.Fatal(err)
						}
						if p.Total == 0 {
							b.Fatal("nothing matched: the benchmark would measure an empty result")
						}
					}
					reportPercentiles(b, took)
				})
			}
		})
	}
}

// reportPercentiles adds the median and 95th percentile of took, in ms.
func reportPercentiles(b *testing.B, took []time.Duration) {
	slices.Sort(took)
	at := func(q float64) float64 {
		return float64(took[int(q*float64(len(took)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
}
