package app

import (
	"context"
	"fmt"

	"github.com/storydesk/storydesk/workers"
)

// Retention is the retention job with the configured windows.
func (a *App) Retention() *workers.Retention {
	c := a.Config
	return workers.NewRetention(a.Store, a.Blob, a.RedisOpt,
		workers.PolicyFromDays(c.RetainContactDays, c.RetainRejectedDays, c.RetainUnreviewedDays), a.Log)
}

// reapplyDeletions deletes again, before anything serves or exports, every
// piece the deletion log names that the database holds: a database restored
// from a backup, a snapshot or a file copy does not bring a withdrawn or
// expired piece back (see package deletion). Start fails if the log cannot
// be read: better no service than a deleted story served.
func (a *App) reapplyDeletions(ctx context.Context) error {
	if _, err := a.Retention().Reapply(ctx); err != nil {
		return fmt.Errorf("app: %w", err)
	}
	return nil
}
