package workers

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/store"
)

// PurgeExpired deletes expired sessions, pending logins and invitations.
// Idempotent: a second run at once, or a retry, finds less or nothing.
type PurgeExpired struct {
	store *store.Store
	log   *slog.Logger
}

// NewPurgeExpired returns the handler of task.TypePurgeExpired.
func NewPurgeExpired(st *store.Store, log *slog.Logger) *PurgeExpired {
	return &PurgeExpired{store: st, log: log}
}

// ProcessTask runs one pass.
func (h *PurgeExpired) ProcessTask(ctx context.Context, _ *asynq.Task) error {
	n, err := h.store.DeleteExpired(ctx)
	if err != nil {
		return fmt.Errorf("purge expired: %w", err)
	}
	if n != (store.Expired{}) {
		h.log.Info("expired sign-in records deleted", "sessions", n.Sessions, "pending_logins", n.PendingLogins, "invites", n.Invites)
	}
	return nil
}
