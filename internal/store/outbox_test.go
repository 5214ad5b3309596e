package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestOutboxLifecycle(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		t0 := time.Now().UTC()
		old := OutboxTask{TaskType: "export:run", TaskID: "export:1", Payload: []byte(`{"id":"1"}`), CreatedAt: t0.Add(-10 * time.Minute)}
		fresh := OutboxTask{TaskType: "export:run", TaskID: "export:2", Payload: []byte(`{"id":"2"}`), CreatedAt: t0}
		if err := s.AddOutbox(ctx, old, fresh); err != nil {
			t.Fatal(err)
		}
		// Adding the same TaskID again is a no-op.
		if err := s.AddOutbox(ctx, OutboxTask{TaskType: "other", TaskID: "export:1", Payload: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
		pendingIDs := func(olderThan time.Time) []string {
			t.Helper()
			tasks, err := s.PendingOutbox(ctx, olderThan, 10)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, task := range tasks {
				ids = append(ids, task.TaskID)
			}
			return ids
		}
		cut := t0.Add(-time.Minute)
		if got := pendingIDs(cut); len(got) != 1 || got[0] != "export:1" {
			t.Fatalf("pending = %v, want [export:1] (the fresh one is still being enqueued by its request)", got)
		}
		tasks, _ := s.PendingOutbox(ctx, cut, 10)
		if tasks[0].TaskType != "export:run" || string(tasks[0].Payload) != `{"id":"1"}` || tasks[0].Attempts != 0 {
			t.Errorf("task = %+v, want the first one unchanged", tasks[0])
		}

		if err := s.MarkEnqueued(ctx, "export:1"); err != nil {
			t.Fatal(err)
		}
		if got := pendingIDs(cut); len(got) != 0 {
			t.Errorf("pending after enqueue = %v, want none", got)
		}
		// Later, still not done: Redis may have lost it, so it comes back.
		later := time.Now().Add(time.Minute)
		if got := pendingIDs(later); len(got) != 2 {
			t.Errorf("pending later = %v, want both", got)
		}
		if err := s.MarkEnqueued(ctx, "export:1"); err != nil {
			t.Fatal(err)
		}
		tasks, _ = s.PendingOutbox(ctx, later, 1)
		if len(tasks) != 1 || tasks[0].Attempts != 2 || tasks[0].EnqueuedAt.IsZero() {
			t.Errorf("limit 1 = %+v, want export:1 with 2 attempts", tasks)
		}

		if err := s.MarkDone(ctx, "export:1"); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkDone(ctx, "export:1"); err != nil {
			t.Errorf("MarkDone twice: %v", err)
		}
		if got := pendingIDs(later); len(got) != 1 || got[0] != "export:2" {
			t.Errorf("pending after done = %v, want [export:2]", got)
		}
		if err := s.MarkDone(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("MarkDone unknown: err = %v, want ErrNotFound", err)
		}
		if err := s.MarkEnqueued(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("MarkEnqueued unknown: err = %v, want ErrNotFound", err)
		}
	})
}
