package app

import (
	"context"
	"errors"
	"fmt"
	"github.com/storydesk/storydesk/internal/auth"
	"net"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/storydesk/storydesk/internal/server"
	"github.com/storydesk/storydesk/web"
	"github.com/storydesk/storydesk/workers"
)

// Outbox reconciliation: how often, and how old a row must be before it is
// enqueued again (younger rows are still on their way from the request).
const (
	reconcileEvery = 5 * time.Second
	reconcileAge   = 10 * time.Second
)

// WorkerOptions tune the workers of this process.
type WorkerOptions struct {
	Concurrency int
	ReviewPause time.Duration // test hook: sleep mid-review (STORYDESK_TEST_REVIEW_PAUSE)
	JobPeriod   time.Duration // test hook: the periodic jobs' period (STORYDESK_TEST_JOB_PERIOD); 0 = hourly
	// MetricsReady, if not nil, receives the address /metrics listens on
	// (STORYDESK_METRICS_ADDR), once it listens.
	MetricsReady func(addr string)
}

// Handler builds the web handler.
func (a *App) Handler() (http.Handler, error) {
	r, err := web.NewRenderer()
	if err != nil {
		return nil, fmt.Errorf("app: templates: %w", err)
	}
	return server.New(server.Deps{
		Store: a.Store, Blob: a.Blob, Intake: a.Intake, Sanitizer: a.Sanitizer, Renderer: r,
		Limiter: a.Limiter, Passwords: auth.NewPasswords(auth.DefaultConcurrentHashes), Redis: a.Redis, Registry: a.Registry, Metrics: a.Metrics, Log: a.Log, Dispatch: a.Dispatch,
		Secret: a.Config.Secret, BaseURL: a.Config.BaseURL, SubmitRate: a.Config.SubmitRate, SubmitGlobal: a.Config.SubmitGlobalRate,
		TrustedProxies: a.Config.TrustedProxies, MetricsToken: a.Config.MetricsToken, Receipts: a.Receipts,
		Clock: a.Clock,
	})
}

// Serve runs the web server until ctx ends, then lets in-flight requests
// (uploads included) finish for up to 30 seconds. ready, if not nil, receives
// the bound address once the server listens.
func (a *App) Serve(ctx context.Context, ready func(addr string)) error {
	h, err := a.Handler()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("app: listen on %s (STORYDESK_ADDR): %w", a.Config.Addr, err)
	}
	srv := &http.Server{
		Handler: h,
		// Headers must arrive quickly (slowloris); bodies may be large photos
		// on a slow phone connection, so the whole-request limit is generous.
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       15 * time.Minute,
		WriteTimeout:      15 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          nil,
	}
	if a.Config.InsecureRemote() {
		a.Log.Warn("STORYDESK_BASE_URL is plain http on another host: browsers there will refuse every form as cross-origin "+
			"(the session cookie and the origin check need HTTPS, or localhost); serve StoryDesk over HTTPS (docs/operations.md)",
			"base_url", a.Config.BaseURL)
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("app: serve: %w", err)
	case <-ctx.Done():
	}
	a.Log.Info("shutting down web server; letting requests finish")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("app: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Work runs the asynq workers and the outbox reconciler until ctx ends; on
// shutdown, tasks in progress are handed back to the queue.
func (a *App) Work(ctx context.Context, o WorkerOptions) error {
	jobs := workers.NewJobs(workers.Deps{
		Store: a.Store, Blob: a.Blob, Dispatch: a.Dispatch, Redis: a.RedisOpt,
		Config: a.Config, Log: a.Log, ReviewPause: o.ReviewPause, TempDir: a.TempDir, Metrics: a.Metrics,
	})
	srv := workers.NewServer(a.RedisOpt, workers.Options{Concurrency: o.Concurrency}, a.Log)
	if err := srv.Start(jobs.Mux()); err != nil {
		return fmt.Errorf("app: start workers: %w", err)
	}
	sched := jobs.StartScheduler(a.RedisOpt, o.JobPeriod, a.Log)
	a.Log.Info("workers started")
	go a.Dispatch.RunReconciler(ctx, reconcileEvery, reconcileAge)
	stopMetrics, err := a.serveWorkerMetrics(o.MetricsReady)
	if err != nil {
		sched.Shutdown()
		srv.Shutdown()
		return err
	}
	<-ctx.Done()
	stopMetrics()
	a.Log.Info("stopping workers; handing tasks back")
	sched.Shutdown()
	srv.Shutdown()
	return nil
}

// All runs the web server and the workers in one process.
func (a *App) All(ctx context.Context, o WorkerOptions, ready func(addr string)) error {
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return a.Work(ctx, o) })
	g.Go(func() error { return a.Serve(ctx, ready) })
	return g.Wait()
}

// serveWorkerMetrics serves /metrics on STORYDESK_METRICS_ADDR, when set:
// the task series are counted in the worker process, which has no web
// server. The returned func stops it.
func (a *App) serveWorkerMetrics(ready func(addr string)) (stop func(), err error) {
	if a.Config.MetricsAddr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", a.Config.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("app: listen on %s (STORYDESK_METRICS_ADDR): %w", a.Config.MetricsAddr, err)
	}
	srv := &http.Server{Handler: server.MetricsHandler(a.Registry, a.Config.MetricsToken), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	if ready != nil {
		ready(ln.Addr().String())
	}
	return func() { srv.Close() }, nil
}
