package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
)

// LatestRevision returns submission id's latest revision, whose title and
// body are the submission's current ones, and the submission's status,
// read in one statement so the two agree. ErrNotFound for an unknown id.
func (s *Store) LatestRevision(ctx context.Context, id string) (Revision, Status, error) {
	var (
		r       Revision
		st      string
		number  int64
		created int64
	)
	err := s.db.QueryRowContext(ctx, `SELECT s.status, r.id, r.number, r.title, r.body, r.body_html, r.created_at
		FROM submissions s JOIN revisions r ON r.submission_id = s.id
		WHERE s.id = $1 ORDER BY r.number DESC LIMIT 1`, id).Scan(&st, &r.ID, &number, &r.Title, &r.Body, &r.BodyHTML, &created)
	if err != nil {
		return Revision{}, "", fmt.Errorf("store: latest revision %s: %w", id, notFound(err))
	}
	r.SubmissionID, r.Number, r.CreatedAt = id, int(number), fromMicros(created)
	return r, Status(st), nil
}

// RecheckedAction is the history action of findings re-checked after a revision.
const RecheckedAction = "findings_rechecked"

// RecordFindings stores r, the automated review's findings, word count and
// reading time of revision number of submission id, and marks the outbox
// row taskID done, in one transaction. It is a compare-and-set: the
// findings are written, with a history entry, only if number is still the
// latest revision, the findings do not already describe it or a later one,
// and the first review is done. It reports whether it wrote them; a
// redelivered or outdated task writes nothing. Before the first review
// (status received) it returns an error wrapping ErrConflict and leaves the
// task owed: the findings are CompleteReview's to write then, and the
// review may have read the text before this revision. The status never
// changes. ErrNotFound for an unknown id.
func (s *Store) RecordFindings(ctx context.Context, id string, number int, r ReviewResult, taskID string) (bool, error) {
	var changed bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		t := now()
		// updated_at stays: re-checking is not a change to the piece, and
		// the retention rules and "recently updated" read it.
		res, err := tx.ExecContext(ctx, `UPDATE submissions
			SET word_count = $1, reading_minutes = $2, findings = $3, reviewed_at = $4, findings_revision = $5
			WHERE id = $6 AND status <> $7 AND findings_revision < $5
				AND $5 = (SELECT MAX(number) FROM revisions WHERE submission_id = $6)`,
			r.WordCount, r.ReadingMinutes, nullJSON(r.Findings), micros(t), number, id, string(StatusReceived))
		if err != nil {
			return err
		}
		c, err := rowsAffected(res)
		if err != nil {
			return err
		}
		if c == 0 {
			var st string
			if err := tx.QueryRowContext(ctx, `SELECT status FROM submissions WHERE id = $1`, id).Scan(&st); err != nil {
				return notFound(err)
			}
			if Status(st) == StatusReceived {
				// The task is still owed: the caller retries once the review is done.
				return fmt.Errorf("the automated review has not run yet: %w", ErrConflict)
			}
		} else {
			changed = true
			// The detail names the revision only: findings are personal data.
			ev := Event{SubmissionID: id, Actor: "system", Action: RecheckedAction,
				Detail: "revision " + strconv.Itoa(number), CreatedAt: t}
			if err := insertEvent(ctx, tx, &ev); err != nil {
				return err
			}
		}
		if err := markDone(ctx, tx, taskID); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: record findings %s: %w", id, err)
	}
	return changed, nil
}
