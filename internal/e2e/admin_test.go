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

func TestUsersAPIAccess(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	admin, _ := b.adminToken()
	staff := b.editorToken("staff@example.org", "staff", "")
	for _, tc := range []struct {
		token string
		want  int
	}{{"", 401}, {"sdt_wrong", 401}, {b.token, 403}, {staff, 403}, {admin, 200}} {
		if code, _ := b.deskCall(http.MethodGet, "/api/v1/users", tc.token, nil); code != tc.want {
			t.Errorf("GET users with %q: %d, want %d", tc.token, code, tc.want)
		}
		if tc.want != 200 {
			if code, _ := b.deskCall(http.MethodPost, "/api/v1/users", tc.token, map[string]string{"email": "x@example.org", "role": "admin"}); code != tc.want {
				t.Errorf("POST users with %q: %d, want %d", tc.token, code, tc.want)
			}
			if code, _ := b.deskCall(http.MethodPatch, "/api/v1/users/x", tc.token, map[string]string{"role": "admin"}); code != tc.want {
				t.Errorf("PATCH users with %q: %d, want %d", tc.token, code, tc.want)
			}
		}
	}
	if _, err := b.app.Store.UserByEmail(context.Background(), "x@example.org"); err == nil {
		t.Error("a refused request created an account")
	}
	// The page: 403 for an editor, the login page without a session.
	b.acctUser("ed2@example.org", "editor", "")
	if r := b.acctDo(http.MethodGet, "/admin/users", []string{b.acctLogin("ed2@example.org")}, nil, nil); r.code != http.StatusForbidden {
		t.Errorf("editor on /admin/users: %d", r.code)
	}
	if r := b.acctDo(http.MethodGet, "/admin/users", nil, nil, nil); r.code != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("anonymous on /admin/users: %d", r.code)
	}
}

// TestInviteFlow: an admin invites, the link sets a password once, and the
// new account signs in.
func TestInviteFlow(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db})
			admin, _ := b.adminToken()
			for _, tc := range []struct {
				body  map[string]string
				field string
				want  int
			}{
				{map[string]string{"email": "not-an-address", "role": "editor"}, "email", 400},
				{map[string]string{"email": "new@example.org", "role": "boss"}, "role", 400},
				{map[string]string{"email": "new@example.org", "role": "editor", "site": strings.Repeat("x", 101)}, "site", 400},
				{map[string]string{"email": "editor@example.org", "role": "editor"}, "email", 409},
			} {
				code, res := b.deskCall(http.MethodPost, "/api/v1/users", admin, tc.body)
				if f, _ := res["fields"].(map[string]any); code != tc.want || f[tc.field] == nil {
					t.Errorf("invite %v: %d %v", tc.body, code, res)
				}
			}
			code, res := b.deskCall(http.MethodPost, "/api/v1/users", admin, map[string]string{"email": "New@Example.org", "name": "Invited Person", "role": "editor", "site": "Austin"})
			if code != http.StatusCreated {
				t.Fatalf("invite: %d %v", code, res)
			}
			link, _ := res["invite_url"].(string)
			path := inviteLink.FindString(link)
			exp, _ := time.Parse(time.RFC3339, res["invite_expires_at"].(string))
			if path == "" || time.Until(exp) < 7*24*time.Hour-time.Minute {
				t.Fatalf("invite link %q, expires %v", link, exp)
			}
			id := res["user"].(map[string]any)["id"].(string)
			if code, _ := b.apiLogin("new@example.org", "", ""); code != http.StatusBadRequest {
				t.Errorf("login before accepting: %d", code)
			}
			r := b.acctDo(http.MethodGet, path, nil, nil, nil)
			if r.code != http.StatusOK || !strings.Contains(r.body, "new@example.org") {
				t.Fatalf("invite page: %d", r.code)
			}
			if r := b.acctDo(http.MethodPost, path, nil, url.Values{"new_password": {"short"}, "confirm_password": {"short"}}, nil); r.code != http.StatusBadRequest {
				t.Errorf("short password: %d", r.code)
			}
			if r := b.acctDo(http.MethodPost, path, nil, url.Values{"new_password": {acctPassword}, "confirm_password": {acctPassword + "x"}}, nil); r.code != http.StatusBadRequest {
				t.Errorf("mismatch: %d", r.code)
			}
			r = b.acctDo(http.MethodPost, path, nil, url.Values{"new_password": {acctPassword}, "confirm_password": {acctPassword}}, nil)
			if r.code != http.StatusSeeOther || r.header.Get("Location") != "/login?done=password_set" {
				t.Fatalf("accept: %d %s", r.code, r.body)
			}
			if r := b.acctDo(http.MethodGet, path, nil, nil, nil); r.code != http.StatusNotFound {
				t.Errorf("used link: %d, want 404", r.code)
			}
			if r := b.acctDo(http.MethodPost, path, nil, url.Values{"new_password": {"another long password"}, "confirm_password": {"another long password"}}, nil); r.code != http.StatusNotFound {
				t.Errorf("used link posted again: %d, want 404", r.code)
			}
			if code, _ := b.apiLogin("new@example.org", acctPassword, ""); code != http.StatusOK {
				t.Errorf("login after accepting: %d", code)
			}
			// An expired link is a 404 too.
			if err := b.app.Store.ReplaceInvite(context.Background(), store.Invite{TokenHash: auth.HashToken("expired-token-value"), UserID: id,
				ExpiresAt: time.Now().Add(-time.Minute)}); err != nil {
				t.Fatal(err)
			}
			if r := b.acctDo(http.MethodGet, "/invite/expired-token-value", nil, nil, nil); r.code != http.StatusNotFound {
				t.Errorf("expired link: %d", r.code)
			}
			// The page shows a new link once, and the audit log holds the e-mail but neither the name nor the link.
			cookie := b.acctLoginAdminPage(t)
			r = b.acctDo(http.MethodPost, "/admin/users", []string{cookie}, url.Values{"email": {"page@example.org"}, "name": {"Page Person"}, "role": {"staff"}}, nil)
			if r.code != http.StatusSeeOther || r.header.Get("Location") != "/admin/users" || inviteLink.MatchString(r.header.Get("Location")) {
				t.Fatalf("invite on the page: %d %q", r.code, r.header.Get("Location"))
			}
			// The link is on the page the form leads to, carried there by the flash cookie.
			r = b.acctDo(http.MethodGet, "/admin/users", []string{cookie, "__Host-storydesk-flash=" + r.cookie("__Host-storydesk-flash")}, nil, nil)
			pagePath := inviteLink.FindString(r.body)
			if r.code != http.StatusOK || pagePath == "" {
				t.Fatalf("invite on the page: the page it leads to answers %d, link %q", r.code, pagePath)
			}
			if r := b.acctDo(http.MethodGet, "/admin/users", []string{cookie}, nil, nil); inviteLink.MatchString(r.body) {
				t.Error("the link is shown again")
			}
			// The page answers a clash as the API does: 409, the form kept.
			r = b.acctDo(http.MethodPost, "/admin/users", []string{cookie}, url.Values{"email": {"page@example.org"}, "name": {"Again"}, "role": {"staff"}}, nil)
			if r.code != http.StatusConflict || !strings.Contains(r.body, "Again") {
				t.Errorf("second invite of the same e-mail on the page: %d", r.code)
			}
			log, _ := b.app.Store.AuditLog(context.Background(), "", 0)
			invited := 0
			for _, e := range log {
				if e.Action == "user_invited" {
					invited++
				}
				if strings.Contains(e.Detail, "Person") || strings.Contains(e.Detail, pagePath[8:]) || strings.Contains(e.Detail, path[8:]) {
					t.Errorf("audit detail %q holds personal data or the link", e.Detail)
				}
			}
			if invited != 2 {
				t.Errorf("%d invitations audited, want 2", invited)
			}
		})
	}
}

// acctLoginAdminPage signs admin@example.org in (created by adminToken) with
// the bundle's standard password.
func (b *bundle) acctLoginAdminPage(t *testing.T) string {
	t.Helper()
	return b.acctLogin("admin@example.org")
}

// TestAdminChanges: role and site, disable (ends sessions and tokens),
// enable, and the guards against locking oneself out.
func TestAdminChanges(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db})
			ctx := context.Background()
			admin, self := b.adminToken()
			ed := b.acctUser("ed@example.org", "editor", "")
			edCookie := b.acctLogin("ed@example.org")
			_, res := b.apiLogin("ed@example.org", acctPassword, "")
			edToken := res["token"].(string)

			if code, res := b.deskCall(http.MethodPatch, "/api/v1/users/"+ed.ID, admin, map[string]any{"role": "staff", "site": "El Paso"}); code != http.StatusOK ||
				res["user"].(map[string]any)["role"] != "staff" {
				t.Errorf("patch access: %d %v", code, res)
			}
			if code, _ := b.deskCall(http.MethodPatch, "/api/v1/users/"+ed.ID, admin, map[string]any{"role": "root", "disabled": true}); code != http.StatusBadRequest {
				t.Errorf("bad role: %d", code)
			}
			if u, _ := b.app.Store.UserByID(ctx, ed.ID); u.Role != "staff" || u.Site != "El Paso" || u.Disabled {
				t.Errorf("after patches: %+v", u)
			}
			if code, _ := b.deskCall(http.MethodPatch, "/api/v1/users/nope", admin, map[string]any{"role": "staff"}); code != http.StatusNotFound {
				t.Errorf("unknown user: %d", code)
			}
			for _, body := range []map[string]any{{"disabled": true}, {"role": "editor"}} {
				if code, _ := b.deskCall(http.MethodPatch, "/api/v1/users/"+self.ID, admin, body); code != http.StatusConflict {
					t.Errorf("self %v: %d", body, code)
				}
			}

			if code, _ := b.deskCall(http.MethodPatch, "/api/v1/users/"+ed.ID, admin, map[string]any{"disabled": true}); code != http.StatusOK {
				t.Fatalf("disable: %d", code)
			}
			if b.signedIn(edCookie) {
				t.Error("a disabled account's session still works")
			}
			if code, _ := b.apiLogin("ed@example.org", acctPassword, ""); code != http.StatusUnauthorized {
				t.Errorf("disabled login: %d", code)
			}
			// The page enables it again; old tokens stay revoked.
			cookie := b.acctLogin("admin@example.org")
			if r := b.acctDo(http.MethodPost, "/admin/users/"+ed.ID+"/enable", []string{cookie}, url.Values{}, nil); r.code != http.StatusSeeOther {
				t.Fatalf("enable: %d", r.code)
			}
			if code, _ := b.deskCall(http.MethodGet, "/api/v1/submissions", edToken, nil); code != http.StatusUnauthorized {
				t.Errorf("token issued before disabling: %d", code)
			}
			if r := b.acctDo(http.MethodPost, "/admin/users/"+ed.ID+"/access", []string{cookie}, url.Values{"role": {"editor"}, "site": {"Austin"}}, nil); r.code != http.StatusSeeOther {
				t.Errorf("page access: %d", r.code)
			}
			if r := b.acctDo(http.MethodPost, "/admin/users/"+self.ID+"/disable", []string{cookie}, url.Values{}, nil); r.code != http.StatusConflict {
				t.Errorf("page self-disable: %d", r.code)
			}
			r := b.acctDo(http.MethodGet, "/admin/users", []string{cookie}, nil, nil)
			if r.code != http.StatusOK || !strings.Contains(r.body, "ed@example.org") || !strings.Contains(r.body, `value="Austin"`) {
				t.Errorf("users page: %d", r.code)
			}
			for action, want := range map[string]int{"user_access_changed": 2, "user_disabled": 1, "user_enabled": 1} {
				if n := countAudit(t, b, ed.ID, action); n != want {
					t.Errorf("%s audited %d times, want %d", action, n, want)
				}
			}
		})
	}
}
