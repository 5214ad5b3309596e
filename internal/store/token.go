package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

const tokenColumns = `t.id, t.user_id, t.name, t.hash, t.created_at, t.last_used_at, t.revoked_at, t.expires_at, t.from_login`

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
	if !t.ExpiresAt.IsZero() {
		t.ExpiresAt = t.ExpiresAt.UTC().Truncate(time.Microsecond)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// Checked here so the caller gets ErrNotFound, not a driver's
		// foreign-key error.
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM users WHERE id = $1`, t.UserID).Scan(&one); err != nil {
			return notFound(err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO tokens (id, user_id, name, hash, created_at, last_used_at, revoked_at, expires_at, from_login)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
			t.ID, t.UserID, t.Name, t.Hash, micros(t.CreatedAt), nullMicros(t.LastUsedAt), nullMicros(t.RevokedAt),
			nullMicros(t.ExpiresAt), t.FromLogin)
		if err != nil {
			return err
		}
		if err := affectedOr(res, ErrDuplicate); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return Token{}, fmt.Errorf("store: create token: %w", err)
	}
	return t, nil
}

// UserByToken returns the user holding the token with that hash and the
// token itself. A revoked or expired token or a disabled user is
// ErrNotFound, so callers cannot tell those apart from a wrong token.
func (s *Store) UserByToken(ctx context.Context, hash string) (User, Token, error) {
	var (
		u        User
		uCreated int64
	)
	row := s.db.QueryRowContext(ctx, `SELECT u.id, u.email, u.name, u.role, u.site, u.password_hash, u.disabled, u.created_at, `+tokenColumns+`
		FROM tokens t JOIN users u ON u.id = t.user_id
		WHERE t.hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.disabled = $3`,
		hash, micros(now()), false)
	t, err := scanToken(row, &u.ID, &u.Email, &u.Name, &u.Role, &u.Site, &u.PasswordHash, &u.Disabled, &uCreated)
	if err != nil {
		return User{}, Token{}, fmt.Errorf("store: user by token: %w", notFound(err))
	}
	u.CreatedAt = fromMicros(uCreated)
	return u, t, nil
}

// UserTokens lists the live (neither revoked nor expired) tokens of a user,
// newest first.
func (s *Store) UserTokens(ctx context.Context, userID string) ([]Token, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+tokenColumns+` FROM tokens t
		WHERE t.user_id = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)
		ORDER BY t.created_at DESC, t.id DESC`, userID, micros(now()))
	if err != nil {
		return nil, fmt.Errorf("store: tokens of %s: %w", userID, err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("store: tokens of %s: %w", userID, err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: tokens of %s: %w", userID, err)
	}
	return out, nil
}

// scanToken scans tokenColumns after any leading destinations.
func scanToken(r scanner, lead ...any) (Token, error) {
	var (
		t                          Token
		created                    int64
		lastUsed, revoked, expires sql.NullInt64
	)
	dest := append(lead, &t.ID, &t.UserID, &t.Name, &t.Hash, &created, &lastUsed, &revoked, &expires, &t.FromLogin)
	if err := r.Scan(dest...); err != nil {
		return Token{}, err
	}
	t.CreatedAt, t.LastUsedAt = fromMicros(created), fromNullMicros(lastUsed)
	t.RevokedAt, t.ExpiresAt = fromNullMicros(revoked), fromNullMicros(expires)
	return t, nil
}

// touchEvery is how coarse a token's last use is: a script calling the API
// all day costs one write a minute, not one per request.
const touchEvery = time.Minute

// TouchToken records that token t (as read by UserByToken) was used at at,
// unless its last use is less than touchEvery before: then it writes
// nothing, and the condition in SQL keeps concurrent requests to one write.
func (s *Store) TouchToken(ctx context.Context, t Token, at time.Time) error {
	at = at.UTC().Truncate(time.Microsecond)
	if at.Sub(t.LastUsedAt) < touchEvery {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `UPDATE tokens SET last_used_at = $1
		WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)`, micros(at), t.ID, micros(at.Add(-touchEvery)))
	if err != nil {
		return fmt.Errorf("store: touch token %s: %w", t.ID, err)
	}
	return nil
}

// RevokeUserToken revokes token id only if it belongs to userID: someone
// else's token is ErrNotFound, as is an unknown one.
func (s *Store) RevokeUserToken(ctx context.Context, userID, id string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND user_id = $3`,
		micros(now()), id, userID)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: revoke token %s: %w", id, err)
	}
	return nil
}
