package e2e_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestHeadWhereGet: HEAD answers as GET does, without a body, on the
// pages and probes uptime checkers poll.
func TestHeadWhereGet(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	for _, path := range []string{"/", "/healthz", "/readyz", "/stories", "/privacy", "/stories/feed.xml"} {
		getCode, _, getHdr := b.page(http.MethodGet, path, nil, nil)
		code, body, hdr := b.page(http.MethodHead, path, nil, nil)
		if code != getCode || code == http.StatusMethodNotAllowed || body != "" {
			t.Errorf("HEAD %s: %d with %d bytes; GET: %d", path, code, len(body), getCode)
		}
		if hdr.Get("Content-Type") != getHdr.Get("Content-Type") {
			t.Errorf("HEAD %s: Content-Type %q, GET %q", path, hdr.Get("Content-Type"), getHdr.Get("Content-Type"))
		}
	}
	// HEAD is no way around a route's other methods.
	if code, _, _ := b.page(http.MethodHead, "/submit", nil, nil); code != http.StatusMethodNotAllowed && code != http.StatusNotFound {
		t.Errorf("HEAD /submit (POST only): %d", code)
	}
}

// TestCrossOriginRefusalPage: a form refused as cross-origin (as every form
// is over plain HTTP from another machine) gets a page in the visitor's
// language saying what to do; the API keeps its JSON error.
func TestCrossOriginRefusalPage(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	for lang, want := range map[string]string{"en": "https://", "es": "No se pudo enviar"} {
		code, body, hdr := b.page(http.MethodPost, "/submit", strings.NewReader("title=x"), map[string]string{
			"Content-Type": "application/x-www-form-urlencoded", "Origin": "null", "Accept-Language": lang,
		})
		if code != http.StatusForbidden || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") || !strings.Contains(body, want) || !strings.Contains(body, `lang="`+lang+`"`) {
			t.Errorf("%s: %d %q, body lacks %q:\n%s", lang, code, hdr.Get("Content-Type"), want, body)
		}
	}
	code, hdr, body := b.raw(http.MethodPost, "/api/v1/status", `{"receipt":"x"}`, map[string]string{"Content-Type": "application/json", "Origin": "null"})
	if code != http.StatusForbidden || hdr.Get("Content-Type") != "application/json" || !strings.Contains(body, "cross-origin") {
		t.Errorf("API: %d %q %s", code, hdr.Get("Content-Type"), body)
	}
}

// TestPlainHTTPWarning: a public URL of plain HTTP on another host is
// named at start-up, once: its forms will be refused.
func TestPlainHTTPWarning(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", env: map[string]string{"STORYDESK_BASE_URL": "http://192.0.2.10:8080"}})
	if n := strings.Count(b.logs.String(), "STORYDESK_BASE_URL is plain http"); n != 1 {
		t.Errorf("%d warnings about plain HTTP, want 1:\n%s", n, b.logs.String())
	}
	local := setup(t, options{db: "sqlite"})
	if strings.Contains(local.logs.String(), "STORYDESK_BASE_URL is plain http") {
		t.Error("warned about plain HTTP on localhost")
	}
}
