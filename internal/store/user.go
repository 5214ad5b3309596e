package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

const userColumns = `id, email, name, role, site, password_hash, disabled, created_at`

// CreateUser stores u with its e-mail lower-cased; ID and CreatedAt are
// filled when empty. An e-mail already in use returns an error wrapping
// ErrDuplicate.
func (s *Store) CreateUser(ctx context.Context, u User) (User, error) {
	u.Email = normalizeEmail(u.Email)
	if u.ID == "" {
		u.ID = newID()
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = now()
	}
	u.CreatedAt = u.CreatedAt.UTC().Truncate(time.Microsecond)
	res, err := s.db.ExecContext(ctx, `INSERT INTO users (`+userColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT DO NOTHING`,
		u.ID, u.Email, u.Name, u.Role, u.Site, u.PasswordHash, u.Disabled, micros(u.CreatedAt))
	if err != nil {
		return User{}, fmt.Errorf("store: create user: %w", err)
	}
	if err := affectedOr(res, ErrDuplicate); err != nil {
		return User{}, fmt.Errorf("store: create user: %w", err)
	}
	return u, nil
}

// UserByEmail returns the user with that e-mail, compared case-insensitively.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, normalizeEmail(email)))
	if err != nil {
		return User{}, fmt.Errorf("store: user by email: %w", notFound(err))
	}
	return u, nil
}

// UserByID returns the user with that id.
func (s *Store) UserByID(ctx context.Context, id string) (User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return User{}, fmt.Errorf("store: user %s: %w", id, notFound(err))
	}
	return u, nil
}

// normalizeEmail is the stored form of an e-mail: the UNIQUE constraint is
// then case-insensitive in both dialects without citext or COLLATE NOCASE.
func normalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func scanUser(r scanner) (User, error) {
	var (
		u       User
		created int64
	)
	if err := r.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Site, &u.PasswordHash, &u.Disabled, &created); err != nil {
		return User{}, err
	}
	u.CreatedAt = fromMicros(created)
	return u, nil
}
