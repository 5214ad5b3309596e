package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Account is a user as the admin page lists it: with whether two-factor is on.
type Account struct {
	User
	TwoFactor bool
}

// ListUsers returns the accounts admin manages (see Manages), ordered by e-mail.
func (s *Store) ListUsers(ctx context.Context, admin User) ([]Account, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.id, u.email, u.name, u.role, u.site, u.password_hash, u.disabled, u.created_at,
			t.enabled_at IS NOT NULL
		FROM users u LEFT JOIN totp t ON t.user_id = u.id ORDER BY u.email`)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		var (
			a       Account
			created int64
		)
		if err := rows.Scan(&a.ID, &a.Email, &a.Name, &a.Role, &a.Site, &a.PasswordHash, &a.Disabled, &created, &a.TwoFactor); err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		a.CreatedAt = fromMicros(created)
		if Manages(admin, a.Site) {
			out = append(out, a)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	return out, nil
}

// UpdateUserAccess changes a user's role and site scope as admin asked: an
// account admin does not manage is ErrNotFound, a site beyond admin's own
// ErrOutOfScope (see Manages). The sessions read the user on every
// request, so the change applies at once.
func (s *Store) UpdateUserAccess(ctx context.Context, admin User, id, role, site string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := managedSite(ctx, tx, admin, id, site); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET role = $1, site = $2 WHERE id = $3`, role, site, id)
		if err == nil {
			err = mustAffect(res)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: update user %s: %w", id, err)
	}
	return nil
}

// SetUserDisabled disables or enables an account. Disabling also ends every
// session and pending login and revokes every token, in the same
// transaction: nothing issued before stays usable if the account is enabled
// again.
func (s *Store) SetUserDisabled(ctx context.Context, id string, disabled bool) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $1 WHERE id = $2`, disabled, id)
		if err == nil {
			err = mustAffect(res)
		}
		if err != nil || !disabled {
			return err
		}
		return endAccess(ctx, tx, id, "")
	})
	if err != nil {
		return fmt.Errorf("store: disable user %s: %w", id, err)
	}
	return nil
}

// SetPassword stores a new password hash for a user and ends every session
// but keepSession (the id hash of the session that made the change; "" ends
// all), every pending login and invitation, and revokes every API token, the
// CLI's included: whoever knew the old password could have minted one.
func (s *Store) SetPassword(ctx context.Context, id, hash, keepSession string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, id)
		if err == nil {
			err = mustAffect(res)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM invites WHERE user_id = $1`, id); err != nil {
			return err
		}
		return endAccess(ctx, tx, id, keepSession)
	})
	if err != nil {
		return fmt.Errorf("store: set password of %s: %w", id, err)
	}
	return nil
}

// endAccess ends a user's sessions (but keepSession) and pending logins and
// revokes every token, inside tx.
func endAccess(ctx context.Context, tx *sql.Tx, userID, keepSession string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2`, userID, keepSession); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM login_pending WHERE user_id = $1`, userID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, micros(now()), userID)
	return err
}
