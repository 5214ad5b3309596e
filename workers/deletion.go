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
	withdrawn, err := r.deletions.Withdrawals(ctx)
	if err != nil {
		return rep, fmt.Errorf("reapply deletions: %w", err)
	}
	if len(logged) == 0 && len(withdrawn) == 0 {
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
			if withdrawn[deletion.Hash(id)] {
				errs = append(errs, r.rewithdraw(ctx, id, &rep))
			}
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
	if rep.Withdrawn > 0 {
		r.log.Info("withdrawals re-applied", "withdrawn", rep.Withdrawn)
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

// rewithdraw withdraws submission id again, as its submitter did after the
// restored copy was made: status withdrawn, exports revoked, pitches
// withdrawn and, if it was published, the unpublish job in the outbox
// (the reconciler enqueues it). A piece already withdrawn, or rejected
// since, is left as it is.
func (r *Retention) rewithdraw(ctx context.Context, id string, rep *RetentionReport) error {
	w, err := r.store.Withdraw(ctx, id, task.ExportRevoke, task.Unpublish(id))
	if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reapply withdrawal: %w", err)
	}
	if w.Changed {
		rep.Withdrawn++
		r.audit(ctx, "withdrawal_reapplied", id, "withdrawn again after a restore")
	}
	return nil
}
