package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Revisions returns a submission's revisions, the submitter's original
// first (empty for an unknown id).
func (s *Store) Revisions(ctx context.Context, id string) ([]Revision, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, submission_id, number, title, body, body_html, author_id, author_name, created_at
		FROM revisions WHERE submission_id = $1 ORDER BY number`, id)
	if err != nil {
		return nil, fmt.Errorf("store: revisions %s: %w", id, err)
	}
	defer rows.Close()
	out, err := scanRevisions(rows)
	if err != nil {
		return nil, fmt.Errorf("store: revisions %s: %w", id, err)
	}
	return out, nil
}

// scanRevisions reads the rows of a revisions or translation_revisions
// query selecting id, submission_id, number, title, body, body_html,
// author_id, author_name and created_at, in that order.
func scanRevisions(rows *sql.Rows) ([]Revision, error) {
	var out []Revision
	for rows.Next() {
		var (
			r        Revision
			authorID sql.NullString
			number   int64
			created  int64
		)
		if err := rows.Scan(&r.ID, &r.SubmissionID, &number, &r.Title, &r.Body, &r.BodyHTML, &authorID, &r.AuthorName, &created); err != nil {
			return nil, err
		}
		r.Number, r.AuthorID, r.CreatedAt = int(number), authorID.String, fromMicros(created)
		out = append(out, r)
	}
	return out, rows.Err()
}

// FollowUp returns the outbox tasks a new revision needs (re-checking its
// findings), given its number, which is known only inside the transaction.
type FollowUp func(number int) []OutboxTask

// Revise records a new version of a submission's title and body (an
// editor's edit or the submitter's revision) and makes it the current one,
// in one transaction with ev (appended as given, SubmissionID filled).
// Number, ID and CreatedAt of rev are filled; the stored revision is
// returned. The original (number 1) is never changed. The tasks that next
// returns (the revision's follow-up work) are written to the outbox in the
// same transaction, so a new text is never stored without the work it needs. The caller enqueues the
// returned tasks after commit; the reconciler does if it cannot. next may
// be nil.
func (s *Store) Revise(ctx context.Context, id string, rev Revision, ev Event, next FollowUp) (Revision, []OutboxTask, error) {
	var tasks []OutboxTask
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		tasks, err = addRevision(ctx, tx, id, &rev, &ev, now(), next)
		return err
	})
	if err != nil {
		return Revision{}, nil, fmt.Errorf("store: add revision %s: %w", id, err)
	}
	return rev, tasks, nil
}

// addRevision is the body of Revise, for transactions that do more.
func addRevision(ctx context.Context, tx *sql.Tx, id string, rev *Revision, ev *Event, t time.Time, next FollowUp) ([]OutboxTask, error) {
	rev.SubmissionID, ev.SubmissionID = id, id
	rev.CreatedAt, ev.CreatedAt = t, t
	res, err := tx.ExecContext(ctx, `UPDATE submissions SET title = $1, body = $2, updated_at = $3 WHERE id = $4`,
		rev.Title, rev.Body, micros(t), id)
	if err != nil {
		return nil, err
	}
	if err := mustAffect(res); err != nil {
		return nil, err
	}
	// The UPDATE above holds the row lock (PostgreSQL) or the write lock
	// (SQLite), so two edits cannot pick the same number.
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) FROM revisions WHERE submission_id = $1`, id).Scan(&last); err != nil {
		return nil, err
	}
	rev.Number = int(last) + 1
	if err := insertRevision(ctx, tx, rev); err != nil {
		return nil, err
	}
	if err := insertEvent(ctx, tx, ev); err != nil {
		return nil, err
	}
	return insertFollowUp(ctx, tx, next, rev.Number, t)
}

// insertFollowUp writes to the outbox the tasks next returns for revision
// number, created at t; none when next is nil.
func insertFollowUp(ctx context.Context, tx *sql.Tx, next FollowUp, number int, t time.Time) ([]OutboxTask, error) {
	if next == nil {
		return nil, nil
	}
	tasks := next(number)
	for i := range tasks {
		if tasks[i].CreatedAt.IsZero() {
			tasks[i].CreatedAt = t
		}
		if err := insertOutbox(ctx, tx, &tasks[i], true); err != nil {
			return nil, err
		}
	}
	return tasks, nil
}

// insertRevision writes r; ID and CreatedAt are filled when empty.
func insertRevision(ctx context.Context, q execer, r *Revision) error {
	if r.ID == "" {
		r.ID = newID()
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = now()
	}
	r.CreatedAt = r.CreatedAt.UTC().Truncate(time.Microsecond)
	_, err := q.ExecContext(ctx, `INSERT INTO revisions
		(id, submission_id, number, title, body, body_html, author_id, author_name, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		r.ID, r.SubmissionID, r.Number, r.Title, r.Body, r.BodyHTML, nullString(r.AuthorID), r.AuthorName, micros(r.CreatedAt))
	return err
}
