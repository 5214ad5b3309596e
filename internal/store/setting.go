package store

import (
	"context"
	"errors"
	"fmt"
)

// SettingRequireTwoFactor is "true" when every account must use two-factor.
const SettingRequireTwoFactor = "require_two_factor"

// Setting returns an instance-wide setting, or def when it was never set.
func (s *Store) Setting(ctx context.Context, name, def string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = $1`, name).Scan(&v)
	if err != nil {
		if errors.Is(notFound(err), ErrNotFound) {
			return def, nil
		}
		return "", fmt.Errorf("store: setting %s: %w", name, err)
	}
	return v, nil
}

// TwoFactorRequired reports whether an admin made two-factor sign-in
// mandatory for every account.
func (s *Store) TwoFactorRequired(ctx context.Context) (bool, error) {
	v, err := s.Setting(ctx, SettingRequireTwoFactor, "false")
	return v == "true", err
}

// PutSetting stores an instance-wide setting.
func (s *Store) PutSetting(ctx context.Context, name, value string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO settings (name, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, name, value, micros(now()))
	if err != nil {
		return fmt.Errorf("store: put setting %s: %w", name, err)
	}
	return nil
}

// EndSessionsWithoutTwoFactor signs out everyone who has no confirmed second
// factor, so that turning the requirement on takes effect at once: their
// next login leads through enrollment.
func (s *Store) EndSessionsWithoutTwoFactor(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id NOT IN
		(SELECT user_id FROM totp WHERE enabled_at IS NOT NULL)`)
	if err != nil {
		return fmt.Errorf("store: end sessions without two-factor: %w", err)
	}
	return nil
}
