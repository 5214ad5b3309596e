package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// DigestRecipient is an account the e-mail digest goes to, with when its
// last digest covered up to (zero: never).
type DigestRecipient struct {
	User
	SentAt time.Time
}

// DigestRecipients lists the enabled accounts that have set a password
// (an invitation not yet accepted gets no mail).
func (s *Store) DigestRecipients(ctx context.Context) ([]DigestRecipient, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.id, u.email, u.name, u.role, u.site, u.password_hash, u.disabled, u.created_at, d.sent_at
		FROM users u LEFT JOIN digests d ON d.user_id = u.id
		WHERE u.disabled = $1 AND u.password_hash <> '' ORDER BY u.id`, false)
	if err != nil {
		return nil, fmt.Errorf("store: digest recipients: %w", err)
	}
	defer rows.Close()
	var out []DigestRecipient
	for rows.Next() {
		var (
			r       DigestRecipient
			created int64
			sent    sql.NullInt64
		)
		if err := rows.Scan(&r.ID, &r.Email, &r.Name, &r.Role, &r.Site, &r.PasswordHash, &r.Disabled, &created, &sent); err != nil {
			return nil, fmt.Errorf("store: digest recipients: %w", err)
		}
		r.CreatedAt, r.SentAt = fromMicros(created), fromNullMicros(sent)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: digest recipients: %w", err)
	}
	return out, nil
}

// ReadyCount counts the submissions that reached ready in (since, until],
// in site ("" = every site, compared case-insensitively as the queue does).
// A piece that came back ready twice in the window counts once.
func (s *Store) ReadyCount(ctx context.Context, site string, since, until time.Time) (int, error) {
	q := `SELECT COUNT(DISTINCT e.submission_id) FROM events e JOIN submissions s ON s.id = e.submission_id
		WHERE e.to_status = $1 AND e.created_at > $2 AND e.created_at <= $3`
	args := []any{string(StatusReady), micros(since), micros(until)}
	if site != "" {
		q += ` AND lower(s.site) = lower($4)`
		args = append(args, site)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: ready count: %w", err)
	}
	return n, nil
}

// ClaimDigest moves a user's digest mark from prev (zero: none yet) to at,
// only if it is still prev: of two workers, one sends. ErrConflict otherwise.
func (s *Store) ClaimDigest(ctx context.Context, userID string, prev, at time.Time) error {
	q, args := `UPDATE digests SET sent_at = $1 WHERE user_id = $2 AND sent_at = $3`, []any{micros(at), userID, micros(prev)}
	if prev.IsZero() {
		q, args = `INSERT INTO digests (user_id, sent_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, []any{userID, micros(at)}
	}
	res, err := s.db.ExecContext(ctx, q, args...)
	if err == nil {
		err = affectedOr(res, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: claim digest: %w", err)
	}
	return nil
}

// ReleaseDigest undoes a claim whose mail could not be sent, so the next
// run covers the same window again.
func (s *Store) ReleaseDigest(ctx context.Context, userID string, prev, at time.Time) error {
	q, args := `UPDATE digests SET sent_at = $1 WHERE user_id = $2 AND sent_at = $3`, []any{micros(prev), userID, micros(at)}
	if prev.IsZero() {
		q, args = `DELETE FROM digests WHERE user_id = $1 AND sent_at = $2`, []any{userID, micros(at)}
	}
	if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("store: release digest: %w", err)
	}
	return nil
}
