package e2e_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestLoginThrottlesTheAttacker: a client that guesses wrong 20 times is
// slowed down more and more (429 with Retry-After), while the real person,
// on another client, still signs in, by the form and by the API.
func TestLoginThrottlesTheAttacker(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	b := setup(t, options{db: "sqlite", clock: clock.now, env: map[string]string{"STORYDESK_TRUSTED_PROXIES": "127.0.0.1"}})
	b.acctUser("ed@example.org", "editor", "")
	attacker := map[string]string{"X-Forwarded-For": "203.0.113.9"}
	wrong := url.Values{"email": {"ed@example.org"}, "password": {"not the password"}}
	right := url.Values{"email": {"ed@example.org"}, "password": {acctPassword}}
	var last time.Duration
	for failures := 0; failures < 20; {
		r := b.acctDo(http.MethodPost, "/login", nil, wrong, attacker)
		switch r.code {
		case http.StatusUnauthorized:
			failures++
		case http.StatusTooManyRequests:
			wait := clock.wait(r)
			if failures < 10 || wait <= 0 || wait < last {
				t.Fatalf("after %d failures: 429, Retry-After %v (the last one %v)", failures, wait, last)
			}
			last = wait
			clock.add(wait)
		default:
			t.Fatalf("wrong password: %d", r.code)
		}
	}
	r := b.acctDo(http.MethodPost, "/login", nil, right, attacker)
	if r.code != http.StatusTooManyRequests || clock.wait(r) != 15*time.Minute {
		t.Errorf("the attacker's next try: %d, Retry-After %q, want 429 and 900", r.code, r.header.Get("Retry-After"))
	}
	// The real person, elsewhere, is not locked out.
	r = b.acctDo(http.MethodPost, "/login", nil, right, map[string]string{"X-Forwarded-For": "198.51.100.4"})
	if r.code != http.StatusSeeOther || r.cookie("__Host-storydesk") == "" {
		t.Errorf("the real person's sign-in after the attack: %d, want 303 and a session", r.code)
	}
	req, _ := http.NewRequest(http.MethodPost, b.url+"/api/v1/sessions", strings.NewReader(`{"email": "ed@example.org", "password": "`+acctPassword+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", "2001:db8:7::1")
	if code, res := b.do(req); code != http.StatusOK {
		t.Errorf("the real person's API sign-in after the attack: %d %v", code, res)
	}
	// The attacker's own successes would not have reset it: it stays slowed.
	if r := b.acctDo(http.MethodPost, "/login", nil, right, attacker); r.code != http.StatusTooManyRequests {
		t.Errorf("the attacker, again: %d", r.code)
	}
}
