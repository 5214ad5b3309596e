package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// ErrOutOfScope means an admin bound to a site asked to give an account a
// scope beyond that site: all sites, or another one.
var ErrOutOfScope = errors.New("outside the admin's site")

// Manages is the one rule of who an admin may manage. An admin bound to a
// site manages only the accounts of that site and can give no account,
// its own included, a scope beyond it; an unbound admin manages every
// account and every site, and is the only one who manages "all sites"
// (unbound accounts, and instance-wide settings). Sites compare as the
// desk compares them, case-insensitively.
func Manages(admin User, site string) bool {
	return admin.Site == "" || site != "" && strings.EqualFold(admin.Site, site)
}

// ManagedUser returns account id when admin manages it. Another site's
// account is ErrNotFound: a site's admin does not learn that it exists.
func (s *Store) ManagedUser(ctx context.Context, admin User, id string) (User, error) {
	u, err := s.UserByID(ctx, id)
	if err == nil && !Manages(admin, u.Site) {
		err = fmt.Errorf("store: user %s: %w", id, ErrNotFound)
	}
	return u, err
}

// managedSite checks inside tx that admin manages account id as it is now
// and may give it site.
func managedSite(ctx context.Context, tx *sql.Tx, admin User, id, site string) error {
	var current string
	if err := tx.QueryRowContext(ctx, `SELECT site FROM users WHERE id = $1`, id).Scan(&current); err != nil {
		return notFound(err)
	}
	if !Manages(admin, current) {
		return ErrNotFound
	}
	if !Manages(admin, site) {
		return ErrOutOfScope
	}
	return nil
}
