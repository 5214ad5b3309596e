package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// AddOutbox records tasks that must reach the queue. A task whose TaskID is
// already recorded is skipped: the TaskID is deterministic, so the same
// work is already on its way.
func (s *Store) AddOutbox(ctx context.Context, tasks ...OutboxTask) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for i := range tasks {
			if err := insertOutbox(ctx, tx, &tasks[i], true); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: add outbox: %w", err)
	}
	return nil
}

// insertOutbox writes t; ID and CreatedAt are filled when empty. With
// skipDuplicate a row with the same TaskID is left as it is.
func insertOutbox(ctx context.Context, q execer, t *OutboxTask, skipDuplicate bool) error {
	if t.ID == "" {
		t.ID = newID()
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now()
	}
	t.CreatedAt = t.CreatedAt.UTC().Truncate(time.Microsecond)
	query := `INSERT INTO outbox (id, submission_id, task_type, task_id, payload, created_at, enqueued_at, done_at, attempts)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
	if skipDuplicate {
		query += ` ON CONFLICT (task_id) DO NOTHING`
	}
	_, err := q.ExecContext(ctx, query, t.ID, nullString(t.SubmissionID), t.TaskType, t.TaskID, string(t.Payload),
		micros(t.CreatedAt), nullMicros(t.EnqueuedAt), nullMicros(t.DoneAt), t.Attempts)
	return err
}

// rearmOutbox writes t, or makes its row pending again when its TaskID is
// there already (done or not), so the reconciler runs it once more: for
// work whose handler decides afresh, from the database, whether anything
// is still owed.
func rearmOutbox(ctx context.Context, tx *sql.Tx, t *OutboxTask) error {
	if t.ID == "" {
		t.ID = newID()
	}
	t.CreatedAt = t.CreatedAt.UTC().Truncate(time.Microsecond)
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (id, submission_id, task_type, task_id, payload, created_at, attempts)
		VALUES ($1, $2, $3, $4, $5, $6, 0)
		ON CONFLICT (task_id) DO UPDATE SET created_at = excluded.created_at, enqueued_at = NULL, done_at = NULL`,
		t.ID, nullString(t.SubmissionID), t.TaskType, t.TaskID, string(t.Payload), micros(t.CreatedAt))
	return err
}

// PendingOutbox returns up to limit unfinished tasks, oldest first, that
// need (re-)enqueueing: never enqueued and created before olderThan (so a
// request still between commit and enqueue is left alone), or enqueued
// before olderThan and still not done (Redis may have lost them; the
// deterministic TaskID makes a second enqueue harmless).
func (s *Store) PendingOutbox(ctx context.Context, olderThan time.Time, limit int) ([]OutboxTask, error) {
	if limit <= 0 {
		// A reconciler pass should stay small; the next pass takes the rest.
		limit = 100
	}
	cut := micros(olderThan)
	rows, err := s.db.QueryContext(ctx, `SELECT id, submission_id, task_type, task_id, payload, created_at, enqueued_at, done_at, attempts
		FROM outbox
		WHERE done_at IS NULL AND ((enqueued_at IS NULL AND created_at < $1) OR enqueued_at < $2)
		ORDER BY created_at, id LIMIT $3`, cut, cut, limit)
	if err != nil {
		return nil, fmt.Errorf("store: pending outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxTask
	for rows.Next() {
		var (
			t                 OutboxTask
			subID             sql.NullString
			payload           string
			created, attempts int64
			enqueued, done    sql.NullInt64
		)
		if err := rows.Scan(&t.ID, &subID, &t.TaskType, &t.TaskID, &payload, &created, &enqueued, &done, &attempts); err != nil {
			return nil, fmt.Errorf("store: pending outbox: %w", err)
		}
		t.SubmissionID, t.Payload, t.Attempts = subID.String, []byte(payload), int(attempts)
		t.CreatedAt, t.EnqueuedAt, t.DoneAt = fromMicros(created), fromNullMicros(enqueued), fromNullMicros(done)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: pending outbox: %w", err)
	}
	return out, nil
}

// MarkEnqueued records that the queue accepted the task (again).
// ErrNotFound if no task has that TaskID.
func (s *Store) MarkEnqueued(ctx context.Context, taskID string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE outbox SET enqueued_at = $1, attempts = attempts + 1 WHERE task_id = $2`,
		micros(now()), taskID)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: mark enqueued %s: %w", taskID, err)
	}
	return nil
}

// MarkDone records that the task's handler finished, so the reconciler stops
// re-enqueueing it. Marking a done task again keeps the first time.
// ErrNotFound if no task has that TaskID (for example its submission was
// deleted meanwhile; handlers may ignore that).
func (s *Store) MarkDone(ctx context.Context, taskID string) error {
	if err := markDone(ctx, s.db, taskID); err != nil {
		return fmt.Errorf("store: mark done %s: %w", taskID, err)
	}
	return nil
}

func markDone(ctx context.Context, q queryer, taskID string) error {
	res, err := q.ExecContext(ctx, `UPDATE outbox SET done_at = COALESCE(done_at, $1) WHERE task_id = $2`, micros(now()), taskID)
	if err != nil {
		return err
	}
	return mustAffect(res)
}

// mustAffect returns ErrNotFound if res changed no row.
func mustAffect(res sql.Result) error { return affectedOr(res, ErrNotFound) }

// affectedOr returns none when the statement changed no row: ErrNotFound
// for a missing row, ErrConflict for a compare-and-set that lost.
func affectedOr(res sql.Result, none error) error {
	c, err := rowsAffected(res)
	if err != nil {
		return err
	}
	if c == 0 {
		return none
	}
	return nil
}
