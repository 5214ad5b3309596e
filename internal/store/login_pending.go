package store

import (
	"context"
	"fmt"
	"time"
)

// Stages of a pending login.
const (
	PendingTOTP   = "totp"   // the password was right; a code is due
	PendingEnroll = "enroll" // two-factor is required and the user has none yet
)

// PendingLogin is a login whose password was accepted but whose second step
// (a code, or enrolling two-factor) is still to come. It lives only
// minutes and grants nothing by itself; only a hash of its id is stored.
type PendingLogin struct {
	IDHash    string
	UserID    string
	Stage     string
	Next      string // where to go after the login
	Attempts  int
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreatePendingLogin stores a pending login.
func (s *Store) CreatePendingLogin(ctx context.Context, p PendingLogin) error {
	if p.CreatedAt.IsZero() {
		p.CreatedAt = now()
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO login_pending (id_hash, user_id, stage, next, attempts, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, p.IDHash, p.UserID, p.Stage, p.Next, p.Attempts, micros(p.CreatedAt), micros(p.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store: create pending login: %w", err)
	}
	return nil
}

// PendingLoginAttempt counts one attempt at the second step and returns the
// pending login, if it is live and has had fewer than maxAttempts before.
// Anything else is ErrNotFound (and a worn-out one is deleted).
func (s *Store) PendingLoginAttempt(ctx context.Context, idHash string, maxAttempts int) (PendingLogin, error) {
	t := micros(now())
	res, err := s.db.ExecContext(ctx, `UPDATE login_pending SET attempts = attempts + 1
		WHERE id_hash = $1 AND expires_at > $2 AND attempts < $3`, idHash, t, maxAttempts)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		_, _ = s.db.ExecContext(ctx, `DELETE FROM login_pending WHERE id_hash = $1`, idHash)
		return PendingLogin{}, fmt.Errorf("store: pending login: %w", err)
	}
	return s.PendingLogin(ctx, idHash)
}

// PendingLogin returns a live pending login; ErrNotFound otherwise.
func (s *Store) PendingLogin(ctx context.Context, idHash string) (PendingLogin, error) {
	var (
		p            PendingLogin
		created, exp int64
	)
	err := s.db.QueryRowContext(ctx, `SELECT id_hash, user_id, stage, next, attempts, created_at, expires_at
		FROM login_pending WHERE id_hash = $1 AND expires_at > $2`, idHash, micros(now())).
		Scan(&p.IDHash, &p.UserID, &p.Stage, &p.Next, &p.Attempts, &created, &exp)
	if err != nil {
		return PendingLogin{}, fmt.Errorf("store: pending login: %w", notFound(err))
	}
	p.CreatedAt, p.ExpiresAt = fromMicros(created), fromMicros(exp)
	return p, nil
}

// DeletePendingLogin ends a pending login (done, or abandoned). Expired ones
// are also removed here, so the table never grows.
func (s *Store) DeletePendingLogin(ctx context.Context, idHash string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM login_pending WHERE id_hash = $1 OR expires_at <= $2`, idHash, micros(now())); err != nil {
		return fmt.Errorf("store: delete pending login: %w", err)
	}
	return nil
}
