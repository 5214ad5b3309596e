package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/auth"
	"github.com/storydesk/storydesk/internal/store"
)

var otpSecret = regexp.MustCompile(`secret=([A-Z2-7]+)`)

// totpCode is the code for secret at now+offset.
func totpCode(t *testing.T, secret string, offset time.Duration) string {
	t.Helper()
	c, err := auth.TOTPCode(secret, time.Now().Add(offset))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wrongCode is a code that is valid in none of the accepted time steps.
func wrongCode(t *testing.T, secret string) string {
	for _, off := range []time.Duration{10 * time.Minute, 20 * time.Minute, 30 * time.Minute} {
		c := totpCode(t, secret, off)
		if c != totpCode(t, secret, -30*time.Second) && c != totpCode(t, secret, 0) && c != totpCode(t, secret, 30*time.Second) {
			return c
		}
	}
	t.Fatal("no wrong code found")
	return ""
}

// TestTwoFactor: enrollment on /account, then a two-step login on the web and
// through the API; each code works once.
func TestTwoFactor(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db})
			u := b.acctUser("ed@example.org", "editor", "")
			cookie := b.acctLogin("ed@example.org")
			r := b.acctDo(http.MethodGet, "/account/totp", []string{cookie}, nil, nil)
			m := otpSecret.FindStringSubmatch(r.body)
			if r.code != http.StatusOK || m == nil || !strings.Contains(r.body, "otpauth://totp/") {
				t.Fatalf("enroll page: %d\n%s", r.code, r.body)
			}
			secret := m[1]
			if !strings.Contains(r.body, secret[:4]+" "+secret[4:8]) {
				t.Error("the secret is not shown in groups")
			}
			if tp, err := b.app.Store.UserTOTP(context.Background(), u.ID); err != nil || strings.Contains(tp.Secret, secret) {
				t.Errorf("stored secret is not sealed: %v", err)
			}
			if r := b.acctDo(http.MethodPost, "/account/totp", []string{cookie}, url.Values{"code": {wrongCode(t, secret)}}, nil); r.code != http.StatusBadRequest {
				t.Errorf("wrong enrollment code: %d", r.code)
			}
			if r := b.acctDo(http.MethodPost, "/account/totp", []string{cookie}, url.Values{"code": {totpCode(t, secret, -30*time.Second)}}, nil); r.code != http.StatusSeeOther {
				t.Fatalf("enroll: %d %s", r.code, r.body)
			}
			if countAudit(t, b, u.ID, "two_factor_enabled") != 1 {
				t.Error("enrollment not audited")
			}

			// The password alone gives no session, only the code step.
			r = b.acctDo(http.MethodPost, "/login", nil, url.Values{"email": {"ed@example.org"}, "password": {acctPassword}, "next": {"/account"}}, nil)
			pending := r.cookie("__Host-storydesk-login")
			if r.code != http.StatusSeeOther || r.header.Get("Location") != "/login/totp" || pending == "" || r.cookie("__Host-storydesk") != "" {
				t.Fatalf("password step: %d %s", r.code, r.header.Get("Location"))
			}
			pc := "__Host-storydesk-login=" + pending
			if b.signedIn(pc) {
				t.Error("the pending cookie works as a session")
			}
			if r := b.acctDo(http.MethodGet, "/login/totp", []string{pc}, nil, nil); r.code != http.StatusOK || !strings.Contains(r.body, `autocomplete="one-time-code"`) {
				t.Errorf("code page: %d", r.code)
			}
			wrong := b.acctDo(http.MethodPost, "/login/totp", []string{pc}, url.Values{"code": {wrongCode(t, secret)}}, nil)
			noPending := b.acctDo(http.MethodPost, "/login/totp", []string{"__Host-storydesk-login=made-up"}, url.Values{"code": {wrongCode(t, secret)}}, nil)
			if wrong.code != http.StatusUnauthorized || noPending.code != wrong.code || noPending.body != wrong.body {
				t.Errorf("wrong code %d vs no pending login %d: answers differ", wrong.code, noPending.code)
			}
			now := totpCode(t, secret, 0)
			r = b.acctDo(http.MethodPost, "/login/totp", []string{pc}, url.Values{"code": {now}}, nil)
			session := r.cookie("__Host-storydesk")
			if r.code != http.StatusSeeOther || r.header.Get("Location") != "/account" || session == "" || !b.signedIn("__Host-storydesk="+session) {
				t.Fatalf("code step: %d %s", r.code, r.header.Get("Location"))
			}
			if b.acctDo(http.MethodPost, "/login/totp", []string{pc}, url.Values{"code": {now}}, nil).code != http.StatusUnauthorized {
				t.Error("the pending login worked twice")
			}

			// The API asks for the code in the same request, and a code works once.
			if code, res := b.apiLogin("ed@example.org", acctPassword, ""); code != http.StatusUnauthorized || res["fields"] == nil {
				t.Errorf("api without code: %d %v", code, res)
			}
			if code, _ := b.apiLogin("ed@example.org", acctPassword, now); code != http.StatusUnauthorized {
				t.Errorf("api with a used code: %d", code)
			}
			if code, res := b.apiLogin("ed@example.org", acctPassword, totpCode(t, secret, 30*time.Second)); code != http.StatusOK {
				t.Errorf("api with code: %d %v", code, res)
			}
		})
	}
}

// acctEnroll turns two-factor on for a user directly in the store and
// returns the secret.
func (b *bundle) acctEnroll(userID string) string {
	b.t.Helper()
	ctx := context.Background()
	secret, err := auth.NewTOTP()
	if err != nil {
		b.t.Fatal(err)
	}
	sealed, err := auth.NewSealer(b.app.Config.Secret).Seal(secret, userID)
	if err != nil {
		b.t.Fatal(err)
	}
	if err := b.app.Store.StartTOTP(ctx, userID, sealed); err != nil {
		b.t.Fatal(err)
	}
	if err := b.app.Store.EnableTOTP(ctx, userID, 0); err != nil {
		b.t.Fatal(err)
	}
	return secret
}

// TestTwoFactorRequired: the admin setting sends people without two-factor
// through enrollment right after the password; an admin reset makes a
// person enroll again.
func TestTwoFactorRequired(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "postgres"})
	admin, self := b.adminToken()
	ed := b.acctUser("ed@example.org", "editor", "")
	edCookie := b.acctLogin("ed@example.org")
	edToken, edHash, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.app.Store.CreateToken(context.Background(), store.Token{UserID: ed.ID, Name: "script", Hash: edHash}); err != nil {
		t.Fatal(err)
	}
	if code, _ := b.call(http.MethodGet, "/api/v1/submissions", edToken, ""); code != http.StatusOK {
		t.Fatalf("api token before the requirement: %d", code)
	}
	if code, _ := b.deskCall(http.MethodPut, "/api/v1/settings", admin, map[string]any{"require_two_factor": true}); code != http.StatusConflict {
		t.Errorf("require without own two-factor: %d", code)
	}
	adminSecret := b.acctEnroll(self.ID)
	if code, res := b.deskCall(http.MethodPut, "/api/v1/settings", admin, map[string]any{"require_two_factor": true}); code != http.StatusOK {
		t.Fatalf("require: %d %v", code, res)
	}
	if b.signedIn(edCookie) {
		t.Error("a session without two-factor survived the requirement")
	}
	if code, _ := b.apiLogin("ed@example.org", acctPassword, ""); code != http.StatusForbidden {
		t.Errorf("api login without two-factor: %d", code)
	}
	// A token made before (or by the CLI) is no way around the requirement.
	if code, res := b.call(http.MethodGet, "/api/v1/submissions", edToken, ""); code != http.StatusForbidden ||
		!strings.Contains(fmt.Sprint(res["error"]), "two-factor") {
		t.Errorf("api token without two-factor: %d %v", code, res)
	}
	enroll := func() string {
		r := b.acctDo(http.MethodPost, "/login", nil, url.Values{"email": {"ed@example.org"}, "password": {acctPassword}, "next": {"/desk"}}, nil)
		if r.code != http.StatusSeeOther || r.header.Get("Location") != "/login/enroll" || r.cookie("__Host-storydesk") != "" {
			t.Fatalf("password step: %d %s", r.code, r.header.Get("Location"))
		}
		pc := "__Host-storydesk-login=" + r.cookie("__Host-storydesk-login")
		for _, path := range []string{"/account", "/desk", "/admin/users"} {
			if r := b.acctDo(http.MethodGet, path, []string{pc}, nil, nil); r.code != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
				t.Errorf("%s before enrolling: %d", path, r.code)
			}
		}
		r = b.acctDo(http.MethodGet, "/login/enroll", []string{pc}, nil, nil)
		m := otpSecret.FindStringSubmatch(r.body)
		if r.code != http.StatusOK || m == nil {
			t.Fatalf("enroll page: %d", r.code)
		}
		if r := b.acctDo(http.MethodPost, "/login/enroll", []string{pc}, url.Values{"code": {wrongCode(t, m[1])}}, nil); r.code != http.StatusUnauthorized {
			t.Errorf("wrong enrollment code: %d", r.code)
		}
		r = b.acctDo(http.MethodPost, "/login/enroll", []string{pc}, url.Values{"code": {totpCode(t, m[1], 0)}}, nil)
		if r.code != http.StatusSeeOther || r.header.Get("Location") != "/desk" || r.cookie("__Host-storydesk") == "" {
			t.Fatalf("enroll: %d %s", r.code, r.header.Get("Location"))
		}
		return "__Host-storydesk=" + r.cookie("__Host-storydesk")
	}
	cookie := enroll()
	if r := b.acctDo(http.MethodGet, "/account", []string{cookie}, nil, nil); r.code != http.StatusOK {
		t.Errorf("account after enrolling: %d", r.code)
	}
	code, res := b.deskCall(http.MethodGet, "/api/v1/users", admin, nil)
	for _, it := range res["items"].([]any) {
		if u := it.(map[string]any); u["id"] == ed.ID && u["two_factor"] != true {
			t.Errorf("users list: %d %v", code, u)
		}
	}
	// A lost phone: the admin resets it, and the next login enrolls again.
	if code, res := b.deskCall(http.MethodPatch, "/api/v1/users/"+ed.ID, admin, map[string]any{"reset_two_factor": true}); code != http.StatusOK ||
		res["user"].(map[string]any)["two_factor"] != false {
		t.Fatalf("reset: %d %v", code, res)
	}
	if countAudit(t, b, ed.ID, "two_factor_reset") != 1 {
		t.Error("reset not audited")
	}
	enroll()
	// The page reset works too; the admin signs in with a code.
	r := b.acctDo(http.MethodPost, "/login", nil, url.Values{"email": {"admin@example.org"}, "password": {acctPassword}}, nil)
	r = b.acctDo(http.MethodPost, "/login/totp", []string{"__Host-storydesk-login=" + r.cookie("__Host-storydesk-login")},
		url.Values{"code": {totpCode(t, adminSecret, 0)}}, nil)
	adminCookie := "__Host-storydesk=" + r.cookie("__Host-storydesk")
	if r := b.acctDo(http.MethodPost, "/admin/users/"+ed.ID+"/reset-two-factor", []string{adminCookie}, url.Values{}, nil); r.code != http.StatusSeeOther {
		t.Fatalf("page reset: %d", r.code)
	}
	if _, err := b.app.Store.UserTOTP(context.Background(), ed.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after page reset: %v", err)
	}
	if countAudit(t, b, ed.ID, "two_factor_reset") != 2 {
		t.Error("page reset not audited")
	}
}

// TestTwoFactorThrottle: wrong codes count against the client's sign-in
// throttle (10 free failures, then waits) and a pending login allows 5
// tries; another client still signs in.
func TestTwoFactorThrottle(t *testing.T) {
	t.Parallel()
	clock := newFakeClock() // never moves: a wait stays a wait
	b := setup(t, options{db: "sqlite", clock: clock.now, env: map[string]string{"STORYDESK_TRUSTED_PROXIES": "127.0.0.1"}})
	u := b.acctUser("ed@example.org", "editor", "")
	secret := b.acctEnroll(u.ID)
	here := map[string]string{"X-Forwarded-For": "203.0.113.9"}
	password := func(client map[string]string) acctResp {
		return b.acctDo(http.MethodPost, "/login", nil, url.Values{"email": {"ed@example.org"}, "password": {acctPassword}}, client)
	}
	pendingCookie := func() string {
		r := password(here)
		if r.code != http.StatusSeeOther {
			t.Fatalf("password step: %d", r.code)
		}
		return "__Host-storydesk-login=" + r.cookie("__Host-storydesk-login")
	}
	try := func(pc, code string) int {
		return b.acctDo(http.MethodPost, "/login/totp", []string{pc}, url.Values{"code": {code}}, here).code
	}
	pc := pendingCookie()    // a right password is no failure
	for i := 0; i < 5; i++ { // failures 1-5
		if code := try(pc, wrongCode(t, secret)); code != http.StatusUnauthorized {
			t.Fatalf("wrong code %d: %d", i, code)
		}
	}
	if code := try(pc, totpCode(t, secret, 0)); code != http.StatusUnauthorized { // failure 6
		t.Errorf("right code after 5 wrong ones on one pending login: %d", code)
	}
	pc = pendingCookie()
	for i := 0; i < 4; i++ { // failures 7-10
		if code := try(pc, wrongCode(t, secret)); code != http.StatusUnauthorized {
			t.Fatalf("wrong code %d: %d", 7+i, code)
		}
	}
	if code := try(pc, totpCode(t, secret, 0)); code != http.StatusTooManyRequests {
		t.Errorf("after 10 failures: %d, want 429", code)
	}
	if r := password(here); r.code != http.StatusTooManyRequests {
		t.Errorf("password after wrong codes: %d, want 429", r.code)
	}
	if r := password(map[string]string{"X-Forwarded-For": "198.51.100.4"}); r.code != http.StatusSeeOther {
		t.Errorf("another client: %d, want 303", r.code)
	}
	if countAudit(t, b, u.ID, "login_code_failed") < 9 {
		t.Error("failed codes not audited")
	}
}
