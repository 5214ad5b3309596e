package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// RetentionCutoffs are the moments before which data has been kept long
// enough (see docs/privacy.md). Each rule is a compare-and-set: a row is
// changed only if it still matches when the change is made, so several
// retention jobs may run at once.
type RetentionCutoffs struct {
	ContactBefore    time.Time // contact details go once the final decision is older
	ClosedBefore     time.Time // rejected and withdrawn submissions go once that status is older
	UnreviewedBefore time.Time // received/ready submissions go once untouched since
}

// RetentionWork lists the submissions each rule applies to now.
type RetentionWork struct {
	Delete       []string // closed or unreviewed for too long: delete everything
	DropContact  []string // final decision older than the contact window
	DropIdentity []string // published without a "name" byline: name and contact go
}

// Statuses whose rules the retention job applies.
var (
	closedStatuses     = []Status{StatusRejected, StatusWithdrawn}
	unreviewedStatuses = []Status{StatusReceived, StatusReady}
	decidedStatuses    = []Status{StatusApproved, StatusRejected, StatusPublished, StatusWithdrawn}
)

// decidedAt is when the submission entered its current status: its latest
// event into that status, or its last update when the history has none.
const decidedAt = `COALESCE((SELECT MAX(e.created_at) FROM events e
	WHERE e.submission_id = submissions.id AND e.to_status = submissions.status), submissions.updated_at)`

// hasContact matches rows that still hold a way to reach the submitter.
const hasContact = `(contact_email <> '' OR contact_phone <> '')`

// RetentionDue lists what the retention rules apply to at the cutoffs.
func (s *Store) RetentionDue(ctx context.Context, c RetentionCutoffs) (RetentionWork, error) {
	var w RetentionWork
	var err error
	q, args := dueDelete(c, 1)
	if w.Delete, err = s.ids(ctx, `SELECT id FROM submissions WHERE `+q+` ORDER BY created_at`, args...); err != nil {
		return RetentionWork{}, fmt.Errorf("store: retention due: %w", err)
	}
	q, args = dueContact(c, 1)
	if w.DropContact, err = s.ids(ctx, `SELECT id FROM submissions WHERE `+q+` ORDER BY created_at`, args...); err != nil {
		return RetentionWork{}, fmt.Errorf("store: retention due: %w", err)
	}
	if w.DropIdentity, err = s.ids(ctx, `SELECT id FROM submissions WHERE `+dueIdentity+` ORDER BY created_at`); err != nil {
		return RetentionWork{}, fmt.Errorf("store: retention due: %w", err)
	}
	return w, nil
}

// PurgeSubmission deletes submission id, with everything that cascades from
// it, if a deletion rule still applies at the cutoffs, and returns its
// attachments' object keys and the archive keys of the exports that held it,
// which it revokes with their revoke tasks (see revokeExportsOf). ErrNotFound if it is gone or no
// longer due. The deleted words stay in the search index's storage and the
// rows in SQLite's write-ahead log until ForgetDeleted, which the caller
// runs once after its batch of purges.
func (s *Store) PurgeSubmission(ctx context.Context, id string, c RetentionCutoffs, revoke RevokeTask) ([]string, error) {
	q, args := dueDelete(c, 2)
	return s.purge(ctx, id, q, args, revoke, nil)
}

// purge deletes submission id if it matches the WHERE clause cond (its
// placeholders start at $2), revokes the exports that held it, and calls
// logged, if set, with the deleted object keys before the transaction
// commits: an error from logged keeps the row.
func (s *Store) purge(ctx context.Context, id, cond string, args []any, revoke RevokeTask, logged OnPurge) ([]string, error) {
	var keys []string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		atts, err := attachments(ctx, tx, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM submissions WHERE id = $1 AND `+cond, append([]any{id}, args...)...)
		if err != nil {
			return err
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		for _, a := range atts {
			keys = append(keys, a.ObjectKey)
		}
		archives, _, err := revokeExportsOf(ctx, tx, id, RevokedDeleted, revoke)
		keys = append(keys, archives...)
		if err != nil || logged == nil {
			return err
		}
		return logged(id, keys)
	})
	if err != nil {
		return nil, fmt.Errorf("store: purge submission %s: %w", id, err)
	}
	return keys, nil
}

// DropContact blanks the contact details of submission id if the contact
// rule still applies; it reports whether it changed the row.
func (s *Store) DropContact(ctx context.Context, id string, c RetentionCutoffs) (bool, error) {
	q, args := dueContact(c, 3)
	res, err := s.db.ExecContext(ctx, `UPDATE submissions SET contact_email = '', contact_phone = '', updated_at = $1
		WHERE id = $2 AND `+q, append([]any{micros(now()), id}, args...)...)
	if err != nil {
		return false, fmt.Errorf("store: drop contact %s: %w", id, err)
	}
	n, err := rowsAffected(res)
	if err != nil {
		return false, fmt.Errorf("store: drop contact %s: %w", id, err)
	}
	return n > 0, nil
}

// DropIdentity blanks the name and contact details of a published
// submission whose byline consent is not "name"; it reports whether it
// changed the row.
func (s *Store) DropIdentity(ctx context.Context, id string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE submissions SET author_name = '', contact_email = '', contact_phone = '', updated_at = $1
		WHERE id = $2 AND `+dueIdentity, micros(now()), id)
	if err != nil {
		return false, fmt.Errorf("store: drop identity %s: %w", id, err)
	}
	n, err := rowsAffected(res)
	if err != nil {
		return false, fmt.Errorf("store: drop identity %s: %w", id, err)
	}
	return n > 0, nil
}

// dueIdentity matches published rows that still name or reach a submitter
// who did not choose a "name" byline.
const dueIdentity = `status = 'published' AND consent_publish <> 'name' AND (author_name <> '' OR ` + hasContact + `)`

// dueDelete is the deletion rule as a WHERE clause whose placeholders start at $n.
func dueDelete(c RetentionCutoffs, n int) (string, []any) {
	closed, args := statusIn(closedStatuses, n)
	n += len(args)
	unreviewed, args2 := statusIn(unreviewedStatuses, n)
	n += len(args2)
	q := fmt.Sprintf(`((%s AND %s < $%d) OR (%s AND updated_at < $%d))`, closed, decidedAt, n, unreviewed, n+1)
	args = append(append(args, args2...), micros(c.ClosedBefore), micros(c.UnreviewedBefore))
	return q, args
}

// dueContact is the contact rule as a WHERE clause whose placeholders start at $n.
func dueContact(c RetentionCutoffs, n int) (string, []any) {
	decided, args := statusIn(decidedStatuses, n)
	q := fmt.Sprintf(`(%s AND %s AND %s < $%d)`, hasContact, decided, decidedAt, n+len(args))
	return q, append(args, micros(c.ContactBefore))
}

// statusIn is "status IN ($n, …)" with its arguments.
func statusIn(sts []Status, n int) (string, []any) {
	ph := make([]string, len(sts))
	args := make([]any, len(sts))
	for i, st := range sts {
		ph[i] = "$" + strconv.Itoa(n+i)
		args[i] = string(st)
	}
	return "status IN (" + strings.Join(ph, ", ") + ")", args
}

// ids runs a query returning one id per row.
func (s *Store) ids(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
