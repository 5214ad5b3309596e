package desk

import (
	"context"

	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// RequestPublish queues the publish job of s, which the job then moves to
// published: a ConflictError for internal-only consent or a status other
// than approved. The job is in the outbox before this returns.
func (d *Service) RequestPublish(ctx context.Context, u store.User, s store.Submission) error {
	if s.ConsentPublish == "internal" {
		return conflictf("the author agreed to internal use only: this piece can never be published")
	}
	if s.Status != store.StatusApproved {
		return conflictf("only an approved piece can be published; this one is %s", s.Status)
	}
	t := task.Publish(s.ID)
	if err := d.store.AddOutbox(ctx, t); err != nil {
		return err
	}
	// Redis down is not the requester's problem: the reconciler enqueues it later.
	d.dispatch.AfterCommit(ctx, t)
	if err := d.store.Audit(ctx, store.AuditEntry{ActorID: u.ID, Actor: u.Email, Action: "publish_requested", Target: s.ID}); err != nil {
		d.log.Error("audit", "action", "publish_requested", "err", err)
	}
	return nil
}
