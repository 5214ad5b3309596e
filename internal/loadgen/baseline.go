package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/redis/go-redis/v9"
)

// S3Target is the S3 server StoryDesk stores attachments in.
type S3Target struct {
	Endpoint, AccessKey, SecretKey, Bucket, Region string
	TLS                                            bool
}

func (t S3Target) client() (*minio.Client, error) {
	cl, err := minio.New(t.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(t.AccessKey, t.SecretKey, ""), Secure: t.TLS, Region: t.Region})
	if err != nil {
		return nil, fmt.Errorf("loadgen: s3 baseline: %w", err)
	}
	return cl, nil
}

// Check fails unless the baseline's bucket can be reached, so a wrong
// endpoint, key or bucket name is reported before the run, not after it.
func (t S3Target) Check(ctx context.Context) error {
	cl, err := t.client()
	if err != nil {
		return err
	}
	ok, err := cl.BucketExists(ctx, t.Bucket)
	if err != nil {
		return fmt.Errorf("loadgen: s3 baseline: reach bucket %q at %s: %w", t.Bucket, t.Endpoint, err)
	}
	if !ok {
		return fmt.Errorf("loadgen: s3 baseline: bucket %q does not exist at %s (-s3-bucket names StoryDesk's bucket, STORYDESK_S3_BUCKET)", t.Bucket, t.Endpoint)
	}
	return nil
}

// BaselineS3 PUTs the same files the run uploaded, with minio-go as
// StoryDesk uses it, at the same concurrency: the rate StoryDesk's intake
// cannot beat on this machine.
func BaselineS3(ctx context.Context, t S3Target, c *Corpus, files []int, concurrency int, cpu bool) (Summary, error) {
	if len(files) == 0 {
		return Summary{}, fmt.Errorf("loadgen: s3 baseline: the run uploaded no files")
	}
	cl, err := t.client()
	if err != nil {
		return Summary{}, err
	}
	st := newStats()
	var (
		firstErr error
		errOnce  sync.Once
	)
	jobs := make(chan int)
	var wg sync.WaitGroup
	prefix := "loadgen-baseline/" + strconv.FormatInt(time.Now().UnixNano(), 36) + "/"
	meter, err := startCPU(cpu)
	if err != nil {
		return Summary{}, err
	}
	start := time.Now()
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				f := c.Files[files[i]]
				t0 := time.Now()
				_, err := cl.PutObject(ctx, t.Bucket, prefix+strconv.Itoa(i), bytes.NewReader(f.Data), int64(len(f.Data)),
					minio.PutObjectOptions{ContentType: f.ContentType, DisableContentSha256: true})
				st.record(time.Since(t0), 200, int64(len(f.Data)), err != nil)
				if err != nil {
					errOnce.Do(func() { firstErr = err })
				}
			}
		}()
	}
	for i := range files {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	sum := st.summary(time.Since(start))
	if sum.CPU, err = meter.stop(); err != nil {
		return sum, err
	}
	if firstErr != nil {
		// A ratio against failed PUTs would be meaningless: say why instead.
		return sum, fmt.Errorf("loadgen: s3 baseline: %d of %d PUTs failed, the first with: %w", sum.Errors, sum.Count, firstErr)
	}
	for o := range cl.ListObjects(ctx, t.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err == nil {
			cl.RemoveObject(ctx, t.Bucket, o.Key, minio.RemoveObjectOptions{})
		}
	}
	return sum, nil
}

// BaselineAsynq measures enqueue→handler on the same Redis with an idle
// worker polling as StoryDesk's does (every 10 ms), one task at a time: the
// floor under StoryDesk's submit→ready latency.
func BaselineAsynq(ctx context.Context, redisURL string, n int) (Summary, error) {
	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		return Summary{}, fmt.Errorf("loadgen: asynq baseline: %w", err)
	}
	conn := asynq.RedisClientOpt{Addr: opts.Addr, Username: opts.Username, Password: opts.Password, DB: opts.DB, TLSConfig: opts.TLSConfig}
	const queue = "loadgen-baseline"
	got := make(chan time.Time, 1)
	srv := asynq.NewServer(conn, asynq.Config{Concurrency: 1, Queues: map[string]int{queue: 1},
		TaskCheckInterval: 10 * time.Millisecond, LogLevel: asynq.ErrorLevel})
	if err := srv.Start(asynq.HandlerFunc(func(context.Context, *asynq.Task) error {
		got <- time.Now()
		return nil
	})); err != nil {
		return Summary{}, fmt.Errorf("loadgen: asynq baseline: %w", err)
	}
	defer srv.Shutdown()
	client := asynq.NewClient(conn)
	defer client.Close()
	st := newStats()
	start := time.Now()
	for i := 0; i < n && ctx.Err() == nil; i++ {
		// Let the worker go idle first, as StoryDesk's review worker is between submissions.
		time.Sleep(15 * time.Millisecond)
		t0 := time.Now()
		if _, err := client.EnqueueContext(ctx, asynq.NewTask("loadgen:ping", nil), asynq.Queue(queue)); err != nil {
			st.record(time.Since(t0), 0, 0, true)
			continue
		}
		select {
		case at := <-got:
			st.record(at.Sub(t0), 200, 0, false)
		case <-time.After(10 * time.Second):
			st.record(time.Since(t0), 0, 0, true)
		}
	}
	return st.summary(time.Since(start)), nil
}

// Compare fills the report's ratios from its operations and baselines.
func (r *Report) Compare() {
	r.Ratios = map[string]float64{}
	if s, b := r.Ops["submit"], r.Baselines["s3_put"]; s.MiBPerSec > 0 && b.MiBPerSec > 0 {
		// Attachment bytes accepted per second by StoryDesk ÷ raw PUT bytes per second.
		r.Ratios["intake_vs_s3_put_throughput"] = s.MiBPerSec / b.MiBPerSec
	}
	if s, b := r.Ops["submit_to_ready"], r.Baselines["asynq_round_trip"]; s.P50Millis > 0 && b.P50Millis > 0 {
		r.Ratios["ready_p50_vs_asynq_p50"] = s.P50Millis / b.P50Millis
		r.Ratios["ready_p99_vs_asynq_p99"] = s.P99Millis / b.P99Millis
	}
	if c := ceiling(r.CPU, r.Server, r.Ops["submit"], r.Baselines["s3_put"]); c > 0 {
		r.Ratios["intake_ceiling_without_server_cpu"] = c
	}
}

// ceiling is the intake ratio this machine could reach if StoryDesk's server
// used no CPU at all, when both phases are bound by CPU: the raw PUT's CPU
// per MiB (every process: client, S3 server) over the run's CPU per MiB
// without the server's (client, S3 server, database, Redis, the rest). A
// ceiling below a target means no change to StoryDesk alone can meet it
// here. 0 when either phase was not measured.
func ceiling(run *PhaseCPU, server string, submit, put Summary) float64 {
	if run == nil || put.CPU == nil || server == "" || submit.Bytes == 0 || put.Bytes == 0 {
		return 0
	}
	others := (run.Total() - run.Of(server)) / float64(submit.Bytes)
	raw := put.CPU.Total() / float64(put.Bytes)
	if others <= 0 {
		return 0
	}
	return raw / others
}
