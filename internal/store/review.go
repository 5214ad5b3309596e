package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ReviewInput is what the automated review reads: the status and the
// body's sanitized HTML (the text editors see and exports carry) of
// submission id, in one query without the attachments and the other columns
// that Submission loads. ErrNotFound if there is none.
func (s *Store) ReviewInput(ctx context.Context, id string) (Status, string, error) {
	var status, bodyHTML string
	err := s.db.QueryRowContext(ctx, `SELECT status, `+currentHTML("submissions")+` FROM submissions WHERE id = $1`, id).
		Scan(&status, &bodyHTML)
	if err != nil {
		return "", "", fmt.Errorf("store: review input %s: %w", id, notFound(err))
	}
	return Status(status), bodyHTML, nil
}

// CompleteReview records the automated review of submission id and moves it
// from received to ready, in one transaction with a "reviewed" event and the
// outbox row taskID (the review task) marked done. It is the review job's
// compare-and-set: it returns true only for the call that made the change,
// and false (marking the outbox row done all the same) when the submission
// had already left received: reviewed by a concurrent run, or withdrawn.
// ErrNotFound if the submission does not exist.
func (s *Store) CompleteReview(ctx context.Context, id string, r ReviewResult, taskID string) (bool, error) {
	var changed bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		t := now()
		res, err := tx.ExecContext(ctx, `UPDATE submissions
			SET status = $1, word_count = $2, reading_minutes = $3, findings = $4, reviewed_at = $5, updated_at = $6
			WHERE id = $7 AND status = $8`,
			string(StatusReady), r.WordCount, r.ReadingMinutes, nullJSON(r.Findings), micros(t), micros(t), id, string(StatusReceived))
		if err != nil {
			return err
		}
		c, err := rowsAffected(res)
		if err != nil {
			return err
		}
		if c == 0 {
			var one int
			if err := tx.QueryRowContext(ctx, `SELECT 1 FROM submissions WHERE id = $1`, id).Scan(&one); err != nil {
				return notFound(err)
			}
		} else {
			changed = true
			ev := Event{SubmissionID: id, Actor: "system", Action: "reviewed", FromStatus: StatusReceived, ToStatus: StatusReady, CreatedAt: t}
			if err := insertEvent(ctx, tx, &ev); err != nil {
				return err
			}
		}
		// A missing outbox row is fine: the task may have been enqueued by
		// hand or by an older version.
		if err := markDone(ctx, tx, taskID); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: complete review %s: %w", id, err)
	}
	return changed, nil
}
