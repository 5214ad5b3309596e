// Package workers holds StoryDesk's asynq task handlers, one file per job,
// and the server that runs them.
package workers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// markDone records that the work of outbox task taskID is finished, so the
// reconciler stops re-enqueueing it. A missing row is no error: the
// submission was purged with its outbox, and nothing is owed.
func markDone(ctx context.Context, st *store.Store, taskID string) error {
	if err := st.MarkDone(ctx, taskID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%s: mark done: %w", taskID, err)
	}
	return nil
}

// Options tune the asynq server.
type Options struct {
	Concurrency int
	// TaskCheckInterval is how long an idle worker waits before looking for
	// work again; asynq's default of 1 s adds up to a second to submit→ready.
	// The default here, 10 ms, costs an idle worker about 100 cheap Redis
	// calls a second.
	TaskCheckInterval time.Duration
	ShutdownTimeout   time.Duration
}

// NewServer returns an asynq server for StoryDesk's queues.
func NewServer(redis asynq.RedisConnOpt, o Options, log *slog.Logger) *asynq.Server {
	if o.Concurrency == 0 {
		o.Concurrency = 8
	}
	if o.TaskCheckInterval == 0 {
		o.TaskCheckInterval = 10 * time.Millisecond
	}
	if o.ShutdownTimeout == 0 {
		o.ShutdownTimeout = 20 * time.Second
	}
	return asynq.NewServer(redis, asynq.Config{
		Concurrency:       o.Concurrency,
		Queues:            map[string]int{task.QueueDefault: 1},
		TaskCheckInterval: o.TaskCheckInterval,
		ShutdownTimeout:   o.ShutdownTimeout,
		RetryDelayFunc:    retryDelay,
		Logger:            Logger(log),
		ErrorHandler: asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
			// The payload holds ids only, so it is safe to log.
			log.Warn("task failed", "type", t.Type(), "payload", string(t.Payload()), "err", err)
		}),
	})
}

// retryDelay backs off exponentially from one second to ten minutes.
func retryDelay(n int, _ error, _ *asynq.Task) time.Duration {
	d := time.Second << min(n, 10)
	return min(d, 10*time.Minute)
}

// Logger adapts slog to asynq's logger interface.
func Logger(log *slog.Logger) asynq.Logger { return logger{log.With("component", "asynq")} }

// logger adapts slog to asynq's logger interface.
type logger struct{ l *slog.Logger }

func (l logger) Debug(args ...any) { l.l.Debug(fmt.Sprint(args...)) }
func (l logger) Info(args ...any)  { l.l.Info(fmt.Sprint(args...)) }
func (l logger) Warn(args ...any)  { l.l.Warn(fmt.Sprint(args...)) }
func (l logger) Error(args ...any) { l.l.Error(fmt.Sprint(args...)) }
func (l logger) Fatal(args ...any) { l.l.Error(fmt.Sprint(args...)); panic(fmt.Sprint(args...)) }
