package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Note is an editors' internal note on a submission. Notes are never shown
// to the submitter.
type Note struct {
	ID           string
	SubmissionID string
	AuthorID     string // user id
	Author       string // the user's e-mail at the time
	Body         string
	CreatedAt    time.Time
}

// Notes returns a submission's internal notes, oldest first (empty for an
// unknown id).
func (s *Store) Notes(ctx context.Context, id string) ([]Note, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, submission_id, author_id, author, body, created_at
		FROM notes WHERE submission_id = $1 ORDER BY created_at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: notes %s: %w", id, err)
	}
	defer rows.Close()
	var out []Note
	for rows.Next() {
		var (
			n       Note
			created int64
		)
		if err := rows.Scan(&n.ID, &n.SubmissionID, &n.AuthorID, &n.Author, &n.Body, &created); err != nil {
			return nil, fmt.Errorf("store: notes %s: %w", id, err)
		}
		n.CreatedAt = fromMicros(created)
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: notes %s: %w", id, err)
	}
	return out, nil
}

// AddNote stores an internal note on submission id together with a "note"
// history entry (which carries no text: history details never hold personal
// data). ID, SubmissionID and CreatedAt are filled; the stored note is
// returned. ErrNotFound if the submission does not exist.
func (s *Store) AddNote(ctx context.Context, id string, n Note) (Note, error) {
	n.ID, n.SubmissionID, n.CreatedAt = newID(), id, now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// Checked first so the caller gets ErrNotFound, not a driver's
		// foreign-key error.
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM submissions WHERE id = $1`, id).Scan(&one); err != nil {
			return notFound(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO notes (id, submission_id, author_id, author, body, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, n.ID, id, n.AuthorID, n.Author, n.Body, micros(n.CreatedAt)); err != nil {
			return err
		}
		ev := Event{SubmissionID: id, ActorID: n.AuthorID, Actor: n.Author, Action: "note", CreatedAt: n.CreatedAt}
		return insertEvent(ctx, tx, &ev)
	})
	if err != nil {
		return Note{}, fmt.Errorf("store: add note %s: %w", id, err)
	}
	return n, nil
}
