package store

import (
	"context"
	"time"
)

// insertAttachment writes a; ID and CreatedAt are filled when empty (the
// latter with createdAt, the submission's time).
func insertAttachment(ctx context.Context, q execer, a *Attachment, createdAt time.Time) error {
	if a.ID == "" {
		a.ID = newID()
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = createdAt
	}
	a.CreatedAt = a.CreatedAt.UTC().Truncate(time.Microsecond)
	_, err := q.ExecContext(ctx, `INSERT INTO attachments
		(id, submission_id, object_key, filename, content_type, size, sha256, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		a.ID, a.SubmissionID, a.ObjectKey, a.Filename, a.ContentType, a.Size, a.SHA256, micros(a.CreatedAt))
	return err
}

// attachments lists a submission's attachments in upload order.
func attachments(ctx context.Context, q queryer, submissionID string) ([]Attachment, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, submission_id, object_key, filename, content_type, size, sha256, created_at
		FROM attachments WHERE submission_id = $1 ORDER BY created_at, id`, submissionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var (
			a       Attachment
			created int64
		)
		if err := rows.Scan(&a.ID, &a.SubmissionID, &a.ObjectKey, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &created); err != nil {
			return nil, err
		}
		a.CreatedAt = fromMicros(created)
		out = append(out, a)
	}
	return out, rows.Err()
}
