package store

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"
)

// perRowOptimize is the delete trigger before migration 00009: it merged
// the whole search index on every deleted row.
const perRowOptimize = `CREATE TRIGGER submissions_search_delete AFTER DELETE ON submissions BEGIN
    DELETE FROM submission_search WHERE rowid = (SELECT doc FROM submission_search_docs WHERE submission_id = old.id);
    DELETE FROM submission_search_docs WHERE submission_id = old.id;
    INSERT INTO submission_search (submission_search) VALUES ('optimize');
END`

// BenchmarkPurgeBatch is the retention job's deletion of 100 submissions
// out of 10,000 in one run: "per-row" merges the search index in the
// delete trigger, as before migration 00009; "per-batch" is today's
// trigger plus one CompactSearch after the batch. ns/deletion is the cost
// of one deletion within the batch.
func BenchmarkPurgeBatch(b *testing.B) {
	const batch = 100
	total := purgeRows(b)
	cases := []struct {
		name, dialect string
		perRow        bool
	}{
		{"sqlite/per-row", DialectSQLite, true},
		{"sqlite/per-batch", DialectSQLite, false},
		{"postgres/per-batch", DialectPostgres, false},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			s := setup(b, tc.dialect)
			seedBulk(b, s, total)
			if tc.perRow {
				for _, q := range []string{`DROP TRIGGER submissions_search_delete`, perRowOptimize} {
					if _, err := s.db.ExecContext(ctx, q); err != nil {
						b.Fatal(err)
					}
				}
			}
			later := time.Now().Add(time.Hour)
			due := RetentionCutoffs{ClosedBefore: later, UnreviewedBefore: later, ContactBefore: later}
			// Start from a compact index, as after the previous run.
			if err := s.CompactSearch(ctx); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				ids, err := s.ids(ctx, `SELECT id FROM submissions WHERE status IN ('received', 'ready', 'rejected')
					ORDER BY random() LIMIT 100`)
				if err != nil || len(ids) != batch {
					b.Fatalf("pick %d due: got %d, %v", batch, len(ids), err)
				}
				b.StartTimer()
				for _, id := range ids {
					if _, err := s.PurgeSubmission(ctx, id, due, revokeTask); err != nil {
						b.Fatal(err)
					}
				}
				if !tc.perRow {
					if err := s.CompactSearch(ctx); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				seedBulk(b, s, batch) // back to total
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/deletion")
		})
	}
}

// purgeRows is how many submissions the purge runs among: 10,000, or
// STORYDESK_BENCH_PURGE_ROWS for CI's one quick pass, which only keeps the
// benchmark from rotting (per-row compaction merges the whole index on
// every deletion, so its cost grows with the rows: 109 s at 10,000 in CI).
func purgeRows(b *testing.B) int {
	n := 10_000
	if v := os.Getenv("STORYDESK_BENCH_PURGE_ROWS"); v != "" {
		var err error
		// The batch is drawn from the received, ready and rejected rows,
		// three in five of the seeded ones.
		if n, err = strconv.Atoi(v); err != nil || n < 500 {
			b.Fatalf("STORYDESK_BENCH_PURGE_ROWS=%q: want a number of at least 500", v)
		}
	}
	return n
}
