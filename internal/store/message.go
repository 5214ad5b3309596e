package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Messages returns the messages between editors and the submitter, oldest
// first (empty for an unknown id).
func (s *Store) Messages(ctx context.Context, id string) ([]Message, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, submission_id, from_editor, author_id, body, kind, created_at
		FROM messages WHERE submission_id = $1 ORDER BY created_at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: messages %s: %w", id, err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var (
			m        Message
			authorID sql.NullString
			created  int64
		)
		if err := rows.Scan(&m.ID, &m.SubmissionID, &m.FromEditor, &authorID, &m.Body, &m.Kind, &created); err != nil {
			return nil, fmt.Errorf("store: messages %s: %w", id, err)
		}
		m.AuthorID, m.CreatedAt = authorID.String, fromMicros(created)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: messages %s: %w", id, err)
	}
	return out, nil
}

// AddMessage stores a message on submission id. ID, SubmissionID and
// CreatedAt are filled; the stored message is returned. ErrNotFound if the
// submission does not exist.
func (s *Store) AddMessage(ctx context.Context, id string, m Message) (Message, error) {
	m.ID, m.SubmissionID, m.CreatedAt = newID(), id, now()
	// INSERT … SELECT so a missing submission inserts nothing instead of
	// surfacing a driver-specific foreign-key error. The casts give
	// PostgreSQL the parameter types a VALUES list would have implied.
	res, err := s.db.ExecContext(ctx, `INSERT INTO messages (id, submission_id, from_editor, author_id, body, kind, created_at)
		SELECT CAST($1 AS TEXT), id, CAST($2 AS BOOLEAN), CAST($3 AS TEXT), CAST($4 AS TEXT), CAST($5 AS TEXT), CAST($6 AS BIGINT)
		FROM submissions WHERE id = $7`,
		m.ID, m.FromEditor, nullString(m.AuthorID), m.Body, m.Kind, micros(m.CreatedAt), id)
	if err != nil {
		return Message{}, fmt.Errorf("store: add message %s: %w", id, err)
	}
	if err := affectedOr(res, ErrNotFound); err != nil {
		return Message{}, fmt.Errorf("store: add message %s: %w", id, err)
	}
	return m, nil
}

// insertMessage writes m on submission id at t, for transactions that do more.
func insertMessage(ctx context.Context, q execer, id string, m *Message, t time.Time) error {
	m.ID, m.SubmissionID, m.CreatedAt = newID(), id, t
	_, err := q.ExecContext(ctx, `INSERT INTO messages (id, submission_id, from_editor, author_id, body, kind, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, m.ID, id, m.FromEditor, nullString(m.AuthorID), m.Body, m.Kind, micros(t))
	return err
}
