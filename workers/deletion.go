package workers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/storydesk/storydesk/internal/deletion"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// logDeletion writes a purge to the deletion log inside the purging
// transaction (store.OnPurge): if the bucket cannot take the entry, the
// row stays and the next run tries again, so nothing is deleted unlogged.
func (r *Retention) logDeletion(ctx context.Context) store.OnPurge {
	return func(id string, keys []string) error {
		return r.deletions.Append(ctx, id, keys, time.Now())
	}
}

// Reapply deletes again every submission the deletion log names that the
// database holds: a restored backup, or a database copied back by other
// means, brought it back. It runs the retention purge itself (rows,
// objects, exports that held the piece, queued tasks, the search index and
// SQLite's log), so it is as thorough and as idempotent; each piece is
// audited as "deletion_reapplied". Nothing to do costs one bucket listing
// and one id scan.
func (r *Retention) Reapply(ctx context.Context) (RetentionReport, error) {
	var rep RetentionReport
	logged, err := r.deletions.Submissions(ctx)
	if err != nil {
		return rep, fmt.Errorf("reapply deletions: %w", err)
	}
	if len(logged) == 0 {
		return rep, nil
	}
	ids, err := r.store.SubmissionIDs(ctx)
	if err != nil {
		return rep, fmt.Errorf("reapply deletions: %w", err)
	}
	var errs []error
	var deleted []string
	for _, id := range ids {
		if !logged[deletion.Hash(id)] {
			continue
		}
		keys, err := r.store.PurgeLogged(ctx, id, task.ExportRevoke)
		if errors.Is(err, store.ErrNotFound) {
			continue // another instance took it
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := r.purged(ctx, id, keys, "deletion_reapplied", &rep); err != nil {
			errs = append(errs, err)
		}
		deleted = append(deleted, id)
	}
	if len(deleted) > 0 {
		if err := r.purgeAllTasks(ctx, deleted, &rep); err != nil {
			errs = append(errs, err)
		}
		if err := r.store.ForgetDeleted(ctx); err != nil {
			errs = append(errs, err)
		}
		r.log.Info("deletion log re-applied", "deleted", rep.Deleted, "objects", rep.Objects, "tasks", rep.Tasks)
	}
	if err := errors.Join(errs...); err != nil {
		return rep, fmt.Errorf("reapply deletions: %w", err)
	}
	return rep, nil
}
