package embedded

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

func startRedis(t *testing.T) *Redis {
	t.Helper()
	r, err := StartRedis(t.Context())
	if err != nil {
		t.Fatalf("StartRedis: %v", err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return r
}

func TestRedisExpiresKeysInRealTime(t *testing.T) {
	r := startRedis(t)
	rdb := redis.NewClient(&redis.Options{Addr: r.Addr()})
	defer rdb.Close()
	ctx := t.Context()

	if err := rdb.Set(ctx, "lease", "x", time.Second).Err(); err != nil {
		t.Fatalf("SET: %v", err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		n, err := rdb.Exists(ctx, "lease").Result()
		if err != nil {
			t.Fatalf("EXISTS: %v", err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("key with a 1 s TTL still exists after 3 s: the clock does not advance")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestRedisCloseTwice(t *testing.T) {
	r, err := StartRedis(t.Context())
	if err != nil {
		t.Fatalf("StartRedis: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestAsynqOnEmbeddedRedis(t *testing.T) {
	r := startRedis(t)
	opt := asynq.RedisClientOpt{Addr: r.Addr()}
	client := asynq.NewClient(opt)
	defer client.Close()

	// Both enqueues happen before any server runs, so the first task is
	// certainly still pending when the second one collides with it.
	if _, err := client.Enqueue(asynq.NewTask("test:now", nil), asynq.TaskID("review:1")); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	_, err := client.Enqueue(asynq.NewTask("test:now", nil), asynq.TaskID("review:1"))
	if !errors.Is(err, asynq.ErrTaskIDConflict) {
		t.Fatalf("second Enqueue with the same TaskID: got %v, want ErrTaskIDConflict", err)
	}

	ran := make(chan string, 4)
	srv := asynq.NewServer(opt, asynq.Config{
		Concurrency:              2,
		TaskCheckInterval:        100 * time.Millisecond,
		DelayedTaskCheckInterval: 250 * time.Millisecond,
		LogLevel:                 asynq.WarnLevel,
	})
	handler := asynq.HandlerFunc(func(ctx context.Context, task *asynq.Task) error {
		ran <- task.Type()
		return nil
	})
	if err := srv.Start(handler); err != nil {
		t.Fatalf("server Start: %v", err)
	}
	defer srv.Shutdown()

	select {
	case typ := <-ran:
		if typ != "test:now" {
			t.Fatalf("ran %q, want test:now", typ)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("task not processed within 5 s")
	}

	start := time.Now()
	if _, err := client.Enqueue(asynq.NewTask("test:later", nil), asynq.ProcessIn(2*time.Second)); err != nil {
		t.Fatalf("Enqueue ProcessIn: %v", err)
	}
	select {
	case typ := <-ran:
		elapsed := time.Since(start)
		if typ != "test:later" {
			t.Fatalf("ran %q, want test:later", typ)
		}
		// asynq stores the due time in whole seconds, so it may run a little early.
		if elapsed < time.Second {
			t.Fatalf("delayed task ran after %v, want about 2 s", elapsed)
		}
		t.Logf("delayed task ran after %v", elapsed)
	case <-time.After(4500 * time.Millisecond):
		t.Fatal("task scheduled in 2 s not processed within 4.5 s")
	}
}
