package workers

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/export"
	"github.com/storydesk/storydesk/internal/store"
)

// ExportCleanup deletes the archives of exports past export.ArchiveLife and
// marks the exports expired.
//
// Several workers may run it at once: the object is deleted first (deleting
// a missing object is no error) and the row moved from done to expired with
// a compare-and-set, so each export is counted once and a run that dies
// between the two steps is finished by the next run.
type ExportCleanup struct {
	store *store.Store
	blob  *blob.Store
	log   *slog.Logger
}

// NewExportCleanup returns the handler of task.TypeExportCleanup.
func NewExportCleanup(st *store.Store, bl *blob.Store, log *slog.Logger) *ExportCleanup {
	return &ExportCleanup{store: st, blob: bl, log: log}
}

// cleanupBatch is how many exports one query returns.
const cleanupBatch = 100

// ProcessTask runs one pass.
func (h *ExportCleanup) ProcessTask(ctx context.Context, _ *asynq.Task) error {
	cutoff := time.Now().Add(-export.ArchiveLife)
	expired := 0
	for {
		// Every export returned leaves status done below (or the pass
		// stops with an error), so the loop ends.
		list, err := h.store.ExpiringExports(ctx, cutoff, cleanupBatch)
		if err != nil {
			return fmt.Errorf("export cleanup: %w", err)
		}
		for _, e := range list {
			if e.ObjectKey != "" {
				if err := h.blob.Delete(ctx, e.ObjectKey); err != nil {
					return fmt.Errorf("export cleanup %s: %w", e.ID, err)
				}
			}
			ok, err := h.store.ExpireExport(ctx, e.ID)
			if err != nil {
				return fmt.Errorf("export cleanup: %w", err)
			}
			if ok {
				expired++
			}
		}
		if len(list) < cleanupBatch {
			break
		}
	}
	if expired > 0 {
		h.log.Info("expired export archives deleted", "count", expired)
	}
	return nil
}
