package export_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/export"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/testenv"
)

// BenchmarkExport writes archives of 1,000 and 10,000 pieces and reports
// the peak heap in use while writing: it must stay flat as pieces grow,
// because pieces are read in batches and streamed into the ZIP, whose
// central directory is spooled to disk. When both sizes ran, it fails if
// the larger one's peak is more than flatSlack above the smaller one's.
//
// STORYDESK_BENCH_EXPORT_PIECES=SMALL,BIG changes the two sizes: CI's one
// pass, which only keeps the benchmark from rotting, uses smaller ones.
func BenchmarkExport(b *testing.B) {
	const flatSlack = 2 << 20
	small, big := 1_000, 10_000
	if v := os.Getenv("STORYDESK_BENCH_EXPORT_PIECES"); v != "" {
		s, l, _ := strings.Cut(v, ",")
		var err1, err2 error
		small, err1 = strconv.Atoi(s)
		big, err2 = strconv.Atoi(l)
		if err1 != nil || err2 != nil || small < 1 || big <= small {
			b.Fatalf("STORYDESK_BENCH_EXPORT_PIECES=%q: want SMALL,BIG with 0 < SMALL < BIG", v)
		}
	}
	peaks := map[int]uint64{}
	for _, n := range []int{small, big} {
		b.Run(fmt.Sprintf("pieces=%d", n), func(b *testing.B) {
			st, bl := seed(b, n)
			w := export.New(st, bl, b.TempDir())
			f := store.ExportFilter{Status: []store.Status{store.StatusReceived}}
			var peak uint64
			b.ResetTimer()
			for range b.N {
				runtime.GC()
				stop := sampleHeap(&peak)
				count, err := w.Write(context.Background(), io.Discard, f, nil)
				stop()
				if err != nil || count != n {
					b.Fatalf("wrote %d pieces, %v", count, err)
				}
			}
			peaks[n] = peak
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/piece")
		})
	}
	if lo, hi := peaks[small], peaks[big]; lo > 0 && hi > lo+flatSlack {
		b.Errorf("peak heap %.1f MiB at %d pieces vs %.1f MiB at %d: memory grows with the number of pieces",
			float64(hi)/(1<<20), big, float64(lo)/(1<<20), small)
	}
}

// sampleHeap records the highest HeapInuse until stop is called.
func sampleHeap(peak *uint64) (stop func()) {
	var (
		done = make(chan struct{})
		wg   sync.WaitGroup
		max  atomic.Uint64
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > max.Load() {
				max.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		if m := max.Load(); m > *peak {
			*peak = m
		}
	}
}

// seed makes a SQLite store with n pieces, every second one with an
// approved Spanish translation (no attachments: the archive's own memory is
// measured, not S3's), and a bucket on the test S3 server.
func seed(b *testing.B, n int) (*store.Store, *blob.Store) {
	b.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite://"+b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	body := "We came in 2015.\n\nWe built a life here, and our children go to school in Austin. " +
		"Every morning we wonder whether today is the day a knock on the door changes everything."
	for i := range n {
		sub := &store.Submission{ReceiptHash: fmt.Sprintf("r-%d", i), Kind: "story", Title: fmt.Sprintf("Piece %d", i),
			Body: body, BodyHTML: "<p>" + body + "</p>", Language: "en", AuthorName: "Ana", ConsentPublish: "pseudonym",
			Pseudonym: "A.", WordCount: 30}
		if err := st.CreateSubmission(ctx, sub, nil, nil); err != nil {
			b.Fatal(err)
		}
		if i%2 == 0 {
			translate(b, st, sub.ID, "es", "Llegamos en 2015.\n\nConstruimos una vida aquí.", store.ApprovedByAuthor)
		}
	}
	bl := testenv.Bucket(b)
	return st, bl
}

// translate gives submission id an approved translation into lang, approved
// by approvedBy (store.ApprovedByAuthor or an editor's id) with reason.
func translate(tb testing.TB, st *store.Store, id, lang, body, approvedBy string) {
	tb.Helper()
	ctx := context.Background()
	rev := store.Revision{Title: "Pieza " + id, Body: body, BodyHTML: "<p>" + body + "</p>", AuthorName: "T"}
	if _, _, err := st.CreateTranslation(ctx, store.Translation{SubmissionID: id, Language: lang}, rev, store.Event{Action: "translation_created"}, nil); err != nil {
		tb.Fatal(err)
	}
	m := store.TranslationMove{From: []store.TranslationStatus{store.TranslationDraft}, To: store.TranslationApproved,
		ApprovedBy: approvedBy, Event: store.Event{Action: "translation_approved"}}
	if approvedBy != store.ApprovedByAuthor {
		m.ApprovalReason = "The author is unreachable."
	}
	if _, err := st.MoveTranslation(ctx, id, lang, m); err != nil {
		tb.Fatal(err)
	}
}
