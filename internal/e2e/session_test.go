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

// Go's cookiejar does not send Secure cookies over http://, so these tests
// read Set-Cookie and send the Cookie header themselves.

func TestSessionCookie(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	b.acctUser("ed@example.org", "editor", "")
	r := b.acctDo(http.MethodPost, "/login", nil, url.Values{"email": {"ed@example.org"}, "password": {acctPassword}}, nil)
	var c *http.Cookie
	for _, x := range r.cookies {
		if x.Name == "__Host-storydesk" {
			c = x
		}
	}
	if c == nil {
		t.Fatalf("no session cookie: %d %v", r.code, r.header["Set-Cookie"])
	}
	if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Domain != "" || c.MaxAge != 12*3600 || len(c.Value) < 40 {
		t.Errorf("cookie = %+v", c)
	}
	// Nothing of the session goes in a URL.
	if strings.Contains(r.header.Get("Location"), c.Value) {
		t.Error("session id in the redirect")
	}
}

func TestSessionFixation(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	b.acctUser("ed@example.org", "editor", "")
	planted := "__Host-storydesk=attacker-chosen-value-0123456789abcdef"
	r := b.acctDo(http.MethodPost, "/login", []string{planted}, url.Values{"email": {"ed@example.org"}, "password": {acctPassword}}, nil)
	got := r.cookie("__Host-storydesk")
	if got == "" || "__Host-storydesk="+got == planted {
		t.Fatalf("login kept the planted id: %q", got)
	}
	if b.signedIn(planted) {
		t.Error("the planted id became a session")
	}
	// A real earlier session presented at login is replaced, and ends.
	first := "__Host-storydesk=" + got
	r = b.acctDo(http.MethodPost, "/login", []string{first}, url.Values{"email": {"ed@example.org"}, "password": {acctPassword}}, nil)
	second := "__Host-storydesk=" + r.cookie("__Host-storydesk")
	if second == first || !b.signedIn(second) {
		t.Errorf("second login: same id or not signed in")
	}
	if b.signedIn(first) {
		t.Error("the session presented at login still works")
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	b.acctUser("ed@example.org", "editor", "")
	cookie := b.acctLogin("ed@example.org")
	if r := b.acctDo(http.MethodGet, "/logout", []string{cookie}, nil, nil); r.code != http.StatusMethodNotAllowed {
		t.Errorf("GET /logout: %d, want 405", r.code)
	}
	if !b.signedIn(cookie) {
		t.Fatal("GET /logout signed out")
	}
	r := b.acctDo(http.MethodPost, "/logout", []string{cookie}, url.Values{}, nil)
	if r.code != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Errorf("POST /logout: %d %s", r.code, r.header.Get("Location"))
	}
	if r.cookie("__Host-storydesk") != "" {
		t.Error("logout did not clear the cookie")
	}
	if b.signedIn(cookie) {
		t.Error("the old cookie still works after logout")
	}
}

// TestSessionTimeouts sets session times in the store directly.
func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db})
			u := b.acctUser("ed@example.org", "editor", "")
			now := time.Now()
			for _, tc := range []struct {
				name          string
				created, seen time.Duration // before now
				expiresIn     time.Duration
				want          bool
			}{
				{"fresh", time.Minute, time.Minute, 11 * time.Hour, true},
				{"old but active", 11 * time.Hour, time.Minute, time.Hour, true},
				{"idle", 3 * time.Hour, 2*time.Hour + time.Minute, 9 * time.Hour, false},
				{"absolute", 12*time.Hour + time.Minute, time.Minute, -time.Minute, false},
			} {
				id := "test-session-" + tc.name + "-" + u.ID
				if err := b.app.Store.CreateSession(context.Background(), store.Session{IDHash: auth.HashToken(id), UserID: u.ID,
					CreatedAt: now.Add(-tc.created), LastSeenAt: now.Add(-tc.seen), ExpiresAt: now.Add(tc.expiresIn)}); err != nil {
					t.Fatal(err)
				}
				if got := b.signedIn("__Host-storydesk=" + url.QueryEscape(id)); got != tc.want {
					t.Errorf("%s: signed in = %v, want %v", tc.name, got, tc.want)
				}
			}
		})
	}
}

// TestCrossSite: a browser's cross-site POST is refused before it reaches
// the handler, for the login, the logout and an admin action.
func TestCrossSite(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	b.acctUser("admin@example.org", "admin", "")
	victim := b.acctUser("victim@example.org", "editor", "")
	cookie := b.acctLogin("admin@example.org")
	cross := []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}}
	for _, h := range cross {
		r := b.acctDo(http.MethodPost, "/login", nil, url.Values{"email": {"admin@example.org"}, "password": {acctPassword}}, h)
		if r.code != http.StatusForbidden || r.cookie("__Host-storydesk") != "" {
			t.Errorf("cross-site login %v: %d", h, r.code)
		}
		if r := b.acctDo(http.MethodPost, "/logout", []string{cookie}, url.Values{}, h); r.code != http.StatusForbidden {
			t.Errorf("cross-site logout %v: %d", h, r.code)
		}
		if r := b.acctDo(http.MethodPost, "/admin/users/"+victim.ID+"/disable", []string{cookie}, url.Values{}, h); r.code != http.StatusForbidden {
			t.Errorf("cross-site disable %v: %d", h, r.code)
		}
	}
	if !b.signedIn(cookie) {
		t.Error("a cross-site logout signed the admin out")
	}
	if u, _ := b.app.Store.UserByID(context.Background(), victim.ID); u.Disabled {
		t.Error("a cross-site POST disabled an account")
	}
	// The same request from the site itself works.
	if r := b.acctDo(http.MethodPost, "/admin/users/"+victim.ID+"/disable", []string{cookie}, url.Values{}, map[string]string{"Sec-Fetch-Site": "same-origin"}); r.code != http.StatusSeeOther {
		t.Errorf("same-origin disable: %d", r.code)
	}
}

// TestLoginNextStaysOnSite: ?next= on /login (the form's POST, and a GET
// while signed in) never sends the browser to another origin, whatever
// characters a browser would strip or re-read (internal/server's
// TestLocalPath holds the full list and the browser's rules).
func TestLoginNextStaysOnSite(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	b.acctUser("ed@example.org", "editor", "")
	cookie := b.acctLogin("ed@example.org")
	for _, next := range []string{"/\t/evil.example/x", "/\n/evil.example", `/\evil.example`, `\/evil.example`,
		"//evil.example", "/%2f/evil.example", "/%5c/evil.example", " /x", "https:evil.example", "javascript:alert(1)"} {
		r := b.acctDo(http.MethodGet, "/login?next="+url.QueryEscape(next), []string{cookie}, nil, nil)
		if r.code != http.StatusSeeOther || r.header.Get("Location") != "/desk" {
			t.Errorf("GET /login next=%q signed in: %d Location %q, want /desk", next, r.code, r.header.Get("Location"))
		}
		r = b.acctDo(http.MethodPost, "/login", nil, url.Values{"email": {"ed@example.org"}, "password": {acctPassword}, "next": {next}}, nil)
		if r.code != http.StatusSeeOther || r.header.Get("Location") != "/desk" {
			t.Errorf("POST /login next=%q: %d Location %q, want /desk", next, r.code, r.header.Get("Location"))
		}
	}
	r := b.acctDo(http.MethodGet, "/login?next="+url.QueryEscape("/desk?status=ready"), []string{cookie}, nil, nil)
	if loc := r.header.Get("Location"); loc != "/desk?status=ready" {
		t.Errorf("a path on this site: Location %q", loc)
	}
}
