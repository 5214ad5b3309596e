package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/config"
	"github.com/storydesk/storydesk/internal/embedded"
)

// OpenBlob opens the bucket alone, starting the embedded S3 server when no
// endpoint is configured: the restore command needs the bucket before the
// database it is about to replace may be opened. Close the App after use.
func OpenBlob(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	a := &App{Config: cfg, Log: log}
	if err := a.openBlob(ctx); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// openBlob connects to (or starts) S3 and makes sure the bucket exists.
func (a *App) openBlob(ctx context.Context) error {
	cfg := a.Config
	opt := blob.Options{
		Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey,
		Bucket: cfg.S3Bucket, Region: cfg.S3Region, TLS: cfg.S3TLS, OnError: a.Metrics.S3Error,
	}
	if cfg.EmbeddedS3() {
		s, err := embedded.StartS3(ctx, filepath.Join(cfg.DataDir, "s3"))
		if err != nil {
			return fmt.Errorf("app: embedded s3: %w", err)
		}
		a.closers = append(a.closers, s)
		opt.Endpoint, opt.AccessKey, opt.SecretKey, opt.TLS = s.Endpoint(), s.AccessKey(), s.SecretKey(), false
		a.Log.Info("embedded S3-protocol server started", "endpoint", s.Endpoint())
	}
	var err error
	if a.Blob, err = blob.New(opt); err != nil {
		return fmt.Errorf("app: S3 (STORYDESK_S3_*): %w", err)
	}
	if err := retry(ctx, 10*time.Second, func() error { return a.Blob.EnsureBucket(ctx) }); err != nil {
		return fmt.Errorf("app: S3 bucket %q at %s (STORYDESK_S3_ENDPOINT): %w", opt.Bucket, opt.Endpoint, err)
	}
	return nil
}
