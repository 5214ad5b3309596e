// Package workers holds StoryDesk's asynq task handlers, one file per job,
// the job table that routes each task type to its handler (NewJobs), and
// the server that runs them.
package workers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/config"
	"github.com/storydesk/storydesk/internal/export"
	"github.com/storydesk/storydesk/internal/media"
	"github.com/storydesk/storydesk/internal/metric"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// Deps is what the jobs need; the app builds it once per process.
type Deps struct {
	Store    *store.Store
	Blob     *blob.Store
	Dispatch *task.Dispatcher
	Redis    asynq.RedisConnOpt
	Config   config.Config
	Log      *slog.Logger
	// TempDir is the process's own spool directory (app.App.TempDir).
	TempDir string
	// Metrics receive every task run (instrument) and export; nil records nothing.
	Metrics *metric.Metrics
	// ReviewPause, when set, is slept mid-review: fault-injection tests
	// kill a worker while it holds a task.
	ReviewPause time.Duration
}

// NewJobs builds every job's handler once. It is the one job table: a job
// is its names in task/<job>.go, its handler in workers/<job>.go and one
// line here.
func NewJobs(d Deps) *Jobs {
	c := d.Config
	tmp := d.TempDir
	smtp := SMTP{Addr: c.SMTPAddr, User: c.SMTPUser, Password: c.SMTPPassword, From: c.SMTPFrom}
	policy := PolicyFromDays(c.RetainContactDays, c.RetainRejectedDays, c.RetainUnreviewedDays)
	hook := NewWebhook(d.Store, c.WebhookURL, c.WebhookSecret, c.BaseURL, d.Log)
	return &Jobs{log: d.Log, metrics: d.Metrics, list: []job{
		// Enqueued through the outbox by the change that needs them.
		{task.TypeReview, NewReview(d.Store, d.Log, d.ReviewPause), false},
		{task.TypeFindings, NewFindings(d.Store, d.Log), false},
		{task.TypeTranslationFindings, NewTranslationFindings(d.Store, d.Log), false},
		{task.TypePublish, NewPublish(d.Store, d.Blob, d.Dispatch, c.WebhookURL != "", media.NewBudget(int64(c.ImageMemoryMB)<<20), d.Log), false},
		{task.TypeUnpublish, NewUnpublish(d.Store, d.Blob, d.Log), false},
		{task.TypeWebhook, hook, false},
		{task.TypeWebhookLanguage, NewWebhookLanguage(hook), false},
		{task.TypeExport, NewExport(d.Store, d.Blob, export.New(d.Store, d.Blob, tmp), tmp, d.Metrics, d.Log), false},
		{task.TypeExportRevoke, NewExportRevoke(d.Store, d.Blob, d.Log), false},
		// Periodic: enqueued by the Scheduler, once per period.
		{task.TypeCleanup, NewCleanup(d.Blob, d.Log, time.Hour), true},
		{task.TypeRetention, NewRetention(d.Store, d.Blob, d.Redis, policy, d.Log), true},
		{task.TypeDigest, NewDigest(d.Store, smtp, c.BaseURL, d.Log), true}, // a no-op without STORYDESK_SMTP_ADDR
		{task.TypeExportCleanup, NewExportCleanup(d.Store, d.Blob, d.Log), true},
		{task.TypePurgeExpired, NewPurgeExpired(d.Store, d.Log), true},
	}}
}

// Jobs is the job table of a worker process.
type Jobs struct {
	list    []job
	log     *slog.Logger
	metrics *metric.Metrics
}

// job is one line of the job table.
type job struct {
	typ      string        // task.TypeX
	handler  asynq.Handler // its handler
	periodic bool          // enqueued by the Scheduler, not by a change
}

// Mux routes every task type to its handler.
func (js *Jobs) Mux() *asynq.ServeMux {
	mux := asynq.NewServeMux()
	known := map[string]bool{}
	for _, j := range js.list {
		h := j.handler
		if j.periodic {
			h = js.logRun(h)
		}
		mux.Handle(j.typ, h)
		known[j.typ] = true
	}
	js.metrics.TaskTypes(slices.Sorted(maps.Keys(known))...)
	mux.Use(instrument(js.metrics, known))
	return mux
}

// instrument records every task run: its duration and result by type and,
// when it succeeds, the time since its enqueue. It is the one place task
// metrics are taken. A type no job handles is counted as "unknown", so
// whatever lands in Redis cannot make up label values; a run cut short by
// shutdown is not counted (asynq hands it back, it will run again).
func instrument(m *metric.Metrics, known map[string]bool) asynq.MiddlewareFunc {
	return func(next asynq.Handler) asynq.Handler {
		return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
			start := time.Now()
			err := next.ProcessTask(ctx, t)
			if ctx.Err() != nil {
				return err
			}
			typ := t.Type()
			if !known[typ] {
				typ = "unknown"
			}
			m.TaskRun(typ, time.Since(start), err != nil)
			if at, ok := task.EnqueuedAt(t); ok && err == nil {
				m.TaskLatency(typ, time.Since(at))
			}
			return err
		})
	}
}

// Periodic lists the task types the Scheduler enqueues every period.
func (js *Jobs) Periodic() []string {
	var types []string
	for _, j := range js.list {
		if j.periodic {
			types = append(types, j.typ)
		}
	}
	return types
}

// logRun logs each finished run of a periodic job with its TaskID, which
// names its period: operators see when retention last ran, and the
// multi-instance test counts the runs of each period across workers.
func (js *Jobs) logRun(h asynq.Handler) asynq.Handler {
	return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
		if err := h.ProcessTask(ctx, t); err != nil {
			return err
		}
		id, _ := asynq.GetTaskID(ctx)
		js.log.Info("periodic job done", "type", t.Type(), "task", id)
		return nil
	})
}

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
