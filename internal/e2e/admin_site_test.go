package e2e_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSiteBoundAdmin: an admin bound to a site manages only that site's
// accounts and can give no one (itself included) a wider scope, through the
// API and through the admin page alike; only an unbound admin changes
// instance-wide settings.
func TestSiteBoundAdmin(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db})
			ctx := context.Background()
			bound := b.editorToken("austin-admin@example.org", "admin", "Austin")
			self, _ := b.app.Store.UserByEmail(ctx, "austin-admin@example.org")
			local := b.acctUser("austin-ed@example.org", "editor", "Austin")
			far := b.acctUser("elpaso-ed@example.org", "editor", "El Paso")

			// The list holds its own site's accounts only.
			code, res := b.deskCall(http.MethodGet, "/api/v1/users", bound, nil)
			if code != http.StatusOK {
				t.Fatalf("list: %d", code)
			}
			for _, it := range res["items"].([]any) {
				if site := it.(map[string]any)["site"]; site != "Austin" {
					t.Errorf("the Austin admin lists %v (site %q)", it.(map[string]any)["email"], site)
				}
			}
			// Widening anyone's scope, its own first, is refused and changes nothing.
			for _, tc := range []struct {
				id   string
				body map[string]any
				want int
			}{
				{self.ID, map[string]any{"site": ""}, http.StatusForbidden},
				{self.ID, map[string]any{"site": "El Paso"}, http.StatusForbidden},
				{local.ID, map[string]any{"site": ""}, http.StatusForbidden},
				{local.ID, map[string]any{"site": "El Paso", "role": "admin"}, http.StatusForbidden},
				{far.ID, map[string]any{"site": "Austin"}, http.StatusNotFound},
				{far.ID, map[string]any{"disabled": true}, http.StatusNotFound},
				{far.ID, map[string]any{"new_invite": true}, http.StatusNotFound},
				{far.ID, map[string]any{"reset_two_factor": true}, http.StatusNotFound},
			} {
				code, res := b.deskCall(http.MethodPatch, "/api/v1/users/"+tc.id, bound, tc.body)
				if code != tc.want {
					t.Errorf("PATCH %s %v: %d %v, want %d", tc.id, tc.body, code, res, tc.want)
				}
				if f, _ := res["fields"].(map[string]any); tc.want == http.StatusForbidden && f["site"] == nil {
					t.Errorf("PATCH %v: the error names no field: %v", tc.body, res)
				}
			}
			for id, site := range map[string]string{self.ID: "Austin", local.ID: "Austin", far.ID: "El Paso"} {
				if u, _ := b.app.Store.UserByID(ctx, id); u.Site != site || u.Disabled || u.Role != map[bool]string{true: "admin", false: "editor"}[id == self.ID] {
					t.Errorf("after refused patches: %+v", u)
				}
			}
			for _, site := range []string{"", "El Paso"} {
				if code, _ := b.deskCall(http.MethodPost, "/api/v1/users", bound, map[string]string{"email": "new@example.org", "role": "admin", "site": site}); code != http.StatusForbidden {
					t.Errorf("invite to site %q: %d, want 403", site, code)
				}
			}
			if code, _ := b.deskCall(http.MethodPut, "/api/v1/settings", bound, map[string]any{"require_two_factor": false}); code != http.StatusForbidden {
				t.Errorf("a site's admin changed an instance-wide setting: %d", code)
			}
			// Within its site it still works.
			if code, res := b.deskCall(http.MethodPost, "/api/v1/users", bound, map[string]string{"email": "new@example.org", "role": "editor", "site": "austin"}); code != http.StatusCreated {
				t.Errorf("invite to its own site: %d %v", code, res)
			}
			if code, res := b.deskCall(http.MethodPatch, "/api/v1/users/"+local.ID, bound, map[string]any{"role": "staff"}); code != http.StatusOK {
				t.Errorf("patch an Austin account: %d %v", code, res)
			}

			// The admin page: the same rule.
			cookie := b.acctLogin("austin-admin@example.org")
			r := b.acctDo(http.MethodGet, "/admin/users", []string{cookie}, nil, nil)
			if r.code != http.StatusOK || strings.Contains(r.body, "elpaso-ed@example.org") || !strings.Contains(r.body, "austin-ed@example.org") {
				t.Errorf("users page: %d, lists El Paso: %v", r.code, strings.Contains(r.body, "elpaso-ed@example.org"))
			}
			if strings.Contains(r.body, `action="/admin/settings"`) || !strings.Contains(r.body, `id="site" name="site" value="Austin"`) {
				t.Error("the page offers a site's admin the settings, or no site in the invitation")
			}
			for path, want := range map[string]int{
				"/admin/users/" + self.ID + "/access":          http.StatusForbidden,
				"/admin/users/" + local.ID + "/access":         http.StatusForbidden,
				"/admin/users/" + far.ID + "/disable":          http.StatusNotFound,
				"/admin/users/" + far.ID + "/invite":           http.StatusNotFound,
				"/admin/settings":                              http.StatusForbidden,
				"/admin/users/" + far.ID + "/access":           http.StatusNotFound,
				"/admin/users/" + far.ID + "/reset-two-factor": http.StatusNotFound,
			} {
				if r := b.acctDo(http.MethodPost, path, []string{cookie}, url.Values{"role": {"admin"}, "site": {""}}, nil); r.code != want {
					t.Errorf("POST %s: %d, want %d", path, r.code, want)
				}
			}
			if r := b.acctDo(http.MethodPost, "/admin/users", []string{cookie}, url.Values{"email": {"page@example.org"}, "role": {"editor"}, "site": {""}}, nil); r.code != http.StatusForbidden {
				t.Errorf("page invite without a site: %d", r.code)
			}
			if u, _ := b.app.Store.UserByID(ctx, self.ID); u.Site != "Austin" {
				t.Errorf("the page widened the admin's own scope: %+v", u)
			}
			if u, _ := b.app.Store.UserByID(ctx, far.ID); u.Disabled {
				t.Error("the page disabled an El Paso account")
			}
			// An unbound admin manages every site.
			root, _ := b.adminToken()
			if code, _ := b.deskCall(http.MethodPatch, "/api/v1/users/"+far.ID, root, map[string]any{"site": ""}); code != http.StatusOK {
				t.Errorf("unbound admin: %d", code)
			}
		})
	}
}
