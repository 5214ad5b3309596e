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
	Redis     *redis.Client // rate limits and readiness
	RedisOpt  asynq.RedisClientOpt
	Queue     *asynq.Client
	Dispatch  *task.Dispatcher
	Sanitizer *sanitize.Sanitizer
	Intake    *intake.Service
	Limiter   *limit.Limiter
	// Clock tells the placement rules the time (exclusivity windows, the
	// follow-up list); nil is the real clock. Tests set it before serving.
	Clock    func() time.Time
	Registry *prometheus.Registry
	// Receipts keep a receipt page showable for a few minutes after a form submission.
	Receipts *receipt.Slots

	closers []io.Closer
}

// New builds the App. On error everything already started is closed.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (a *App, err error) {
	a = &App{Config: cfg, Log: log}
	quietRedis(log)
	defer func() {
		if err != nil {
			a.Close()
			a = nil
		}
	}()
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("app: data dir %s: %w", cfg.DataDir, err)
	}
	secret, err := loadSecret(cfg)
	if err != nil {
		return nil, err
	}
	a.Config.Secret = secret
	if err := a.openServices(ctx); err != nil {
		return nil, err
	}
	a.Sanitizer = sanitize.New()
	hasher, err := receipt.NewHasher(secret)
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	tmp := filepath.Join(cfg.DataDir, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, fmt.Errorf("app: temp dir: %w", err)
	}
	cleanTemp(tmp, log)
	a.Limiter = limit.New(a.Redis, secret)
	a.Receipts = receipt.NewSlots(a.Redis, hasher, receipt.SlotTTL)
	a.Dispatch = task.NewDispatcher(a.Queue, a.Store, log)
	a.Intake = intake.New(a.Store, a.Blob, a.Dispatch, a.Sanitizer, hasher, intake.Limits{
		MaxFiles: cfg.MaxFiles, MaxFileBytes: cfg.MaxFileBytes(), MaxPixels: media.DefaultMaxPixels,
	}, tmp, log, media.NewBudget(int64(cfg.ImageMemoryMB)<<20))
	a.Registry = prometheus.NewRegistry()
	a.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return a, nil
}

// openServices connects to (or starts) the database, S3 and Redis.
func (a *App) openServices(ctx context.Context) error {
	cfg := a.Config
	redisURL, s3opt := cfg.RedisURL, blob.Options{
		Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey,
		Bucket: cfg.S3Bucket, Region: cfg.S3Region, TLS: cfg.S3TLS,
	}
	if cfg.EmbeddedRedis() {
		r, err := embedded.StartRedis(ctx)
		if err != nil {
			return fmt.Errorf("app: embedded redis: %w", err)
		}
		a.closers = append(a.closers, r)
		redisURL = "redis://" + r.Addr() + "/0"
		a.Log.Info("embedded Redis-protocol server started", "addr", r.Addr())
	}
	if cfg.EmbeddedS3() {
		s, err := embedded.StartS3(ctx, filepath.Join(cfg.DataDir, "s3"))
		if err != nil {
			return fmt.Errorf("app: embedded s3: %w", err)
		}
		a.closers = append(a.closers, s)
		s3opt.Endpoint, s3opt.AccessKey, s3opt.SecretKey, s3opt.TLS = s.Endpoint(), s.AccessKey(), s.SecretKey(), false
		a.Log.Info("embedded S3-protocol server started", "endpoint", s.Endpoint())
	}

	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	a.Store = st
	a.closers = append(a.closers, st)
	if err := st.Migrate(ctx); err != nil {
		return fmt.Errorf("app: %w", err)
	}

	if a.Blob, err = blob.New(s3opt); err != nil {
		return fmt.Errorf("app: %w", err)
	}
	if err := retry(ctx, 10*time.Second, func() error { return a.Blob.EnsureBucket(ctx) }); err != nil {
		return fmt.Errorf("app: %w", err)
	}

	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		return fmt.Errorf("app: STORYDESK_REDIS_URL: %w", err)
	}
	// Short timeouts: when Redis is down, a submitter should wait a moment,
	// not minutes; the outbox makes up for it later.
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout = 2*time.Second, 2*time.Second, 2*time.Second
	a.Redis = redis.NewClient(opts)
	a.closers = append(a.closers, a.Redis)
	a.RedisOpt = asynq.RedisClientOpt{
		Network: opts.Network, Addr: opts.Addr, Username: opts.Username, Password: opts.Password,
		DB: opts.DB, TLSConfig: opts.TLSConfig, DialTimeout: opts.DialTimeout,
		ReadTimeout: opts.ReadTimeout, WriteTimeout: opts.WriteTimeout,
	}
	qc := redis.NewClient(opts)
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

// cleanTemp removes spooled uploads left by a crash: they may hold a submitter's files.
func cleanTemp(dir string, log *slog.Logger) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			log.Warn("remove stale temp file", "err", err)
		}
	}
}
