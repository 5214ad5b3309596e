package workers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/export"
	"github.com/storydesk/storydesk/internal/metric"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// Export writes a staff export archive to exports/<id>.zip.
//
// The archive is written to a temporary file in the data directory first
// and then uploaded with its real size: minio-go given an unknown size
// buffers a 528 MiB part in memory, while a file keeps memory flat, lets
// the upload be a plain PUT (or a sized multipart one), and never leaves a
// half-written object in the bucket when the export fails.
type Export struct {
	store   *store.Store
	blob    *blob.Store
	writer  *export.Writer
	tmpDir  string
	metrics *metric.Metrics
	log     *slog.Logger
}

// NewExport returns the export handler.
func NewExport(st *store.Store, bl *blob.Store, w *export.Writer, tmpDir string, m *metric.Metrics, log *slog.Logger) *Export {
	return &Export{store: st, blob: bl, writer: w, tmpDir: tmpDir, metrics: m, log: log}
}

// progressEvery bounds how often progress is written to the database.
const progressEvery = 250 * time.Millisecond

// ProcessTask runs one export.
func (h *Export) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := task.ParseExportPayload(t.Payload())
	if err != nil {
		return fmt.Errorf("export: %w: %w", err, asynq.SkipRetry)
	}
	e, err := h.store.ExportByID(ctx, p.ExportID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", p.ExportID, err)
	}
	switch e.Status {
	case store.ExportDone, store.ExportFailed, store.ExportExpired:
		return nil
	case store.ExportRevoked:
		// Revoked while a crashed run held it: nothing to write, and the
		// outbox row must stop the reconciler from handing it back.
		return markDone(ctx, h.store, task.ExportID(e.ID))
	}
	start := time.Now()
	count, size, err := h.run(ctx, e)
	if ctx.Err() == nil {
		h.metrics.Export(time.Since(start), err != nil)
	}
	if err != nil {
		if ctx.Err() != nil {
			return err // shutting down: asynq hands the task back
		}
		h.log.Error("export failed", "export", e.ID, "err", err)
		if ferr := h.store.FailExport(context.WithoutCancel(ctx), e.ID, "the export could not be written; start it again", task.ExportID(e.ID)); ferr != nil {
			return fmt.Errorf("export %s: %w", e.ID, ferr)
		}
		return fmt.Errorf("export %s: %w: %w", e.ID, err, asynq.SkipRetry)
	}
	err = h.store.FinishExport(ctx, e.ID, count, blob.ExportKey(e.ID), size, task.ExportID(e.ID))
	if errors.Is(err, store.ErrConflict) {
		// Revoked while it ran: a piece in it was withdrawn. The revocation's
		// job may have run before the upload, so the archive goes here too.
		h.log.Info("export revoked while it ran", "export", e.ID)
		if err := h.blob.Delete(ctx, blob.ExportKey(e.ID)); err != nil {
			return fmt.Errorf("export %s: %w", e.ID, err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", e.ID, err)
	}
	h.log.Info("export done", "export", e.ID, "pieces", count, "bytes", size)
	return nil
}

func (h *Export) run(ctx context.Context, e store.Export) (int, int64, error) {
	f, err := os.CreateTemp(h.tmpDir, "export-*.zip")
	if err != nil {
		return 0, 0, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	var (
		mu      sync.Mutex
		last    time.Time
		started bool
		perr    error
	)
	progress := func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if !started {
			started, perr = true, h.store.StartExport(ctx, e.ID, total)
			return
		}
		if time.Since(last) >= progressEvery {
			last = time.Now()
			if err := h.store.ExportProgress(ctx, e.ID, done); err != nil {
				h.log.Warn("export progress", "export", e.ID, "err", err)
			}
		}
	}
	count, err := h.writer.WriteFor(ctx, e.ID, f, e.Filter, progress)
	if err == nil {
		err = perr
	}
	if err != nil {
		return 0, 0, err
	}
	size, err := f.Seek(0, 1)
	if err != nil {
		return 0, 0, err
	}
	if _, err := f.Seek(0, 0); err != nil {
		return 0, 0, err
	}
	if err := h.blob.Put(ctx, blob.ExportKey(e.ID), f, size, "application/zip"); err != nil {
		return 0, 0, err
	}
	return count, size, nil
}
