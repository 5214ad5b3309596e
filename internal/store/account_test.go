package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestAccountTables covers invitations, two-factor, pending logins,
// settings, token expiry and the access-ending changes on both dialects.
func TestAccountTables(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		admin, err := s.CreateUser(ctx, User{Email: "admin@example.org", Role: "admin", PasswordHash: "h"})
		if err != nil {
			t.Fatal(err)
		}
		u, err := s.CreateUserWithInvite(ctx, User{Role: "admin"}, User{Email: "New@example.org", Role: "editor", PasswordHash: "ignored"},
			Invite{TokenHash: "inv-1", CreatedBy: admin.ID, ExpiresAt: time.Now().Add(time.Hour)})
		if err != nil || u.PasswordHash != "" || u.Email != "new@example.org" {
			t.Fatalf("CreateUserWithInvite = %+v, %v", u, err)
		}
		if _, err := s.CreateUserWithInvite(ctx, User{Role: "admin"}, User{Email: "new@example.org", Role: "editor"}, Invite{TokenHash: "inv-2", ExpiresAt: time.Now().Add(time.Hour)}); !errors.Is(err, ErrDuplicate) {
			t.Errorf("duplicate invite e-mail: %v", err)
		}
		if _, err := s.InviteUser(ctx, "inv-2"); !errors.Is(err, ErrNotFound) {
			t.Error("a failed invitation left its link behind")
		}
		if _, err := s.AcceptInvite(ctx, "inv-1", "pw-hash"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AcceptInvite(ctx, "inv-1", "other"); !errors.Is(err, ErrNotFound) {
			t.Errorf("second use: %v", err)
		}
		if got, _ := s.UserByID(ctx, u.ID); got.PasswordHash != "pw-hash" {
			t.Errorf("password after invite = %q", got.PasswordHash)
		}

		// Tokens: expiry; a password change and disabling revoke them all.
		past, future := time.Now().Add(-time.Minute), time.Now().Add(time.Hour)
		for _, tk := range []Token{
			{Hash: "cli"}, {Hash: "login", FromLogin: true, ExpiresAt: future}, {Hash: "expired", FromLogin: true, ExpiresAt: past},
		} {
			tk.UserID = u.ID
			if _, err := s.CreateToken(ctx, tk); err != nil {
				t.Fatal(err)
			}
		}
		live := func() map[string]bool {
			out := map[string]bool{}
			for _, h := range []string{"cli", "login", "expired"} {
				_, _, err := s.UserByToken(ctx, h)
				out[h] = err == nil
			}
			return out
		}
		if l := live(); !l["cli"] || !l["login"] || l["expired"] {
			t.Errorf("live tokens = %v", l)
		}
		if toks, _ := s.UserTokens(ctx, u.ID); len(toks) != 2 {
			t.Errorf("UserTokens = %d, want 2", len(toks))
		}
		now := time.Now()
		for _, id := range []string{"keep", "drop"} {
			if err := s.CreateSession(ctx, Session{IDHash: id, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetPassword(ctx, u.ID, "new-hash", "keep"); err != nil {
			t.Fatal(err)
		}
		if l := live(); l["cli"] || l["login"] {
			t.Errorf("after password change: %v", l)
		}
		if _, err := s.CreateToken(ctx, Token{UserID: u.ID, Hash: "cli-2"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, "keep", time.Hour); err != nil {
			t.Errorf("kept session: %v", err)
		}
		if _, _, err := s.SessionUser(ctx, "drop", time.Hour); !errors.Is(err, ErrNotFound) {
			t.Errorf("other session: %v", err)
		}
		if err := s.SetUserDisabled(ctx, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := s.SetUserDisabled(ctx, u.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.UserByToken(ctx, "cli-2"); !errors.Is(err, ErrNotFound) {
			t.Error("CLI token survived disabling")
		}
		if _, _, err := s.SessionUser(ctx, "keep", time.Hour); !errors.Is(err, ErrNotFound) {
			t.Error("session survived disabling")
		}

		// Two-factor: one unconfirmed secret, confirm once, each step once.
		if err := s.StartTOTP(ctx, u.ID, "sealed-1"); err != nil {
			t.Fatal(err)
		}
		if err := s.StartTOTP(ctx, u.ID, "sealed-2"); err != nil {
			t.Fatal(err)
		}
		if err := s.UseTOTPStep(ctx, u.ID, 5); !errors.Is(err, ErrConflict) {
			t.Errorf("step before enabling: %v", err)
		}
		if err := s.EnableTOTP(ctx, u.ID, 10); err != nil {
			t.Fatal(err)
		}
		if err := s.StartTOTP(ctx, u.ID, "sealed-3"); !errors.Is(err, ErrConflict) {
			t.Errorf("restart while enabled: %v", err)
		}
		if tp, _ := s.UserTOTP(ctx, u.ID); tp.Secret != "sealed-2" || !tp.Enabled() {
			t.Errorf("totp = %+v", tp)
		}
		for step, want := range map[int64]error{10: ErrConflict, 9: ErrConflict} {
			if err := s.UseTOTPStep(ctx, u.ID, step); !errors.Is(err, want) {
				t.Errorf("step %d: %v", step, err)
			}
		}
		if err := s.UseTOTPStep(ctx, u.ID, 11); err != nil {
			t.Errorf("step 11: %v", err)
		}
		if accts, _ := s.ListUsers(ctx, User{Role: "admin"}); len(accts) != 2 || !accts[1].TwoFactor || accts[0].TwoFactor {
			t.Errorf("ListUsers = %+v", accts)
		}
		if err := s.DeleteTOTP(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserTOTP(ctx, u.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("after reset: %v", err)
		}

		// Pending logins wear out.
		if err := s.CreatePendingLogin(ctx, PendingLogin{IDHash: "p", UserID: u.ID, Stage: PendingTOTP, ExpiresAt: time.Now().Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			if _, err := s.PendingLoginAttempt(ctx, "p", 2); err != nil {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		if _, err := s.PendingLoginAttempt(ctx, "p", 2); !errors.Is(err, ErrNotFound) {
			t.Errorf("third attempt: %v", err)
		}

		// Settings.
		if v, err := s.Setting(ctx, SettingRequireTwoFactor, "false"); err != nil || v != "false" {
			t.Errorf("default setting = %q, %v", v, err)
		}
		for _, v := range []string{"true", "false", "true"} {
			if err := s.PutSetting(ctx, SettingRequireTwoFactor, v); err != nil {
				t.Fatal(err)
			}
		}
		if v, _ := s.Setting(ctx, SettingRequireTwoFactor, "false"); v != "true" {
			t.Errorf("setting = %q", v)
		}

		// Digest marks are compare-and-set.
		t0 := time.Now().UTC().Truncate(time.Microsecond)
		if err := s.ClaimDigest(ctx, u.ID, time.Time{}, t0); err != nil {
			t.Fatal(err)
		}
		if err := s.ClaimDigest(ctx, u.ID, time.Time{}, t0.Add(time.Second)); !errors.Is(err, ErrConflict) {
			t.Errorf("second first claim: %v", err)
		}
		if err := s.ReleaseDigest(ctx, u.ID, time.Time{}, t0); err != nil {
			t.Fatal(err)
		}
		if err := s.ClaimDigest(ctx, u.ID, time.Time{}, t0); err != nil {
			t.Errorf("claim after release: %v", err)
		}
	})
}

// TestTouchTokenCoarse: a token's last use is written at most once a minute,
// so an API client does not cost a database write per request.
func TestTouchTokenCoarse(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		u, err := s.CreateUser(ctx, User{Email: "touch@example.org", Role: "editor"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateToken(ctx, Token{UserID: u.ID, Name: "cli", Hash: "touch-hash"}); err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		read := func() Token {
			t.Helper()
			_, tok, err := s.UserByToken(ctx, "touch-hash")
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		for _, step := range []struct {
			at, want time.Time
		}{
			{t0, t0},
			{t0.Add(30 * time.Second), t0},
			{t0.Add(59 * time.Second), t0},
			{t0.Add(61 * time.Second), t0.Add(61 * time.Second)},
			{t0.Add(90 * time.Second), t0.Add(61 * time.Second)},
		} {
			if err := s.TouchToken(ctx, read(), step.at); err != nil {
				t.Fatal(err)
			}
			// A request that read the token before the last write still writes nothing.
			stale := read()
			stale.LastUsedAt = time.Time{}
			if err := s.TouchToken(ctx, stale, step.at); err != nil {
				t.Fatal(err)
			}
			if got := read().LastUsedAt; !got.Equal(step.want) {
				t.Errorf("touched at %v: last used %v, want %v", step.at, got, step.want)
			}
		}
	})
}
