package e2e_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/auth"
	"github.com/storydesk/storydesk/internal/store"
)

// TestPasswordChange: the current password is required; every other session
// ends and every API token is revoked (the CLI's too: a token is a credential
// the old password could have minted), while this session stays.
func TestPasswordChange(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db})
			u := b.acctUser("ed@example.org", "editor", "")
			here, other := b.acctLogin("ed@example.org"), b.acctLogin("ed@example.org")
			code, res := b.apiLogin("ed@example.org", acctPassword, "")
			if code != http.StatusOK {
				t.Fatalf("api login: %d %v", code, res)
			}
			loginTok := res["token"].(string)
			cliTok, hash, _ := auth.NewToken()
			if _, err := b.app.Store.CreateToken(context.Background(), store.Token{UserID: u.ID, Name: "cli", Hash: hash}); err != nil {
				t.Fatal(err)
			}
			change := func(current, pw, confirm string) acctResp {
				return b.acctDo(http.MethodPost, "/account/password", []string{here},
					url.Values{"current_password": {current}, "new_password": {pw}, "confirm_password": {confirm}}, nil)
			}
			for name, r := range map[string]acctResp{
				"wrong current": change("not my password!!", "a new long password", "a new long password"),
				"mismatch":      change(acctPassword, "a new long password", "a new long passwort"),
				"short":         change(acctPassword, "short", "short"),
			} {
				if r.code != http.StatusBadRequest || !strings.Contains(r.body, `aria-invalid="true"`) {
					t.Errorf("%s: %d", name, r.code)
				}
			}
			if !b.signedIn(other) {
				t.Fatal("a refused change ended a session")
			}
			if r := change(acctPassword, "a new long password", "a new long password"); r.code != http.StatusSeeOther {
				t.Fatalf("change: %d %s", r.code, r.body)
			}
			if !b.signedIn(here) || b.signedIn(other) {
				t.Error("want this session kept and the other one ended")
			}
			if code, _ := b.deskCall(http.MethodGet, "/api/v1/submissions", loginTok, nil); code != http.StatusUnauthorized {
				t.Errorf("login token after password change: %d, want 401", code)
			}
			if code, _ := b.deskCall(http.MethodGet, "/api/v1/submissions", cliTok, nil); code != http.StatusUnauthorized {
				t.Errorf("CLI token after password change: %d, want 401", code)
			}
			if code, _ := b.apiLogin("ed@example.org", acctPassword, ""); code != http.StatusUnauthorized {
				t.Errorf("old password: %d", code)
			}
			if code, _ := b.apiLogin("ed@example.org", "a new long password", ""); code != http.StatusOK {
				t.Errorf("new password: %d", code)
			}
			if countAudit(t, b, u.ID, "password_changed") != 1 {
				t.Error("password change not audited")
			}
		})
	}
}

// TestRecoveryEndsEveryCredential: an admin's reset (a new invitation) and
// the recovery it leads to end every session, pending login and API token,
// CLI tokens included, and the old password stops working at the reset.
func TestRecoveryEndsEveryCredential(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db})
			ctx := context.Background()
			admin, _ := b.adminToken()
			u := b.acctUser("ed@example.org", "editor", "")
			cliToken := func() string {
				tok, hash, _ := auth.NewToken()
				if _, err := b.app.Store.CreateToken(ctx, store.Token{UserID: u.ID, Name: "cli", Hash: hash}); err != nil {
					t.Fatal(err)
				}
				return tok
			}
			cookie, before := b.acctLogin("ed@example.org"), cliToken()
			_, res := b.apiLogin("ed@example.org", acctPassword, "")
			loginTok, _ := res["token"].(string)
			code, res := b.deskCall(http.MethodPatch, "/api/v1/users/"+u.ID, admin, map[string]any{"new_invite": true})
			if code != http.StatusOK {
				t.Fatalf("reset: %d %v", code, res)
			}
			for name, tok := range map[string]string{"CLI": before, "login": loginTok} {
				if code, _ := b.deskCall(http.MethodGet, "/api/v1/submissions", tok, nil); code != http.StatusUnauthorized {
					t.Errorf("%s token after the reset: %d, want 401", name, code)
				}
			}
			if b.signedIn(cookie) {
				t.Error("a session survived the reset")
			}
			if code, _ := b.apiLogin("ed@example.org", acctPassword, ""); code != http.StatusUnauthorized {
				t.Errorf("old password after the reset: %d, want 401", code)
			}
			// A token made between the reset and the recovery ends with the recovery.
			between := cliToken()
			path := inviteLink.FindString(res["invite_url"].(string))
			r := b.acctDo(http.MethodPost, path, nil, url.Values{"new_password": {"a brand new password"}, "confirm_password": {"a brand new password"}}, nil)
			if r.code != http.StatusSeeOther {
				t.Fatalf("recovery: %d", r.code)
			}
			if code, _ := b.deskCall(http.MethodGet, "/api/v1/submissions", between, nil); code != http.StatusUnauthorized {
				t.Errorf("CLI token after the recovery: %d, want 401", code)
			}
			if toks, _ := b.app.Store.UserTokens(ctx, u.ID); len(toks) != 0 {
				t.Errorf("live tokens after the recovery: %+v", toks)
			}
			if code, _ := b.apiLogin("ed@example.org", "a brand new password", ""); code != http.StatusOK {
				t.Errorf("new password: %d", code)
			}
		})
	}
}

// TestAPITokens: login tokens expire after 12 hours, CLI tokens do not; the
// account page lists and revokes one's own tokens only.
func TestAPITokens(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "postgres"})
	ctx := context.Background()
	u := b.acctUser("ed@example.org", "editor", "")
	code, res := b.apiLogin("ed@example.org", acctPassword, "")
	if code != http.StatusOK {
		t.Fatal(code, res)
	}
	exp, err := time.Parse(time.RFC3339, res["expires_at"].(string))
	if err != nil || time.Until(exp) < 11*time.Hour+59*time.Minute || time.Until(exp) > 12*time.Hour {
		t.Errorf("expires_at = %v (%v)", res["expires_at"], err)
	}
	toks, err := b.app.Store.UserTokens(ctx, u.ID)
	if err != nil || len(toks) != 1 || !toks[0].FromLogin || toks[0].ExpiresAt.IsZero() {
		t.Fatalf("stored tokens = %+v, %v", toks, err)
	}
	// A token past its expiry no longer works.
	old, oldHash, _ := auth.NewToken()
	if _, err := b.app.Store.CreateToken(ctx, store.Token{UserID: u.ID, Name: "session", Hash: oldHash, FromLogin: true,
		CreatedAt: time.Now().Add(-13 * time.Hour), ExpiresAt: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if code, _ := b.deskCall(http.MethodGet, "/api/v1/submissions", old, nil); code != http.StatusUnauthorized {
		t.Errorf("expired token: %d", code)
	}
	cli, cliHash, _ := auth.NewToken()
	cliTok, _ := b.app.Store.CreateToken(ctx, store.Token{UserID: u.ID, Name: "nightly-script", Hash: cliHash})
	cookie := b.acctLogin("ed@example.org")
	r := b.acctDo(http.MethodGet, "/account", []string{cookie}, nil, nil)
	if r.code != http.StatusOK || !strings.Contains(r.body, "nightly-script") || strings.Contains(r.body, cliHash) {
		t.Fatalf("account page: %d", r.code)
	}
	// Someone else's token cannot be revoked from this account.
	otherTok := b.editorToken("other@example.org", "editor", "")
	_, ot, _ := b.app.Store.UserByToken(ctx, auth.HashToken(otherTok))
	if r := b.acctDo(http.MethodPost, "/account/tokens/"+ot.ID+"/revoke", []string{cookie}, url.Values{}, nil); r.code != http.StatusNotFound {
		t.Errorf("revoke another's token: %d", r.code)
	}
	if code, _ := b.deskCall(http.MethodGet, "/api/v1/submissions", otherTok, nil); code != http.StatusOK {
		t.Error("another's token was revoked")
	}
	if r := b.acctDo(http.MethodPost, "/account/tokens/"+cliTok.ID+"/revoke", []string{cookie}, url.Values{}, nil); r.code != http.StatusSeeOther {
		t.Errorf("revoke own token: %d", r.code)
	}
	if code, _ := b.deskCall(http.MethodGet, "/api/v1/submissions", cli, nil); code != http.StatusUnauthorized {
		t.Errorf("revoked token: %d", code)
	}
}
