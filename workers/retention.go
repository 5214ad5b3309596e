package workers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/deletion"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// RetentionPolicy says how long data is kept.
type RetentionPolicy struct {
	Contact    time.Duration // contact details, after a final decision
	Closed     time.Duration // rejected and withdrawn submissions, whole
	Unreviewed time.Duration // submissions still received or ready
}

// PolicyFromDays builds a policy from the configured numbers of days.
func PolicyFromDays(contact, closed, unreviewed int) RetentionPolicy {
	day := 24 * time.Hour
	return RetentionPolicy{Contact: time.Duration(contact) * day, Closed: time.Duration(closed) * day, Unreviewed: time.Duration(unreviewed) * day}
}

// Retention deletes what StoryDesk no longer needs to keep. Every change is
// a compare-and-set in the database and every deletion is idempotent, so
// several workers may run it at once: each submission is deleted, and
// audited, by exactly one of them.
type Retention struct {
	store  *store.Store
	blob   *blob.Store
	redis  asynq.RedisConnOpt
	policy RetentionPolicy
	log    *slog.Logger
	// deletions records every purge so a restored backup cannot bring the
	// piece back (see package deletion).
	deletions *deletion.Log
}

// NewRetention returns the retention job.
func NewRetention(st *store.Store, bl *blob.Store, redis asynq.RedisConnOpt, p RetentionPolicy, log *slog.Logger) *Retention {
	return &Retention{store: st, blob: bl, redis: redis, policy: p, log: log, deletions: deletion.New(bl)}
}

// RetentionReport counts what one run changed.
type RetentionReport struct {
	Deleted, ContactDropped, IdentityDropped, Objects, Tasks int
	Withdrawn                                                int // withdrawals re-applied (Reapply)
}

// ProcessTask runs the job now.
func (r *Retention) ProcessTask(ctx context.Context, _ *asynq.Task) error {
	_, err := r.Run(ctx, time.Now())
	return err
}

// Run applies the policy as of now (tests pass a later time instead of waiting).
func (r *Retention) Run(ctx context.Context, now time.Time) (RetentionReport, error) {
	c := store.RetentionCutoffs{
		ContactBefore: now.Add(-r.policy.Contact), ClosedBefore: now.Add(-r.policy.Closed),
		UnreviewedBefore: now.Add(-r.policy.Unreviewed),
	}
	var rep RetentionReport
	w, err := r.store.RetentionDue(ctx, c)
	if err != nil {
		return rep, fmt.Errorf("retention: %w", err)
	}
	var errs []error
	var deleted []string
	for _, id := range w.Delete {
		keys, err := r.store.PurgeSubmissionLogged(ctx, id, c, task.ExportRevoke, r.logDeletion(ctx))
		if errors.Is(err, store.ErrNotFound) {
			continue // another worker took it, or it is no longer due
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := r.purged(ctx, id, keys, "retention_deleted", &rep); err != nil {
			errs = append(errs, err)
		}
		deleted = append(deleted, id)
	}
	if err := r.purgeAllTasks(ctx, deleted, &rep); err != nil {
		errs = append(errs, err)
	}
	for _, id := range w.DropContact {
		ok, err := r.store.DropContact(ctx, id, c)
		if err != nil {
			errs = append(errs, err)
		} else if ok {
			rep.ContactDropped++
			r.audit(ctx, "retention_contact_dropped", id, "contact details removed")
		}
	}
	for _, id := range w.DropIdentity {
		ok, err := r.store.DropIdentity(ctx, id)
		if err != nil {
			errs = append(errs, err)
		} else if ok {
			rep.IdentityDropped++
			r.audit(ctx, "retention_identity_dropped", id, "name and contact details removed after publication")
		}
	}
	// Once per run, not per row: the search index merge rewrites the whole
	// index. After the erasures too, whose old values sit in SQLite's
	// write-ahead log like deleted rows. Every run, not only those that
	// changed something: a run that died before this line, or found a
	// reader holding the log (ErrLogBusy), leaves copies behind that the
	// next run then removes.
	if err := r.store.ForgetDeleted(ctx); err != nil {
		errs = append(errs, fmt.Errorf("retention: %w", err))
	}
	// Counts only: the ids are in the audit log, and nothing personal is logged.
	r.log.Info("retention run", "deleted", rep.Deleted, "contact_dropped", rep.ContactDropped,
		"identity_dropped", rep.IdentityDropped, "objects", rep.Objects, "tasks", rep.Tasks)
	if err := errors.Join(errs...); err != nil {
		return rep, fmt.Errorf("retention: %w", err)
	}
	return rep, nil
}

// purged finishes the purge of submission id, whose rows are gone: its
// objects, then one audit entry under action.
func (r *Retention) purged(ctx context.Context, id string, keys []string, action string, rep *RetentionReport) error {
	n, err := r.purgeObjects(ctx, id, keys)
	rep.Objects += n
	rep.Deleted++
	detail := "rows deleted"
	if err != nil {
		detail = "rows deleted; some objects could not be removed"
	}
	r.audit(ctx, action, id, detail)
	return err
}

// purgeAllTasks removes the queued tasks of the deleted submissions, if any.
func (r *Retention) purgeAllTasks(ctx context.Context, deleted []string, rep *RetentionReport) error {
	if len(deleted) == 0 {
		return nil
	}
	n, err := r.purgeTasks(ctx, deleted)
	rep.Tasks = n
	return err
}

// purgeObjects removes the submission's attachments and published files,
// every version of them; keys are the attachments the database knew of,
// removed too in case they live outside the usual prefixes.
func (r *Retention) purgeObjects(ctx context.Context, id string, keys []string) (int, error) {
	var errs []error
	total := 0
	for _, prefix := range blob.SubmissionPrefixes(id) {
		n, err := r.blob.PurgePrefix(ctx, prefix)
		total += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	if err := r.blob.Delete(ctx, keys...); err != nil {
		errs = append(errs, err)
	}
	return total, errors.Join(errs...)
}

// audit records a retention action. The entry holds the submission id and
// the rule, never personal data.
func (r *Retention) audit(ctx context.Context, action, id, detail string) {
	if err := r.store.Audit(ctx, store.AuditEntry{Actor: "system", Action: action, Target: id, Detail: detail}); err != nil {
		r.log.Error("retention audit", "action", action, "submission", id, "err", err)
	}
}
