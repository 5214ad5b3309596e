package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// NamedRevision is a version of a piece made for one pitch (a shorter text
// within the outlet's word limit), in the pitch's language. It is listed
// with the piece's revisions under its name but never becomes the piece's
// current text; the pitch's package uses its newest one.
type NamedRevision struct {
	Revision // its Number counts the pitch's own named revisions, from 1
	PitchID  string
	Language string // the pitch's
	Name     string // "for <outlet>", the outlet's name when it was saved
	Outlet   string // the outlet's name now, read with it
}

const namedRevisionColumns = `id, submission_id, number, title, body, body_html, author_id, author_name, created_at,
	pitch_id, language, name`

// namedRevisionOutlet reads the outlet's name with a named revision.
const namedRevisionOutlet = `, (SELECT o.name FROM pitches p JOIN outlets o ON o.id = p.outlet_id WHERE p.id = pitch_revisions.pitch_id)`

func queryNamedRevisions(ctx context.Context, q queryer, where string, args ...any) ([]NamedRevision, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+namedRevisionColumns+namedRevisionOutlet+` FROM pitch_revisions `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []NamedRevision
	for rows.Next() {
		var (
			r                NamedRevision
			authorID         sql.NullString
			number, creation int64
		)
		if err := rows.Scan(&r.ID, &r.SubmissionID, &number, &r.Title, &r.Body, &r.BodyHTML, &authorID, &r.AuthorName,
			&creation, &r.PitchID, &r.Language, &r.Name, &r.Outlet); err != nil {
			return nil, err
		}
		r.Number, r.AuthorID, r.CreatedAt = int(number), authorID.String, fromMicros(creation)
		out = append(out, r)
	}
	return out, rows.Err()
}

// PitchRevisions lists pitch id's named revisions, the first first (empty
// when it has none).
func (s *Store) PitchRevisions(ctx context.Context, id string) ([]NamedRevision, error) {
	out, err := queryNamedRevisions(ctx, s.db, `WHERE pitch_id = $1 ORDER BY number`, id)
	if err != nil {
		return nil, fmt.Errorf("store: pitch revisions %s: %w", id, err)
	}
	return out, nil
}

// NamedRevisions lists the named revisions of every pitch of submission
// id, oldest first, for the piece's revision history.
func (s *Store) NamedRevisions(ctx context.Context, id string) ([]NamedRevision, error) {
	out, err := queryNamedRevisions(ctx, s.db, `WHERE submission_id = $1 ORDER BY created_at, pitch_id, number`, id)
	if err != nil {
		return nil, fmt.Errorf("store: named revisions %s: %w", id, err)
	}
	return out, nil
}

// PitchRevisionCheck is the rule a new named revision must pass, given the
// pitch (locked for the transaction, with its piece's status): it returns
// the revision to store (title, body, HTML, author, name).
type PitchRevisionCheck func(cur Pitch) (NamedRevision, error)

// RevisePitch adds the revision check returns as pitch id's newest named
// revision, in the pitch's language, and records its word count as the
// pitch's, with ev in the piece's history, in one transaction. The piece's
// own text and revisions are not touched. ErrNotFound if there is no such
// pitch; check's error is returned wrapped.
func (s *Store) RevisePitch(ctx context.Context, id string, words int, check PitchRevisionCheck, ev Event) (NamedRevision, error) {
	var rev NamedRevision
	at := now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// The UPDATE takes the pitch's row lock (PostgreSQL) or the write
		// lock (SQLite) first, so two saves cannot pick the same number.
		res, err := tx.ExecContext(ctx, `UPDATE pitches SET updated_at = updated_at WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		cur, err := scanPitch(tx.QueryRowContext(ctx, pitchSelect+` WHERE p.id = $1`, id))
		if err != nil {
			return notFound(err)
		}
		if rev, err = check(cur); err != nil {
			return err
		}
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) FROM pitch_revisions WHERE pitch_id = $1`, id).Scan(&last); err != nil {
			return err
		}
		rev.ID, rev.SubmissionID, rev.PitchID, rev.Language, rev.Outlet = newID(), cur.SubmissionID, id, cur.Language, cur.Outlet.Name
		rev.Number, rev.CreatedAt = int(last)+1, at.UTC().Truncate(time.Microsecond)
		if _, err := tx.ExecContext(ctx, `INSERT INTO pitch_revisions (`+namedRevisionColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			rev.ID, rev.SubmissionID, rev.Number, rev.Title, rev.Body, rev.BodyHTML, nullString(rev.AuthorID), rev.AuthorName,
			micros(rev.CreatedAt), rev.PitchID, rev.Language, rev.Name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pitches SET word_count = $1, updated_by = $2, updated_at = $3 WHERE id = $4`,
			words, ev.Actor, micros(at), id); err != nil {
			return err
		}
		ev.SubmissionID, ev.CreatedAt = cur.SubmissionID, at
		return insertEvent(ctx, tx, &ev)
	})
	if err != nil {
		return NamedRevision{}, fmt.Errorf("store: revise pitch %s: %w", id, err)
	}
	return rev, nil
}
