package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// Reply is a submitter's answer to the editors from the status page: a
// message and, optionally, a new version of the piece.
type Reply struct {
	Message string
	// MessageKind names an automatic message (see Message.Kind); "" for one the submitter wrote.
	MessageKind string
	// Revision is the new version (nil for a message only); its "edited"
	// history entry is Edited.
	Revision *Revision
	Edited   Event
	// Revisable are the statuses in which a revision is accepted.
	Revisable []Status
	// Next returns the revision's follow-up tasks (see Revise); may be nil.
	Next FollowUp
}

// AddReply stores r on submission id in one transaction: the message, and
// with a revision the new version, its history entry, its follow-up tasks
// in the outbox and, from changes_requested, the move back to ready. So a
// reply is never half stored: a message without the revision it announces,
// or a revision still waiting in changes_requested. It returns the updated
// submission and the tasks to enqueue after commit. A revision in a status
// not in r.Revisable (an editor decided meanwhile) changes nothing and
// returns an error wrapping ErrConflict; ErrNotFound for an unknown id.
func (s *Store) AddReply(ctx context.Context, id string, r Reply) (Submission, []OutboxTask, error) {
	var (
		sub   Submission
		tasks []OutboxTask
	)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// The status decides what the reply may do, so it is read under the
		// row lock: a decision cannot slip in between.
		cur, err := s.lockStatus(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.Revision != nil && !slices.Contains(r.Revisable, cur) {
			return fmt.Errorf("status is %s: %w", cur, ErrConflict)
		}
		t := now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO messages (id, submission_id, from_editor, author_id, body, kind, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, newID(), id, false, nil, r.Message, r.MessageKind, micros(t)); err != nil {
			return err
		}
		if r.Revision != nil {
			rev, ev := *r.Revision, r.Edited
			var err error
			if tasks, err = addRevision(ctx, tx, id, &rev, &ev, t, r.Next); err != nil {
				return err
			}
			if cur == StatusChangesRequested {
				if err := replyToReady(ctx, tx, id, t); err != nil {
					return err
				}
			}
		}
		sub, err = submissionWhere(ctx, tx, "id = $1", id)
		return err
	})
	if err != nil {
		return Submission{}, nil, fmt.Errorf("store: add reply %s: %w", id, err)
	}
	return sub, tasks, nil
}

// replyToReady moves a submission whose changes the submitter just sent
// from changes_requested back to the editors' queue.
func replyToReady(ctx context.Context, tx *sql.Tx, id string, t time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE submissions SET status = $1, updated_at = $2 WHERE id = $3`,
		string(StatusReady), micros(t), id); err != nil {
		return err
	}
	ev := Event{SubmissionID: id, Actor: "submitter", Action: "status", FromStatus: StatusChangesRequested,
		ToStatus: StatusReady, Detail: "revision sent", CreatedAt: t}
	return insertEvent(ctx, tx, &ev)
}
