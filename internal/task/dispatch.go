package task

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/store"
)

// Dispatcher moves outbox rows onto the asynq queue.
type Dispatcher struct {
	client *asynq.Client
	store  *store.Store
	log    *slog.Logger
}

// NewDispatcher returns a Dispatcher; the caller owns client.
func NewDispatcher(client *asynq.Client, st *store.Store, log *slog.Logger) *Dispatcher {
	return &Dispatcher{client: client, store: st, log: log}
}

// enqueueTimeout bounds how long a submitter waits on a Redis that is down:
// the submission is already committed and the reconciler will catch up.
const enqueueTimeout = 2 * time.Second

// Dispatch enqueues each task and records that the queue has it. It returns
// the first error but tries every task.
func (d *Dispatcher) Dispatch(ctx context.Context, tasks ...store.OutboxTask) error {
	var errs []error
	for _, t := range tasks {
		if err := d.enqueue(ctx, t); err != nil {
			errs = append(errs, err)
			continue
		}
		if err := d.store.MarkEnqueued(ctx, t.TaskID); err != nil {
			errs = append(errs, fmt.Errorf("task: mark %s enqueued: %w", t.TaskID, err))
		}
	}
	return errors.Join(errs...)
}

// AfterCommit enqueues tasks whose outbox rows were just committed. A
// failure is only logged: what is committed is accepted, and the
// reconciler enqueues the rows once Redis answers.
//
// Unlike Dispatch it does not record the enqueue: the row was created
// milliseconds ago, and the reconciler waits as long after a row's creation
// as after its last enqueue, so the record would change nothing but cost a
// write and a commit per task (a third of a submission's commits).
// The outbox's attempts therefore count the reconciler's enqueues.
func (d *Dispatcher) AfterCommit(ctx context.Context, tasks ...store.OutboxTask) {
	for _, t := range tasks {
		if err := d.enqueue(ctx, t); err != nil {
			d.log.Warn("task not enqueued; the reconciler will retry", "err", err)
		}
	}
}

func (d *Dispatcher) enqueue(ctx context.Context, t store.OutboxTask) error {
	ctx, cancel := context.WithTimeout(ctx, enqueueTimeout)
	defer cancel()
	headers := map[string]string{HeaderEnqueuedAt: strconv.FormatInt(time.Now().UnixNano(), 10)}
	_, err := d.client.EnqueueContext(ctx, asynq.NewTaskWithHeaders(t.TaskType, t.Payload, headers),
		asynq.TaskID(t.TaskID), asynq.Queue(QueueDefault), asynq.MaxRetry(25))
	if errors.Is(err, asynq.ErrTaskIDConflict) || errors.Is(err, asynq.ErrDuplicateTask) {
		return nil // already queued: exactly what we wanted
	}
	if err != nil {
		return fmt.Errorf("task: enqueue %s: %w", t.TaskID, err)
	}
	return nil
}

// Reconcile enqueues outbox rows that are older than age and not done: rows
// that never reached Redis (it was down at commit time, or the process died
// between commit and enqueue) and rows Redis may have lost.
func (d *Dispatcher) Reconcile(ctx context.Context, age time.Duration, limit int) (int, error) {
	rows, err := d.store.PendingOutbox(ctx, time.Now().Add(-age), limit)
	if err != nil {
		return 0, fmt.Errorf("task: reconcile: %w", err)
	}
	n := 0
	for _, t := range rows {
		if err := d.Dispatch(ctx, t); err != nil {
			return n, fmt.Errorf("task: reconcile: %w", err)
		}
		n++
	}
	return n, nil
}

// RunReconciler calls Reconcile every interval until ctx ends. It does not
// depend on Redis being up, which is exactly when it is needed.
func (d *Dispatcher) RunReconciler(ctx context.Context, interval, age time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := d.Reconcile(ctx, age, 500)
			if err != nil && ctx.Err() == nil {
				d.log.Warn("reconcile outbox", "err", err, "enqueued", n)
			} else if n > 0 {
				d.log.Info("reconciled outbox", "enqueued", n)
			}
		}
	}
}

// HeaderEnqueuedAt is the task header that carries when the task was put
// on the queue (Unix nanoseconds), so the workers can report the time from
// enqueue to done (storydesk_task_latency_seconds). A task the reconciler
// enqueues again counts from that enqueue.
const HeaderEnqueuedAt = "enqueued_at"

// EnqueuedAt reads HeaderEnqueuedAt; ok is false for a task enqueued
// without it (the scheduler's periodic tasks).
func EnqueuedAt(t *asynq.Task) (at time.Time, ok bool) {
	n, err := strconv.ParseInt(t.Headers()[HeaderEnqueuedAt], 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(0, n), true
}
