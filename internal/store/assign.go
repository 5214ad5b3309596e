package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Assignment says who is working on a submission.
type Assignment struct {
	SubmissionID string
	UserID       string
	Name         string // the assignee's name and e-mail, for display
	Email        string
	AssignedBy   string // user id of who claimed or assigned it
	AssignedAt   time.Time
}

// Assignment returns who is working on the submission; ErrNotFound when nobody is.
func (s *Store) Assignment(ctx context.Context, submissionID string) (Assignment, error) {
	var (
		a  Assignment
		at int64
	)
	err := s.db.QueryRowContext(ctx, `SELECT x.submission_id, x.user_id, u.name, u.email, x.assigned_by, x.assigned_at
		FROM assignments x JOIN users u ON u.id = x.user_id WHERE x.submission_id = $1`, submissionID).
		Scan(&a.SubmissionID, &a.UserID, &a.Name, &a.Email, &a.AssignedBy, &at)
	if err != nil {
		return Assignment{}, fmt.Errorf("store: assignment of %s: %w", submissionID, notFound(err))
	}
	a.AssignedAt = fromMicros(at)
	return a, nil
}

// AssignRequest is a change of who works on a submission.
type AssignRequest struct {
	UserID string // the new assignee; "" unassigns
	By     User   // who makes the change
	// Expect, when not nil, is the assignee the person saw ("" = nobody): if
	// someone else claimed it meanwhile the change is refused with
	// ErrConflict instead of silently taking the piece from them.
	Expect *string
}

// Assign sets or clears the submission's assignee and records an
// "assigned" event, in one transaction. It returns the previous assignee's
// user id and whether anything changed (assigning the current assignee
// again changes nothing). A submission in a final status (rejected,
// withdrawn) or a failed Expect gives ErrConflict; an unknown submission
// ErrNotFound. Whether the assignee may work on the submission's site is
// the caller's policy.
func (s *Store) Assign(ctx context.Context, submissionID string, r AssignRequest) (prev string, changed bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		status, err := s.lockStatus(ctx, tx, submissionID)
		if err != nil {
			return err
		}
		if status.Final() {
			return fmt.Errorf("submission is %s: %w", status, ErrConflict)
		}
		err = tx.QueryRowContext(ctx, `SELECT user_id FROM assignments WHERE submission_id = $1`, submissionID).Scan(&prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if r.Expect != nil && *r.Expect != prev {
			return fmt.Errorf("someone else changed the assignee: %w", ErrConflict)
		}
		if prev == r.UserID {
			return nil
		}
		t := now()
		detail := "unassigned"
		if r.UserID == "" {
			_, err = tx.ExecContext(ctx, `DELETE FROM assignments WHERE submission_id = $1`, submissionID)
		} else {
			detail = "assigned to " + r.UserID
			_, err = tx.ExecContext(ctx, `INSERT INTO assignments (submission_id, user_id, assigned_by, assigned_at)
				VALUES ($1, $2, $3, $4) ON CONFLICT (submission_id) DO UPDATE SET
				user_id = excluded.user_id, assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at`,
				submissionID, r.UserID, r.By.ID, micros(t))
		}
		if err != nil {
			return err
		}
		if r.UserID == r.By.ID {
			detail = "claimed"
		}
		changed = true
		ev := Event{SubmissionID: submissionID, ActorID: r.By.ID, Actor: r.By.Email, Action: "assigned", Detail: detail, CreatedAt: t}
		return insertEvent(ctx, tx, &ev)
	})
	if err != nil {
		return "", false, fmt.Errorf("store: assign %s: %w", submissionID, err)
	}
	return prev, changed, nil
}

// Assignees lists the enabled accounts with one of roles, by name then
// e-mail: the people submissions may be assigned to. Which of them may work
// on a given site is the caller's policy.
func (s *Store) Assignees(ctx context.Context, roles ...string) ([]User, error) {
	var a args
	ph := make([]string, len(roles))
	for i, r := range roles {
		ph[i] = a.add(r)
	}
	q := `SELECT ` + userColumns + ` FROM users WHERE NOT disabled`
	if len(roles) > 0 {
		q += ` AND role IN (` + strings.Join(ph, ", ") + `)`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY lower(name), email`, a...)
	if err != nil {
		return nil, fmt.Errorf("store: assignees: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: assignees: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: assignees: %w", err)
	}
	return out, nil
}
