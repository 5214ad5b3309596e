package e2e_test

import (
	"net/http"
	"strings"
	"testing"
)

// securityHeaderNames are the headers every response must carry, whichever
// layer answers it.
var securityHeaderNames = []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
	"X-Frame-Options", "Cross-Origin-Opener-Policy", "Cross-Origin-Resource-Policy", "Permissions-Policy"}

// TestEveryResponseHasSecurityHeaders: refusals made before the handlers
// (cross-origin, compressed bodies), 404, 405, redirects and static files
// carry the same headers as the pages.
func TestEveryResponseHasSecurityHeaders(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	cross := map[string]string{"Sec-Fetch-Site": "cross-site", "Content-Type": "application/x-www-form-urlencoded"}
	tests := []struct {
		name, method, path, body string
		hdr                      map[string]string
		status                   int
	}{
		{"page", "GET", "/", "", nil, http.StatusOK},
		{"cross-origin page", "POST", "/status", "receipt=x", cross, http.StatusForbidden},
		{"cross-origin API", "POST", "/api/v1/status", `{"receipt":"x"}`, map[string]string{"Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"}, http.StatusForbidden},
		{"compressed body", "POST", "/api/v1/status", "x", map[string]string{"Content-Encoding": "gzip"}, http.StatusUnsupportedMediaType},
		{"unknown page", "GET", "/nothing-here", "", nil, http.StatusNotFound},
		{"unknown API route", "GET", "/api/v1/nothing", "", nil, http.StatusNotFound},
		{"wrong method", "DELETE", "/login", "", nil, http.StatusMethodNotAllowed},
		{"trailing slash", "GET", "/privacy/", "", nil, http.StatusMovedPermanently},
		{"static file", "GET", "/static/app.css", "", nil, http.StatusOK},
		{"static directory", "GET", "/static/", "", nil, http.StatusNotFound},
		{"health", "GET", "/healthz", "", nil, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, h, _ := b.raw(tt.method, tt.path, tt.body, tt.hdr)
			if code != tt.status {
				t.Errorf("status %d, want %d", code, tt.status)
			}
			for _, name := range securityHeaderNames {
				if h.Get(name) == "" {
					t.Errorf("%d answer lacks %s", code, name)
				}
			}
			if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
				t.Errorf("CSP %q", h.Get("Content-Security-Policy"))
			}
		})
	}
}

// TestStaticListsNoDirectory: files under /static/ are served, directories
// answer 404 without a listing.
func TestStaticListsNoDirectory(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	if code, _, _ := b.raw("GET", "/static/app.css", "", nil); code != http.StatusOK {
		t.Errorf("a file: %d", code)
	}
	for _, path := range []string{"/static/", "/static/.", "/static//", "/static/%2e/"} {
		code, _, body := b.raw("GET", path, "", nil)
		if code != http.StatusNotFound || strings.Contains(body, `href="desk.js"`) {
			t.Errorf("%s: %d %q, want 404 without a listing", path, code, body)
		}
	}
}

// TestMetricsNeedToken: without STORYDESK_METRICS_TOKEN there is no
// /metrics; with it, only a request bearing the token reads them, and no
// label tells a submitter's withdrawal from a look-up.
func TestMetricsNeedToken(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	if code, _, body := b.raw("GET", "/metrics", "", nil); code != http.StatusNotFound || strings.Contains(body, "storydesk_") {
		t.Errorf("/metrics without a token set: %d, want 404", code)
	}

	const token = "metrics-token-0123456789abcdef"
	b = setup(t, options{db: "sqlite", env: map[string]string{"STORYDESK_METRICS_TOKEN": token}})
	b.postJSON("/api/v1/status/withdraw", map[string]string{"receipt": "AAAA-BBBB-CCCC-DDDD"})
	b.postJSON("/api/v1/status", map[string]string{"receipt": "AAAA-BBBB-CCCC-DDDD"})
	for _, auth := range []string{"", "Bearer wrong", "Bearer " + token + "x", token} {
		hdr := map[string]string{"Authorization": auth}
		if code, _, body := b.raw("GET", "/metrics", "", hdr); code != http.StatusUnauthorized || strings.Contains(body, "storydesk_") {
			t.Errorf("/metrics with Authorization %q: %d, want 401", auth, code)
		}
	}
	code, _, body := b.raw("GET", "/metrics", "", map[string]string{"Authorization": "Bearer " + token})
	if code != http.StatusOK || !strings.Contains(body, "storydesk_http_requests_total") {
		t.Fatalf("/metrics with the token: %d", code)
	}
	for _, leak := range []string{"/status/withdraw", "/status/reply"} {
		if strings.Contains(body, leak) {
			t.Errorf("metrics name %s", leak)
		}
	}
	if !strings.Contains(body, `route="/api/v1/status/*"`) {
		t.Error("metrics lack the submitters' grouped route")
	}
}
