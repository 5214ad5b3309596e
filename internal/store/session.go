package store

import (
	"context"
	"fmt"
	"time"
)

// Session is a signed-in browser. Only a hash of its id is stored, so a
// database leak does not hand out live sessions.
type Session struct {
	IDHash     string
	UserID     string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute time-out
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, se Session) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, se.IDHash, se.UserID, micros(se.CreatedAt), micros(se.LastSeenAt), micros(se.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionUser returns the session with that id hash and its user, if the
// session has not expired (absolute) or idled past idle, and the user is not
// disabled. Anything else is ErrNotFound.
func (s *Store) SessionUser(ctx context.Context, idHash string, idle time.Duration) (Session, User, error) {
	var (
		se                       Session
		u                        User
		created, seen, exp, uCre int64
	)
	t := now()
	err := s.db.QueryRowContext(ctx, `SELECT s.id_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at,
			u.id, u.email, u.name, u.role, u.site, u.password_hash, u.disabled, u.created_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.disabled = $4`,
		idHash, micros(t), micros(t.Add(-idle)), false).
		Scan(&se.IDHash, &se.UserID, &created, &seen, &exp,
			&u.ID, &u.Email, &u.Name, &u.Role, &u.Site, &u.PasswordHash, &u.Disabled, &uCre)
	if err != nil {
		return Session{}, User{}, fmt.Errorf("store: session: %w", notFound(err))
	}
	se.CreatedAt, se.LastSeenAt, se.ExpiresAt, u.CreatedAt = fromMicros(created), fromMicros(seen), fromMicros(exp), fromMicros(uCre)
	return se, u, nil
}

// TouchSession moves the idle time-out forward.
func (s *Store) TouchSession(ctx context.Context, idHash string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2`, micros(now()), idHash); err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// DeleteSession ends one session (logout).
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}
