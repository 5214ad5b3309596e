package workers

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// ExportRevoke deletes the archive of an export revoked because a piece in
// it was withdrawn or deleted. The revocation itself (status, reason, the
// 410 on download) committed with the withdrawal; this job only removes
// the object, and is idempotent: deleting a missing object is no error.
type ExportRevoke struct {
	store *store.Store
	blob  *blob.Store
	log   *slog.Logger
}

// NewExportRevoke returns the handler of task.TypeExportRevoke.
func NewExportRevoke(st *store.Store, bl *blob.Store, log *slog.Logger) *ExportRevoke {
	return &ExportRevoke{store: st, blob: bl, log: log}
}

// ProcessTask deletes one revoked export's archive.
func (h *ExportRevoke) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := task.ParseExportPayload(t.Payload())
	if err != nil {
		return fmt.Errorf("export revoke: %w: %w", err, asynq.SkipRetry)
	}
	// The key is the export's own even when the row says none yet: an
	// export revoked while it ran may upload its archive after this job
	// (the export job then deletes it itself).
	if err := h.blob.Delete(ctx, blob.ExportKey(p.ExportID)); err != nil {
		return fmt.Errorf("export revoke %s: %w", p.ExportID, err)
	}
	if err := markDone(ctx, h.store, task.ExportRevokeID(p.ExportID)); err != nil {
		return fmt.Errorf("export revoke: %w", err)
	}
	h.log.Info("revoked export archive deleted", "export", p.ExportID)
	return nil
}
