package app

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/export"
	"github.com/storydesk/storydesk/internal/task"
	"github.com/storydesk/storydesk/workers"
)

// mux routes every task type to its handler.
func (a *App) mux(o WorkerOptions) *asynq.ServeMux {
	mux := asynq.NewServeMux()
	mux.Handle(task.TypeReview, workers.NewReview(a.Store, a.Sanitizer, a.Log, o.ReviewPause))
	mux.Handle(task.TypeFindings, workers.NewFindings(a.Store, a.Sanitizer, a.Log))
	mux.Handle(workers.TypeCleanup, workers.NewCleanup(a.Blob, a.Log, time.Hour))
	mux.Handle(workers.TypeRetention, workers.NewRetention(a.Store, a.Blob, a.RedisOpt, workers.PolicyFromDays(
		a.Config.RetainContactDays, a.Config.RetainRejectedDays, a.Config.RetainUnreviewedDays), a.Log))
	// Publishing and exports.
	tmp := filepath.Join(a.Config.DataDir, "tmp")
	mux.Handle(task.TypePublish, workers.NewPublish(a.Store, a.Blob, a.Sanitizer, a.Dispatch, a.Config.WebhookURL != "", a.Log))
	mux.Handle(task.TypeUnpublish, workers.NewUnpublish(a.Store, a.Blob, a.Log))
	mux.Handle(task.TypeWebhook, workers.NewWebhook(a.Store, a.Config.WebhookURL, a.Config.WebhookSecret, a.Config.BaseURL, a.Log))
	mux.Handle(task.TypeExport, workers.NewExport(a.Store, a.Blob, export.New(a.Store, a.Blob, a.Sanitizer, tmp), tmp, a.Log))
	mux.Handle(task.TypeExportCleanup, workers.NewExportCleanup(a.Store, a.Blob, a.Log))
	mux.Handle(task.TypeExportRevoke, workers.NewExportRevoke(a.Store, a.Blob, a.Log))
	// The editors' e-mail digest (a no-op without STORYDESK_SMTP_ADDR).
	mux.Handle(workers.TypeDigest, workers.NewDigest(a.Store, workers.SMTP{Addr: a.Config.SMTPAddr, User: a.Config.SMTPUser,
		Password: a.Config.SMTPPassword, From: a.Config.SMTPFrom}, a.Config.BaseURL, a.Log))
	return mux
}

// periodic is one job the scheduler enqueues on a cron schedule.
type periodic struct {
	spec string // cron spec, e.g. "@every 1h" or "*/15 * * * *"
	typ  string // task type
}

// periodicJobs lists the scheduled jobs. Several worker processes may each run
// a scheduler: every job is enqueued with asynq.Unique for just under its
// period, so only one copy runs, and each job is safe to run twice anyway.
func periodicJobs() []periodic {
	return []periodic{
		{spec: "@every 1h", typ: workers.TypeCleanup},
		{spec: "@every 1h", typ: workers.TypeRetention},
		{spec: "@every 1h", typ: workers.TypeDigest},
		{spec: "@every 1h", typ: task.TypeExportCleanup},
	}
}

// scheduler starts the periodic scheduler.
func (a *App) scheduler() (*asynq.Scheduler, error) {
	s := asynq.NewScheduler(a.RedisOpt, &asynq.SchedulerOpts{Logger: workers.Logger(a.Log)})
	for _, p := range periodicJobs() {
		if _, err := s.Register(p.spec, asynq.NewTask(p.typ, nil), asynq.Queue(task.QueueDefault), asynq.Unique(scheduledUnique)); err != nil {
			return nil, fmt.Errorf("app: schedule %s: %w", p.typ, err)
		}
	}
	if err := s.Start(); err != nil {
		return nil, fmt.Errorf("app: start scheduler: %w", err)
	}
	return s, nil
}

// scheduledUnique is how long a scheduled task blocks a duplicate, whatever
// its schedule: long enough to cover several schedulers firing at the same
// tick.
const scheduledUnique = 30 * time.Second
