package store

import (
	"context"
	"fmt"
)

// Expired counts the rows DeleteExpired removed.
type Expired struct {
	Sessions, PendingLogins, Invites int64
}

// DeleteExpired removes sessions, pending logins and invitations past their
// absolute expiry: each lookup already refuses them, so this only stops the
// tables growing and drops rows that name a user for no purpose. A session
// that idled out has an absolute expiry too, and goes then. Safe to run
// twice at once: a row deleted twice is deleted once.
func (s *Store) DeleteExpired(ctx context.Context) (Expired, error) {
	var n Expired
	t := micros(now())
	for _, d := range []struct {
		table string
		count *int64
	}{{"sessions", &n.Sessions}, {"login_pending", &n.PendingLogins}, {"invites", &n.Invites}} {
		// The table names are the constants above, never input.
		res, err := s.db.ExecContext(ctx, `DELETE FROM `+d.table+` WHERE expires_at <= $1`, t)
		if err != nil {
			return n, fmt.Errorf("store: delete expired %s: %w", d.table, err)
		}
		if *d.count, err = res.RowsAffected(); err != nil {
			return n, fmt.Errorf("store: delete expired %s: %w", d.table, err)
		}
	}
	return n, nil
}
