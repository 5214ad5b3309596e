package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// TOTP is a user's second factor. Secret is sealed by the caller (the store
// never sees it in the clear); a zero EnabledAt is an enrollment not yet
// confirmed with a code.
type TOTP struct {
	UserID    string
	Secret    string
	CreatedAt time.Time
	EnabledAt time.Time
	LastStep  int64 // the last time step whose code was accepted
}

// Enabled reports whether the second factor is confirmed and in force.
func (t TOTP) Enabled() bool { return !t.EnabledAt.IsZero() }

// StartTOTP stores a new, unconfirmed secret for a user, replacing an
// earlier unconfirmed one. A user whose two-factor is already on gets
// ErrConflict: it must be reset first.
func (s *Store) StartTOTP(ctx context.Context, userID, sealedSecret string) error {
	res, err := s.db.ExecContext(ctx, `INSERT INTO totp (user_id, secret, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at, last_step = 0
		WHERE totp.enabled_at IS NULL`, userID, sealedSecret, micros(now()))
	if err == nil {
		err = affectedOr(res, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: start totp: %w", err)
	}
	return nil
}

// UserTOTP returns a user's second factor, confirmed or not; ErrNotFound
// when there is none.
func (s *Store) UserTOTP(ctx context.Context, userID string) (TOTP, error) {
	var (
		t       TOTP
		created int64
		enabled sql.NullInt64
	)
	err := s.db.QueryRowContext(ctx, `SELECT user_id, secret, created_at, enabled_at, last_step FROM totp WHERE user_id = $1`, userID).
		Scan(&t.UserID, &t.Secret, &created, &enabled, &t.LastStep)
	if err != nil {
		return TOTP{}, fmt.Errorf("store: totp: %w", notFound(err))
	}
	t.CreatedAt, t.EnabledAt = fromMicros(created), fromNullMicros(enabled)
	return t, nil
}

// EnableTOTP confirms an enrollment whose code for time step was right.
// ErrNotFound when there is no unconfirmed secret.
func (s *Store) EnableTOTP(ctx context.Context, userID string, step int64) error {
	res, err := s.db.ExecContext(ctx, `UPDATE totp SET enabled_at = $1, last_step = $2 WHERE user_id = $3 AND enabled_at IS NULL`,
		micros(now()), step, userID)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: enable totp: %w", err)
	}
	return nil
}

// UseTOTPStep records that the code of time step was accepted. A step at or
// before the last one accepted is ErrConflict: a code works only once, even
// when two requests race with it.
func (s *Store) UseTOTPStep(ctx context.Context, userID string, step int64) error {
	res, err := s.db.ExecContext(ctx, `UPDATE totp SET last_step = $1 WHERE user_id = $2 AND enabled_at IS NOT NULL AND last_step < $1`,
		step, userID)
	if err == nil {
		err = affectedOr(res, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: use totp step: %w", err)
	}
	return nil
}

// DeleteTOTP removes a user's second factor (an admin's recovery reset).
// ErrNotFound when there was none.
func (s *Store) DeleteTOTP(ctx context.Context, userID string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM totp WHERE user_id = $1`, userID)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: delete totp: %w", err)
	}
	return nil
}
