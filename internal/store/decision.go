package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// Decision is an editor's decision on a submission: a status move plus,
// optionally, a message to the submitter.
type Decision struct {
	From    []Status // the statuses the move is allowed from
	To      Status
	ActorID string // the editor's user id
	Actor   string // the editor's e-mail
	Action  string // history action and audit detail, e.g. "approve"
	Message string // shown to the submitter; "" for none
}

// Decide applies d to submission id as one compare-and-set: in one
// transaction it checks that the status is one of d.From, moves it to d.To,
// appends a "status" history entry, stores d.Message as an editor's message
// (when not empty) and writes a "decision" audit entry. A decision is never
// half stored: a status without its message, or a message to the submitter
// about a move that lost a race.
// If the status is not in d.From it changes nothing and returns an error
// wrapping ErrConflict that names the current status; ErrNotFound for an
// unknown id.
func (s *Store) Decide(ctx context.Context, id string, d Decision) (Submission, error) {
	var sub Submission
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// The lock makes the second of two concurrent decisions wait and
		// then see the first one's status.
		cur, err := s.lockStatus(ctx, tx, id)
		if err != nil {
			return err
		}
		if !slices.Contains(d.From, cur) {
			return fmt.Errorf("status is %s: %w", cur, ErrConflict)
		}
		t := now()
		// The status is compared again in the UPDATE, so the move stays a
		// compare-and-set even where the SELECT took no lock.
		res, err := tx.ExecContext(ctx, `UPDATE submissions SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4`,
			string(d.To), micros(t), id, string(cur))
		if err != nil {
			return err
		}
		if err := affectedOr(res, fmt.Errorf("status changed while deciding: %w", ErrConflict)); err != nil {
			return err
		}
		ev := Event{SubmissionID: id, ActorID: d.ActorID, Actor: d.Actor, Action: "status",
			FromStatus: cur, ToStatus: d.To, Detail: d.Action, CreatedAt: t}
		if err := insertEvent(ctx, tx, &ev); err != nil {
			return err
		}
		if d.Message != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO messages (id, submission_id, from_editor, author_id, body, created_at)
				VALUES ($1, $2, $3, $4, $5, $6)`, newID(), id, true, nullString(d.ActorID), d.Message, micros(t)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit (id, at, actor_id, actor, action, target, detail)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, newID(), micros(t), d.ActorID, d.Actor, "decision", id,
			d.Action+": "+string(cur)+" -> "+string(d.To)); err != nil {
			return err
		}
		sub, err = submissionWhere(ctx, tx, "id = $1", id)
		return err
	})
	if err != nil {
		return Submission{}, fmt.Errorf("store: decide %s: %w", id, err)
	}
	return sub, nil
}
