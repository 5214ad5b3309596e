package e2e_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/loadgen"
)

// TestLoadgen runs the load tool briefly against a real StoryDesk with its
// baselines, and checks the books balance: every 201 is one row and its
// photos are objects in S3.
func TestLoadgen(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "postgres", workers: true})
	ctx := context.Background()
	corpus, err := loadgen.NewCorpus(rand.New(rand.NewPCG(1, 2)), 3, 20<<10, 200<<10, loadgen.KindMixed)
	if err != nil {
		t.Fatal(err)
	}
	var progress strings.Builder
	rep, err := loadgen.Run(ctx, loadgen.Config{
		BaseURL: b.url, Token: b.token, Concurrency: 4, Duration: 3 * time.Second,
		SubmitWeight: 3, QueueWeight: 1, TextMin: 1 << 10, TextMax: 8 << 10, FilesMin: 0, FilesMax: 2,
		Corpus: corpus, ReadySample: 2, Seed: 7, Progress: &progress, CPU: true, ServerName: "storydesk",
	})
	if err != nil {
		t.Fatal(err)
	}
	sub, q, ready := rep.Ops["submit"], rep.Ops["queue"], rep.Ops["submit_to_ready"]
	if sub.Count == 0 || q.Count == 0 || ready.Count == 0 {
		t.Fatalf("operations missing: %+v", rep.Ops)
	}
	if sub.Errors+q.Errors+ready.Errors != 0 {
		t.Errorf("errors: %+v", rep.Ops)
	}
	if !strings.Contains(progress.String(), "submit ") {
		t.Errorf("no progress line: %q", progress.String())
	}
	s3 := b.env
	target := loadgen.S3Target{
		Endpoint: s3["STORYDESK_S3_ENDPOINT"], AccessKey: s3["STORYDESK_S3_ACCESS_KEY"], SecretKey: s3["STORYDESK_S3_SECRET_KEY"],
		Bucket: s3["STORYDESK_S3_BUCKET"], Region: s3["STORYDESK_S3_REGION"]}
	if err := target.Check(ctx); err != nil {
		t.Fatalf("check of the real bucket: %v", err)
	}
	// A wrong bucket is refused before a run, and a baseline of failed PUTs
	// is an error, not a ratio.
	missing := target
	missing.Bucket = "no-such-bucket-" + strings.ToLower(t.Name())
	if err := missing.Check(ctx); err == nil || !strings.Contains(err.Error(), missing.Bucket) {
		t.Errorf("check of a missing bucket: %v", err)
	}
	if _, err := loadgen.BaselineS3(ctx, missing, corpus, rep.Uploaded, 4, false); err == nil || !strings.Contains(err.Error(), "PUTs failed") {
		t.Errorf("baseline into a missing bucket: %v", err)
	}
	rep.Baselines = map[string]loadgen.Summary{}
	rep.Baselines["s3_put"], err = loadgen.BaselineS3(ctx, target, corpus, rep.Uploaded, 4, true)
	if err != nil {
		t.Fatal(err)
	}
	// The server runs inside this test process, so its CPU is the load
	// tool's here; the S3 gateway is a process of its own in both phases.
	for phase, cpu := range map[string]*loadgen.PhaseCPU{"run": rep.CPU, "s3_put": rep.Baselines["s3_put"].CPU} {
		if cpu == nil || cpu.Of(loadgen.SelfName) <= 0 || cpu.Total() <= cpu.Of(loadgen.SelfName) {
			t.Errorf("%s: CPU by process %+v", phase, cpu)
		}
	}
	rep.Baselines["asynq_round_trip"], err = loadgen.BaselineAsynq(ctx, b.redis.URL(), 20)
	if err != nil {
		t.Fatal(err)
	}
	rep.Compare()
	for _, k := range []string{"intake_vs_s3_put_throughput", "ready_p50_vs_asynq_p50", "intake_ceiling_without_server_cpu"} {
		if rep.Ratios[k] <= 0 {
			t.Errorf("ratio %s missing: %v", k, rep.Ratios)
		}
	}
	var out strings.Builder
	rep.Print(&out)
	t.Log("\n" + out.String())

	total, err := submissionCount(ctx, b.app.Store)
	if err != nil || total != sub.Count {
		t.Errorf("%d rows for %d accepted submissions (%v)", total, sub.Count, err)
	}
	keys, err := b.app.Blob.Keys(ctx, "attachments/")
	if err != nil || len(keys) != len(rep.Uploaded) {
		t.Errorf("%d objects for %d uploaded photos (%v)", len(keys), len(rep.Uploaded), err)
	}
}
