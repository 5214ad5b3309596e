package store

// Store methods only the tests call: shortcuts that set up or inspect a
// case in one call, kept out of the API the application builds on.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// AddEvent appends ev to the submission's history (internal notes, actions
// that change no status). ID and CreatedAt are filled; the stored event is
// returned. ErrNotFound if the submission does not exist.
func (s *Store) AddEvent(ctx context.Context, id string, ev Event) (Event, error) {
	ev.SubmissionID = id
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// Checked first so the caller gets ErrNotFound, not a driver's
		// foreign-key error.
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM submissions WHERE id = $1`, id).Scan(&one); err != nil {
			return notFound(err)
		}
		return insertEvent(ctx, tx, &ev)
	})
	if err != nil {
		return Event{}, fmt.Errorf("store: add event %s: %w", id, err)
	}
	return ev, nil
}

// AddRevision records a new version of a submission's title and body (an
// editor's edit or the submitter's revision) and makes it the current one,
// in one transaction with ev (appended as given, SubmissionID filled).
// Number, ID and CreatedAt of rev are filled; the stored revision is returned.
// The original (number 1) is never changed. It queues no work; Revise does.
func (s *Store) AddRevision(ctx context.Context, id string, rev Revision, ev Event) (Revision, error) {
	rev, _, err := s.Revise(ctx, id, rev, ev, nil)
	return rev, err
}

// Counts returns the number of submissions in each status; statuses with
// none are absent.
func (s *Store) Counts(ctx context.Context) (map[Status]int, error) {
	out, err := s.statusCounts(ctx, Filter{})
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return out, nil
}

// DeleteSubmission removes a submission and, by cascade, its attachments,
// revisions, events, messages and outbox tasks. It returns the attachments'
// object keys so the caller can delete the files from S3 after the rows
// are gone (a crash in between leaves orphan objects, never dangling rows).
// It deletes one submission, so it also runs ForgetDeleted: no word of the
// piece is left in the search index or SQLite's write-ahead log when it
// returns. Should only that fail, the rows are gone: the keys come back
// with the error. The exports that held the piece are revoked, their
// archive keys returned with the attachments'.
func (s *Store) DeleteSubmission(ctx context.Context, id string, revoke RevokeTask) ([]string, error) {
	var keys []string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		atts, err := attachments(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, a := range atts {
			keys = append(keys, a.ObjectKey)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM submissions WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if err := affectedOr(res, ErrNotFound); err != nil {
			return err
		}
		archives, _, err := revokeExportsOf(ctx, tx, id, RevokedDeleted, revoke)
		keys = append(keys, archives...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: delete submission %s: %w", id, err)
	}
	if err := s.ForgetDeleted(ctx); err != nil {
		return keys, fmt.Errorf("store: delete submission %s: %w", id, err)
	}
	return keys, nil
}

// RevokeToken revokes token id; revoking it again keeps the first time.
func (s *Store) RevokeToken(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2`, micros(now()), id)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: revoke token %s: %w", id, err)
	}
	return nil
}

// ListSubmissions returns one page of the submissions matching f (sorted by
// f.Sort, newest first by default) without attachments, and the number of
// all matching submissions. It loads whole rows; the queue uses Queue.
func (s *Store) ListSubmissions(ctx context.Context, f Filter) ([]Submission, int, error) {
	o, ok := sortOrders[f.Sort]
	if !ok {
		return nil, 0, fmt.Errorf("store: list submissions: unknown sort %q", f.Sort)
	}
	page, perPage := pageBounds(f)
	var a args
	w := where(s.conds(f, &a, true, searchPlanned))
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM submissions s`+w, a...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: list submissions: count: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+submissionColumns("s")+` FROM submissions s`+w+
		` ORDER BY `+o.sql("s")+` LIMIT `+a.add(perPage)+` OFFSET `+a.add((page-1)*perPage), a...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list submissions: %w", err)
	}
	defer rows.Close()
	items := []Submission{}
	for rows.Next() {
		sub, err := scanSubmission(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: list submissions: %w", err)
		}
		items = append(items, sub)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: list submissions: %w", err)
	}
	return items, total, nil
}

// Transition moves submission id to status to if its current status is one
// of from, appending ev (SubmissionID, FromStatus, ToStatus and CreatedAt
// filled) in the same transaction, and returns the updated submission. If the
// current status is not in from it changes nothing and returns an error
// wrapping ErrConflict that names the current status. Which transitions are
// allowed is the caller's rule; this is only the compare-and-set.
func (s *Store) Transition(ctx context.Context, id string, from []Status, to Status, ev Event) (Submission, error) {
	var sub Submission
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.lockStatus(ctx, tx, id)
		if err != nil {
			return err
		}
		if !slices.Contains(from, cur) {
			return fmt.Errorf("status is %s, not %v: %w", cur, from, ErrConflict)
		}
		t := now()
		if _, err := tx.ExecContext(ctx, `UPDATE submissions SET status = $1, updated_at = $2 WHERE id = $3`,
			string(to), micros(t), id); err != nil {
			return err
		}
		ev.SubmissionID, ev.FromStatus, ev.ToStatus, ev.CreatedAt = id, cur, to, t
		if err := insertEvent(ctx, tx, &ev); err != nil {
			return err
		}
		sub, err = submissionWhere(ctx, tx, "id = $1", id)
		return err
	})
	if err != nil {
		return Submission{}, fmt.Errorf("store: transition %s to %s: %w", id, to, err)
	}
	return sub, nil
}

// ConsentLedger returns a submission's consent entries, oldest first (empty
// for an unknown id).
func (s *Store) ConsentLedger(ctx context.Context, id string) ([]ConsentEntry, error) {
	out, err := consentEntries(ctx, s.db, id)
	if err != nil {
		return nil, fmt.Errorf("store: consent ledger %s: %w", id, err)
	}
	return out, nil
}
