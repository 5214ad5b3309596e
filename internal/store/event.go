package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Events returns a submission's history, oldest first (empty for an unknown id).
func (s *Store) Events(ctx context.Context, id string) ([]Event, error) {
	// UUIDv7 ids break ties between events of the same microsecond in
	// insertion order.
	rows, err := s.db.QueryContext(ctx, `SELECT id, submission_id, actor_id, actor, action, from_status, to_status, detail, created_at
		FROM events WHERE submission_id = $1 ORDER BY created_at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: events %s: %w", id, err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var (
			e        Event
			actorID  sql.NullString
			from, to string
			created  int64
		)
		if err := rows.Scan(&e.ID, &e.SubmissionID, &actorID, &e.Actor, &e.Action, &from, &to, &e.Detail, &created); err != nil {
			return nil, fmt.Errorf("store: events %s: %w", id, err)
		}
		e.ActorID, e.FromStatus, e.ToStatus, e.CreatedAt = actorID.String, Status(from), Status(to), fromMicros(created)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: events %s: %w", id, err)
	}
	return out, nil
}

// insertEvent writes e; ID and CreatedAt are filled when empty.
func insertEvent(ctx context.Context, q execer, e *Event) error {
	if e.ID == "" {
		e.ID = newID()
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = now()
	}
	e.CreatedAt = e.CreatedAt.UTC().Truncate(time.Microsecond)
	_, err := q.ExecContext(ctx, `INSERT INTO events
		(id, submission_id, actor_id, actor, action, from_status, to_status, detail, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		e.ID, e.SubmissionID, nullString(e.ActorID), e.Actor, e.Action, string(e.FromStatus), string(e.ToStatus), e.Detail, micros(e.CreatedAt))
	return err
}
