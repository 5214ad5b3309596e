package workers

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/blob"
)

// Cleanup aborts multipart uploads that were started long ago and never
// completed: a request that died mid-upload leaves parts in the bucket that
// hold a submitter's file and that no row points to.
type Cleanup struct {
	blob *blob.Store
	log  *slog.Logger
	age  time.Duration
}

// NewCleanup returns the handler; uploads older than age are aborted.
func NewCleanup(b *blob.Store, log *slog.Logger, age time.Duration) *Cleanup {
	return &Cleanup{blob: b, log: log, age: age}
}

// ProcessTask runs one pass; it is safe to run from several workers at once.
func (c *Cleanup) ProcessTask(ctx context.Context, _ *asynq.Task) error {
	n, err := c.blob.AbortIncompleteOlder(ctx, "", c.age)
	if err != nil {
		return fmt.Errorf("cleanup: %w", err)
	}
	if n > 0 {
		c.log.Info("aborted abandoned multipart uploads", "count", n)
	}
	return nil
}
