package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// TranslationRevisions returns the revisions of submission id's translation
// into lang, the first first (empty when there is none). SubmissionID holds
// the submission's id.
func (s *Store) TranslationRevisions(ctx context.Context, id, lang string) ([]Revision, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, submission_id, number, title, body, body_html, author_id, author_name, created_at
		FROM translation_revisions WHERE submission_id = $1 AND language = $2 ORDER BY number`, id, lang)
	if err != nil {
		return nil, fmt.Errorf("store: translation revisions %s %s: %w", id, lang, err)
	}
	defer rows.Close()
	out, err := scanRevisions(rows)
	if err != nil {
		return nil, fmt.Errorf("store: translation revisions %s %s: %w", id, lang, err)
	}
	return out, nil
}

// ReviseTranslation adds rev as the newest revision of submission id's
// translation into lang and puts the translation back in draft, its
// approval cleared: new words need a new approval. ev and the outbox tasks
// next returns (the findings check) go in the same transaction; the caller
// enqueues the returned tasks after commit. ErrNotFound if there is no
// such translation. next may be nil.
func (s *Store) ReviseTranslation(ctx context.Context, id, lang string, rev Revision, ev Event, next FollowUp) (Translation, []OutboxTask, error) {
	at := now()
	var tasks []OutboxTask
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE translations SET status = $1, approved_by = '', approval_reason = '',
			approved_at = NULL, updated_at = $2 WHERE submission_id = $3 AND language = $4`,
			string(TranslationDraft), micros(at), id, lang)
		if err != nil {
			return err
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		// The UPDATE above holds the row lock, so two edits cannot pick the
		// same number.
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) FROM translation_revisions
			WHERE submission_id = $1 AND language = $2`, id, lang).Scan(&last); err != nil {
			return err
		}
		rev.Number = int(last) + 1
		if err := insertTranslationRevision(ctx, tx, id, lang, &rev, at); err != nil {
			return err
		}
		ev.SubmissionID, ev.CreatedAt = id, at
		if err := insertEvent(ctx, tx, &ev); err != nil {
			return err
		}
		tasks, err = insertFollowUp(ctx, tx, next, rev.Number, at)
		return err
	})
	if err != nil {
		return Translation{}, nil, fmt.Errorf("store: revise translation %s %s: %w", id, lang, err)
	}
	t, err := s.Translation(ctx, id, lang)
	return t, tasks, err
}

// insertTranslationRevision writes r, numbered by the caller, at t.
func insertTranslationRevision(ctx context.Context, q execer, id, lang string, r *Revision, t time.Time) error {
	r.ID, r.SubmissionID, r.CreatedAt = newID(), id, t.UTC().Truncate(time.Microsecond)
	_, err := q.ExecContext(ctx, `INSERT INTO translation_revisions
		(id, submission_id, language, number, title, body, body_html, author_id, author_name, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		r.ID, id, lang, r.Number, r.Title, r.Body, r.BodyHTML, nullString(r.AuthorID), r.AuthorName, micros(r.CreatedAt))
	return err
}
