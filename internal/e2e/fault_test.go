package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hibiken/asynq"
)

// TestRedisDownAtSubmit: with Redis stopped, submissions are still accepted;
// once Redis is back the reconciler enqueues them and each is reviewed once.
func TestRedisDownAtSubmit(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "postgres", workers: true})
	b.redis.Stop()
	var ids []string
	for i := 0; i < 3; i++ {
		code, res := b.submit(validFields())
		if code != http.StatusCreated {
			t.Fatalf("submit with Redis down: %d %v", code, res)
		}
		ids = append(ids, res["id"].(string))
	}
	// Each submission's enqueue was tried, and failed, before its 201; the
	// outbox reconciler is the only other way to the queue. Once it has
	// tried too (and failed, Redis being down), nothing can move them on.
	waitFor(t, 20*time.Second, "the reconciler to try while Redis is down", func() (bool, any) {
		return strings.Contains(b.logs.String(), `"msg":"reconcile outbox"`), "no failed reconcile logged yet"
	})
	for _, id := range ids {
		if _, rec := b.get("/api/v1/submissions/" + id); rec["status"] != "received" {
			t.Fatalf("%s: %v before Redis returned", id, rec["status"])
		}
	}
	b.redis.Start()
	for _, id := range ids {
		b.waitStatus(id, "ready", 60*time.Second)
		events, err := b.app.Store.Events(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if n := countAction(events, "reviewed"); n != 1 {
			t.Errorf("%s: %d reviews, want 1", id, n)
		}
	}
}

// TestWorkerKilledMidJob runs the worker as its own process, kills it with
// SIGKILL while it holds the review task, and starts another: the task is
// recovered and exactly one review is recorded.
func TestWorkerKilledMidJob(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("takes about 90 s: asynq recovers a task once its lease has expired")
	}
	bin := buildBinary(t)
	b := setup(t, options{db: "sqlite"})
	worker := func(pause string) *exec.Cmd {
		cmd := exec.Command(bin, "worker")
		cmd.Env = append(os.Environ(), "STORYDESK_TEST_REVIEW_PAUSE="+pause, "STORYDESK_LOG_FORMAT=json")
		for k, v := range b.env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	first := worker("1h")
	code, res := b.submit(validFields())
	if code != http.StatusCreated {
		t.Fatalf("submit: %d %v", code, res)
	}
	id := res["id"].(string)
	in := asynq.NewInspector(b.app.RedisOpt)
	defer in.Close()
	waitFor(t, 20*time.Second, "the worker to take the task", func() (bool, any) {
		info, err := in.GetQueueInfo("default")
		if err != nil {
			return false, err
		}
		return info.Active == 1, fmt.Sprintf("%d active, %d pending", info.Active, info.Pending)
	})
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()

	second := worker("0s")
	defer func() { second.Process.Signal(syscall.SIGTERM); second.Wait() }()
	b.waitStatus(id, "ready", 150*time.Second)
	events, err := b.app.Store.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if n := countAction(events, "reviewed"); n != 1 {
		t.Errorf("%d reviews recorded, want exactly 1", n)
	}
}
