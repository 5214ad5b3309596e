package e2e_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/storydesk/storydesk/internal/loadgen"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/testenv"
	"github.com/storydesk/storydesk/workers"
)

// TestS3Down: with the S3 server stopped, intake answers 503 with a clear
// message and keeps nothing; an abandoned multipart upload is removed by the
// cleanup job.
func TestS3Down(t *testing.T) {
	t.Parallel()
	gw := testenv.StartS3Gateway(t)
	b := setup(t, options{db: "sqlite", workers: true, s3: &gw.S3})
	gw.Stop()
	// A photo (re-encoded to a temp file) and a small PDF (held in memory).
	for _, f := range []file{{"p.jpg", "image/jpeg", testenv.JPEGWithGPS(t)}, {"d.pdf", "application/pdf", testenv.MinimalPDF()}} {
		code, res := b.submit(validFields(), f)
		if code != http.StatusServiceUnavailable || !strings.Contains(res["error"].(string), "temporarily unavailable") {
			t.Fatalf("submit %s with S3 down: %d %v", f.name, code, res)
		}
	}
	if n := b.app.Intake.Spool().InMemory(); n != 0 {
		t.Errorf("%d bytes of uploads still held after the failed submissions", n)
	}
	ctx := context.Background()
	if total, _ := submissionCount(ctx, b.app.Store); total != 0 {
		t.Errorf("%d rows stored", total)
	}
	if rows, _ := b.app.Store.PendingOutbox(ctx, farFuture(), 10); len(rows) != 0 {
		t.Errorf("outbox rows: %v", rows)
	}
	if n := b.queued(); n != 0 {
		t.Errorf("%d tasks queued", n)
	}
	gw.Start()

	// A request that died mid-upload leaves parts behind; the cleanup job removes them.
	core, err := minio.NewCore(gw.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(gw.AccessKey, gw.SecretKey, ""), Region: gw.Region})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := core.NewMultipartUpload(ctx, b.app.Blob.Bucket(), "attachments/x/abandoned.jpg", minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := workers.NewCleanup(b.app.Blob, b.app.Log, 0).ProcessTask(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if n, err := b.app.Blob.AbortIncomplete(ctx, ""); err != nil || n != 0 {
		t.Errorf("%d incomplete uploads survived the cleanup job (%v)", n, err)
	}
	if code, res := b.submit(validFields()); code != http.StatusCreated {
		t.Errorf("after S3 returned: %d %v", code, res)
	}
}

// TestPostgresRestart: the app keeps working across a database restart
// without restarting itself.
func TestPostgresRestart(t *testing.T) {
	t.Parallel()
	pg := testenv.StartPostgresServer(t)
	b := setup(t, options{dbURL: pg.URL(), workers: true})
	code, res := b.submit(validFields())
	if code != http.StatusCreated {
		t.Fatalf("submit: %d %v", code, res)
	}
	b.waitStatus(res["id"].(string), "ready", 15*time.Second)
	pg.Restart()
	// The pool's old connections are dead; the first use may fail, the app must recover.
	var id string
	waitFor(t, 20*time.Second, "a submission to be accepted after the restart", func() (bool, any) {
		code, res := b.submit(validFields())
		if code == http.StatusCreated {
			id = res["id"].(string)
			return true, nil
		}
		return false, fmt.Sprint(code, res)
	})
	b.waitStatus(id, "ready", 20*time.Second)
}

// TestRedisDownBurst: a burst of concurrent submissions while Redis is down
// is all accepted and all reviewed exactly once after Redis returns.
func TestRedisDownBurst(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "postgres", workers: true})
	b.redis.Stop()
	const n = 40
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			code, res := b.submit(validFields())
			if code != http.StatusCreated {
				t.Errorf("submit %d: %d %v", i, code, res)
				return
			}
			ids[i] = res["id"].(string)
		}(i)
	}
	wg.Wait()
	b.redis.Start()
	ctx := context.Background()
	for _, id := range ids {
		if id == "" {
			continue
		}
		b.waitStatus(id, "ready", 90*time.Second)
		events, err := b.app.Store.Events(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c := countAction(events, "reviewed"); c != 1 {
			t.Errorf("%s reviewed %d times", id, c)
		}
	}
	if total, _ := submissionCount(ctx, b.app.Store); total != n {
		t.Errorf("%d rows, want %d", total, n)
	}
}

// TestManySubmitters: 200 concurrent clients for 60 s get no 5xx, and the
// count of 201 answers equals the rows and the stored objects.
//
// It is not parallel, so that its load and its figures are its own, and
// -short leaves it out.
func TestManySubmitters(t *testing.T) {
	if testing.Short() {
		t.Skip("a minute of load from 200 clients; run without -short")
	}
	b := setup(t, options{db: "postgres", workers: true})
	corpus, err := loadgen.NewCorpus(rand.New(rand.NewPCG(3, 4)), 2, 30<<10, 60<<10, loadgen.KindPhoto)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := loadgen.Run(context.Background(), loadgen.Config{
		BaseURL: b.url, Concurrency: 200, Duration: 60 * time.Second, SubmitWeight: 1,
		TextMin: 1 << 10, TextMax: 4 << 10, FilesMin: 0, FilesMax: 1, Corpus: corpus, Seed: 9,
	})
	if err != nil {
		t.Fatal(err)
	}
	sub := rep.Ops["submit"]
	for code, n := range sub.Status {
		if code != "201" {
			t.Errorf("%d answers with status %s", n, code)
		}
	}
	ctx := context.Background()
	total, err := submissionCount(ctx, b.app.Store)
	if err != nil || total != sub.Status["201"] {
		t.Errorf("%d rows for %d answers of 201 (%v)", total, sub.Status["201"], err)
	}
	keys, err := b.app.Blob.Keys(ctx, "attachments/")
	if err != nil || len(keys) != len(rep.Uploaded) {
		t.Errorf("%d objects for %d accepted photos (%v)", len(keys), len(rep.Uploaded), err)
	}
	t.Logf("%d submissions in 60 s (%.1f/s), p50 %.0f ms, p99 %.0f ms", sub.Count, sub.PerSecond, sub.P50Millis, sub.P99Millis)
}

// TestShutdownUnderLoad: SIGTERM (context cancellation) while clients are
// submitting loses no accepted submission.
func TestShutdownUnderLoad(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	corpus, err := loadgen.NewCorpus(rand.New(rand.NewPCG(5, 6)), 2, 20<<10, 40<<10, loadgen.KindPhoto)
	if err != nil {
		t.Fatal(err)
	}
	// Stop the server once some submissions are in, however long that takes
	// on this machine, then the clients (the duration is only a bound).
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		defer cancel()
		for ctx.Err() == nil {
			if n, err := submissionCount(ctx, b.app.Store); err == nil && n >= 3 {
				b.stop()
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	rep, err := loadgen.Run(ctx, loadgen.Config{
		BaseURL: b.url, Concurrency: 20, Duration: 2 * time.Minute, SubmitWeight: 1,
		TextMin: 1 << 10, TextMax: 4 << 10, FilesMin: 0, FilesMax: 1, Corpus: corpus, Seed: 11,
	})
	if err != nil {
		t.Fatal(err)
	}
	accepted := rep.Ops["submit"].Status["201"]
	if accepted == 0 {
		t.Fatal("nothing was accepted before the shutdown")
	}
	st, err := store.Open(context.Background(), b.env["STORYDESK_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if total, err := submissionCount(context.Background(), st); err != nil || total != accepted {
		t.Errorf("%d rows for %d accepted submissions (%v)", total, accepted, err)
	}
}
