package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// CreateToken stores an API token (its hash only); ID and CreatedAt are
// filled when empty. A hash already stored returns an error wrapping
// ErrDuplicate; an unknown user returns ErrNotFound.
func (s *Store) CreateToken(ctx context.Context, t Token) (Token, error) {
	if t.ID == "" {
		t.ID = newID()
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now()
	}
	t.CreatedAt = t.CreatedAt.UTC().Truncate(time.Microsecond)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// Checked here so the caller gets ErrNotFound, not a driver's
		// foreign-key error.
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM users WHERE id = $1`, t.UserID).Scan(&one); err != nil {
			return notFound(err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO tokens (id, user_id, name, hash, created_at, last_used_at, revoked_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
			t.ID, t.UserID, t.Name, t.Hash, micros(t.CreatedAt), nullMicros(t.LastUsedAt), nullMicros(t.RevokedAt))
		if err != nil {
			return err
		}
		if c, err := rowsAffected(res); err != nil {
			return err
		} else if c == 0 {
			return ErrDuplicate
		}
		return nil
	})
	if err != nil {
		return Token{}, fmt.Errorf("store: create token: %w", err)
	}
	return t, nil
}

// UserByToken returns the user holding the token with that hash and the
// token itself. A revoked token or a disabled user is ErrNotFound, so
// callers cannot tell those apart from a wrong token.
func (s *Store) UserByToken(ctx context.Context, hash string) (User, Token, error) {
	var (
		u                 User
		t                 Token
		uCreated, created int64
		lastUsed, revoked sql.NullInt64
	)
	err := s.db.QueryRowContext(ctx, `SELECT u.id, u.email, u.name, u.role, u.site, u.password_hash, u.disabled, u.created_at,
			t.id, t.user_id, t.name, t.hash, t.created_at, t.last_used_at, t.revoked_at
		FROM tokens t JOIN users u ON u.id = t.user_id
		WHERE t.hash = $1 AND t.revoked_at IS NULL AND u.disabled = $2`, hash, false).
		Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Site, &u.PasswordHash, &u.Disabled, &uCreated,
			&t.ID, &t.UserID, &t.Name, &t.Hash, &created, &lastUsed, &revoked)
	if err != nil {
		return User{}, Token{}, fmt.Errorf("store: user by token: %w", notFound(err))
	}
	u.CreatedAt, t.CreatedAt = fromMicros(uCreated), fromMicros(created)
	t.LastUsedAt, t.RevokedAt = fromNullMicros(lastUsed), fromNullMicros(revoked)
	return u, t, nil
}

// TouchToken records that token id was just used.
func (s *Store) TouchToken(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE tokens SET last_used_at = $1 WHERE id = $2`, micros(now()), id)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: touch token %s: %w", id, err)
	}
	return nil
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
