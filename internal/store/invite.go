package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Invite is a one-time link with which a person sets the password of an
// account an admin created. Only a hash of the link's token is stored.
type Invite struct {
	TokenHash string
	UserID    string
	CreatedBy string // the admin's user id
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateUserWithInvite creates u (without a password, so it cannot sign in
// yet) and its invitation in one transaction, as admin asked. An e-mail in
// use is ErrDuplicate; a site admin does not manage, ErrOutOfScope.
func (s *Store) CreateUserWithInvite(ctx context.Context, admin User, u User, inv Invite) (User, error) {
	if !Manages(admin, u.Site) {
		return User{}, fmt.Errorf("store: create user with invite: %w", ErrOutOfScope)
	}
	u.Email = normalizeEmail(u.Email)
	if u.ID == "" {
		u.ID = newID()
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = now()
	}
	u.PasswordHash = ""
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO users (`+userColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT DO NOTHING`, u.ID, u.Email, u.Name, u.Role, u.Site, "", false, micros(u.CreatedAt))
		if err != nil {
			return err
		}
		if err := affectedOr(res, ErrDuplicate); err != nil {
			return err
		}
		inv.UserID = u.ID
		return insertInvite(ctx, tx, inv)
	})
	if err != nil {
		return User{}, fmt.Errorf("store: create user with invite: %w", err)
	}
	return u, nil
}

// ReplaceInvite issues a new invitation for an existing user: an admin's
// reset (a forgotten password, a lost or suspected account). Earlier links
// stop working, and in the same transaction the password is cleared and
// every session, pending login and API token ends, so nothing the old
// password opened, or could open, survives the reset.
func (s *Store) ReplaceInvite(ctx context.Context, inv Invite) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, "", inv.UserID)
		if err == nil {
			err = mustAffect(res)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM invites WHERE user_id = $1`, inv.UserID); err != nil {
			return err
		}
		if err := endAccess(ctx, tx, inv.UserID, ""); err != nil {
			return err
		}
		return insertInvite(ctx, tx, inv)
	})
	if err != nil {
		return fmt.Errorf("store: replace invite: %w", err)
	}
	return nil
}

func insertInvite(ctx context.Context, tx *sql.Tx, inv Invite) error {
	if inv.CreatedAt.IsZero() {
		inv.CreatedAt = now()
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO invites (token_hash, user_id, created_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, inv.TokenHash, inv.UserID, inv.CreatedBy, micros(inv.CreatedAt), micros(inv.ExpiresAt))
	return err
}

// InviteUser returns the user a live (unused, unexpired) invitation is for,
// with the user enabled; anything else is ErrNotFound.
func (s *Store) InviteUser(ctx context.Context, tokenHash string) (User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT u.id, u.email, u.name, u.role, u.site, u.password_hash, u.disabled, u.created_at
		FROM invites i JOIN users u ON u.id = i.user_id
		WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2 AND u.disabled = $3`, tokenHash, micros(now()), false))
	if err != nil {
		return User{}, fmt.Errorf("store: invite: %w", notFound(err))
	}
	return u, nil
}

// AcceptInvite uses a live invitation once: it sets the user's password and,
// as any password change does, ends the user's sessions, pending logins and
// API tokens (those made since the link was issued too).
// A used, expired or unknown invitation is ErrNotFound and changes nothing.
func (s *Store) AcceptInvite(ctx context.Context, tokenHash, passwordHash string) (User, error) {
	u, err := s.InviteUser(ctx, tokenHash)
	if err != nil {
		return User{}, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		// Compare-and-set: of two simultaneous uses, one wins.
		res, err := tx.ExecContext(ctx, `UPDATE invites SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1`,
			micros(now()), tokenHash)
		if err == nil {
			err = mustAffect(res)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, passwordHash, u.ID); err != nil {
			return err
		}
		return endAccess(ctx, tx, u.ID, "")
	})
	if err != nil {
		return User{}, fmt.Errorf("store: accept invite: %w", err)
	}
	return u, nil
}
