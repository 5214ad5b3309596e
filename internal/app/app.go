// Package app assembles StoryDesk from its configuration: it starts the
// embedded services when no service URLs are set, opens the database, the
// bucket and the queue, and builds the web server and the workers on top.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/config"
	"github.com/storydesk/storydesk/internal/embedded"
	"github.com/storydesk/storydesk/internal/intake"
	"github.com/storydesk/storydesk/internal/limit"
	"github.com/storydesk/storydesk/internal/media"
	"github.com/storydesk/storydesk/internal/metric"
	"github.com/storydesk/storydesk/internal/receipt"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// App holds the shared services of one process.
type App struct {
	Config    config.Config
	Log       *slog.Logger
	Store     *store.Store
	Blob      *blob.Store
	Redis     redis.UniversalClient // rate limits and readiness
	RedisOpt  asynq.RedisConnOpt
	Queue     *asynq.Client
	Dispatch  *task.Dispatcher
	Sanitizer *sanitize.Sanitizer
	Intake    *intake.Service
	Limiter   *limit.Limiter
	// Clock tells the placement rules the time (exclusivity windows, the
	// follow-up list); nil is the real clock. Tests set it before serving.
	Clock    func() time.Time
	Registry *prometheus.Registry
	// Metrics are the series beyond HTTP's (internal/metric), on Registry.
	Metrics *metric.Metrics
	// Receipts keep a receipt page showable for a few minutes after a form submission.
	Receipts *receipt.Slots
	// TempDir is this process's own spool directory (uploads, exports):
	// removed when the process stops, or by the next start after it died.
	TempDir string

	closers []io.Closer
}

// New builds the App. On error everything already started is closed.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	a := &App{Config: cfg, Log: log}
	if err := a.build(ctx); err != nil {
		// a, not the nil the caller gets back: what started must stop.
		a.Close()
		return nil, err
	}
	return a, nil
}

// build starts and connects what New returns.
func (a *App) build(ctx context.Context) error {
	cfg, log := a.Config, a.Log
	quietRedis(log)
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("app: data directory %s (STORYDESK_DATA_DIR): %w", cfg.DataDir, err)
	}
	secret, err := loadSecret(cfg)
	if err != nil {
		return err
	}
	a.Config.Secret = secret
	// The spool directory comes before the services: a data directory that
	// cannot be written to is named as such, not as an embedded service's failure.
	spool, err := openSpool(filepath.Join(cfg.DataDir, "tmp"), log)
	if err != nil {
		return err
	}
	a.closers = append(a.closers, spool)
	a.TempDir = spool.dir
	a.Registry = prometheus.NewRegistry()
	a.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		metric.NewDataDir(cfg.DataDir))
	a.Metrics = metric.New(a.Registry)
	if err := a.openServices(ctx); err != nil {
		return err
	}
	if err := a.reapplyDeletions(ctx); err != nil {
		return err
	}
	a.Sanitizer = sanitize.New()
	hasher, err := receipt.NewHasher(secret)
	if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	tmp := spool.dir
	a.Limiter = limit.New(a.Redis, secret)
	a.Receipts = receipt.NewSlots(a.Redis, hasher, receipt.SlotTTL)
	a.Dispatch = task.NewDispatcher(a.Queue, a.Store, log)
	a.Intake = intake.New(a.Store, a.Blob, a.Dispatch, a.Sanitizer, hasher, intake.Limits{
		MaxFiles: cfg.MaxFiles, MaxFileBytes: cfg.MaxFileBytes(), MaxPixels: media.DefaultMaxPixels,
	}, tmp, log, media.NewBudget(int64(cfg.ImageMemoryMB)<<20))
	// Every process reports the shared queues: a Prometheus scraping only
	// the web servers, or only the workers, still sees them.
	a.Registry.MustRegister(metric.NewQueues(asynq.NewInspectorFromRedisClient(a.Redis)), metric.NewReadiness(
		metric.Probe{Name: "database", Ping: a.Store.Ping},
		metric.Probe{Name: "redis", Ping: func(ctx context.Context) error { return a.Redis.Ping(ctx).Err() }},
		metric.Probe{Name: "s3", Ping: a.Blob.Ping},
	))
	return nil
}

// openServices connects to (or starts) the database, S3 and Redis.
func (a *App) openServices(ctx context.Context) error {
	cfg := a.Config
	redisURL := cfg.RedisURL
	if cfg.EmbeddedRedis() {
		r, err := embedded.StartRedis(ctx)
		if err != nil {
			return fmt.Errorf("app: embedded redis: %w", err)
		}
		a.closers = append(a.closers, r)
		redisURL = "redis://" + r.Addr() + "/0"
		a.Log.Info("embedded Redis-protocol server started", "addr", r.Addr())
	}
	if err := a.openBlob(ctx); err != nil {
		return err
	}

	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("app: database (STORYDESK_DATABASE_URL): %w", err)
	}
	a.Store = st
	st.OnError(a.Metrics.DBError)
	a.closers = append(a.closers, st)
	if err := st.Migrate(ctx); err != nil {
		return fmt.Errorf("app: database (STORYDESK_DATABASE_URL): %w", err)
	}

	rc, err := config.ParseRedis(redisURL)
	if err != nil {
		return fmt.Errorf("app: STORYDESK_REDIS_URL: %w", err)
	}
	a.Redis, a.RedisOpt = redisClient(rc), asynqRedis(rc)
	a.closers = append(a.closers, a.Redis)
	qc := redisClient(rc)
	a.Queue = asynq.NewClientFromRedisClient(qc)
	a.closers = append(a.closers, a.Queue, qc)
	return nil
}

// Close stops everything in reverse order of start.
func (a *App) Close() error {
	var errs []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		if err := a.closers[i].Close(); err != nil {
			errs = append(errs, err)
		}
	}
	a.closers = nil
	return errors.Join(errs...)
}

func retry(ctx context.Context, total time.Duration, f func() error) error {
	deadline := time.Now().Add(total)
	for {
		err := f()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}
