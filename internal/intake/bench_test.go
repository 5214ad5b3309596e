package intake

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/loadgen"
	"github.com/storydesk/storydesk/internal/media"
	"github.com/storydesk/storydesk/internal/receipt"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
	"github.com/storydesk/storydesk/internal/testenv"
)

// BenchmarkIntake measures one 1 MiB submission (a story and a 1 MiB PDF)
// through the whole intake path against the real services — read the form
// (spooling the file), validate, sanitize, check the file, PUT it to S3,
// one SQL transaction, enqueue — and, in the same run, the validation and
// sanitizing of the same input alone. It reports two shares of the intake
// time: the CPU time of validating and sanitizing (sanitize-cpu-share-%), and
// the time the request actually spends on them (sanitize-path-share-%):
// validation and the short fields, plus any wait for the body's HTML, which
// is rendered while the file streams to S3. The target (under 5 %) is about
// the latter.
func BenchmarkIntake(b *testing.B) {
	for _, body := range []int{8 << 10, 60 << 10} {
		b.Run(fmt.Sprintf("body=%dKiB", body>>10), func(b *testing.B) {
			s := benchService(b)
			raw, boundary := benchForm(b, body, 1<<20)
			ctx := context.Background()
			var whole, clean, short time.Duration
			wait0 := s.bodyWait.Load()
			for b.Loop() {
				t0 := time.Now()
				in, err := ReadForm(multipart.NewReader(bytes.NewReader(raw), boundary), s.limits, s.spool)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.Submit(ctx, in, Idempotency{}); err != nil {
					b.Fatal(err)
				}
				whole += time.Since(t0)
				in.Close()

				// The same input again, validated and sanitized only.
				in, err = ReadForm(multipart.NewReader(bytes.NewReader(raw), boundary), s.limits, s.spool)
				if err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if verr := validate(in); verr != nil {
					b.Fatal(verr)
				}
				s.record(in)
				short += time.Since(t1)
				if _, err := s.san.Body(in.Body); err != nil {
					b.Fatal(err)
				}
				clean += time.Since(t1)
				in.Close()
			}
			wait := time.Duration(s.bodyWait.Load() - wait0)
			n := float64(b.N)
			b.ReportMetric(float64(whole.Microseconds())/n/1000, "intake-ms")
			b.ReportMetric(float64(clean.Microseconds())/n/1000, "sanitize+validate-ms")
			b.ReportMetric(100*float64(clean)/float64(whole), "sanitize-cpu-share-%")
			b.ReportMetric(100*float64(short+wait)/float64(whole), "sanitize-path-share-%")
		})
	}
}

func benchService(b *testing.B) *Service {
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
	bl := testenv.Bucket(b)
	// A private redis-server: the benchmark's review tasks die with it.
	q := asynq.NewClient(asynq.RedisClientOpt{Addr: testenv.StartRedisServer(b).Addr})
	b.Cleanup(func() { q.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := receipt.NewHasher(bytes.Repeat([]byte("k"), 32))
	if err != nil {
		b.Fatal(err)
	}
	return New(st, bl, task.NewDispatcher(q, st, log), sanitize.New(), h,
		Limits{MaxFiles: 5, MaxFileBytes: 20 << 20, MaxPixels: media.DefaultMaxPixels}, b.TempDir(), log, media.NewBudget(media.DefaultBudget))
}

// benchForm is a multipart body with a story of about bodyBytes of Markdown
// and one PDF of fileBytes.
func benchForm(b *testing.B, bodyBytes, fileBytes int) ([]byte, string) {
	b.Helper()
	return benchFormWith(b, bodyBytes, "statement.pdf", func(w io.Writer, rng *rand.Rand) error {
		return loadgen.WriteNoisyPDF(w, rng, fileBytes)
	})
}

// benchFormWith is benchForm with the attachment named name and written by
// file.
func benchFormWith(b *testing.B, bodyBytes int, name string, file func(io.Writer, *rand.Rand) error) ([]byte, string) {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("we came to this country with hope and our *children* my mother worked in the fields " +
		"the church helped us find a **lawyer** when the letter came we were afraid familia esperanza escuela")
	var story strings.Builder
	for story.Len() < bodyBytes {
		for range 60 {
			story.WriteString(words[rng.IntN(len(words))] + " ")
		}
		story.WriteString(".\n\n")
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"kind": "story", "title": "Our family in Austin", "body": story.String(),
		"language": "en", "author_name": "Maria Lopez", "author_role": "client", "site": "Austin",
		"consent_publish": "pseudonym", "pseudonym": "M."} {
		mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("attachments", name)
	if err != nil {
		b.Fatal(err)
	}
	if err := file(fw, rng); err != nil {
		b.Fatal(err)
	}
	mw.Close()
	return buf.Bytes(), mw.Boundary()
}
