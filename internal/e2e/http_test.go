package e2e_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestAccess covers authentication on the editors' API: 401 without or with a
// bad token, a session from e-mail and password, and site scoping.
func TestAccess(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	code, res := b.submit(validFields()) // site Austin
	if code != http.StatusCreated {
		t.Fatalf("submit: %d %v", code, res)
	}
	id := res["id"].(string)
	b.waitStatus(id, "ready", 15*time.Second)

	for _, h := range []string{"", "Bearer nope", "Basic abc"} {
		req, _ := http.NewRequest(http.MethodGet, b.url+"/api/v1/submissions/"+id, nil)
		if h != "" {
			req.Header.Set("Authorization", h)
		}
		if code, body := b.do(req); code != http.StatusUnauthorized || body["error"] == nil {
			t.Errorf("auth %q: %d %v", h, code, body)
		}
	}

	login := func(email, pw string) (int, map[string]any) {
		js, _ := json.Marshal(map[string]string{"email": email, "password": pw})
		req, _ := http.NewRequest(http.MethodPost, b.url+"/api/v1/sessions", bytes.NewReader(js))
		req.Header.Set("Content-Type", "application/json")
		return b.do(req)
	}
	bad1, body1 := login("editor@example.org", "wrong password here")
	bad2, body2 := login("nobody@example.org", "wrong password here")
	if bad1 != http.StatusUnauthorized || bad2 != http.StatusUnauthorized || body1["error"] != body2["error"] {
		t.Errorf("bad logins: %d %v / %d %v", bad1, body1, bad2, body2)
	}
	code, body := login("Editor@Example.org", "a long enough password")
	if code != http.StatusOK || !strings.HasPrefix(body["token"].(string), "sdt_") {
		t.Fatalf("login: %d %v", code, body)
	}
	b.token = body["token"].(string)
	if code, rec := b.get("/api/v1/submissions/" + id); code != http.StatusOK || rec["id"] != id {
		t.Errorf("read with session token: %d", code)
	}

	// An El Paso editor neither sees nor lists Austin's submission.
	b.token = b.editorToken("elpaso@example.org", "editor", "El Paso")
	if code, _ := b.get("/api/v1/submissions/" + id); code != http.StatusNotFound {
		t.Errorf("other site's submission: %d, want 404", code)
	}
	if code, list := b.get("/api/v1/submissions?site=Austin"); code != http.StatusOK || list["total"].(float64) != 0 {
		t.Errorf("other site's list: %d %v", code, list)
	}
	b.token = b.editorToken("austin@example.org", "editor", "Austin")
	if code, list := b.get("/api/v1/submissions?status=ready"); code != http.StatusOK || list["total"].(float64) != 1 {
		t.Errorf("own site's list: %d %v", code, list)
	}
	if code, _ := b.get("/api/v1/submissions?per_page=1000"); code != http.StatusBadRequest {
		t.Errorf("per_page=1000: %d, want 400", code)
	}
}

// TestOperations checks the probes, metrics and the headers every page carries.
func TestOperations(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "postgres", env: map[string]string{"STORYDESK_METRICS_TOKEN": "ops-metrics-token-0123456789"}})
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, body := b.do(mustGet(t, b.url+path)); code != http.StatusOK {
			t.Errorf("%s: %d %v", path, code, body)
		}
	}
	req := mustGet(t, b.url+"/metrics")
	req.Header.Set("Authorization", "Bearer ops-metrics-token-0123456789")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(m, []byte("storydesk_http_requests_total")) {
		t.Error("metrics lack storydesk_http_requests_total")
	}
	b.redis.Stop()
	code, body := b.do(mustGet(t, b.url+"/readyz"))
	if code != http.StatusServiceUnavailable || body["checks"].(map[string]any)["redis"] != "unavailable" {
		t.Errorf("readyz with Redis down: %d %v", code, body)
	}
	// Only which service fails: no error text (with its host), no counts.
	js, _ := json.Marshal(body)
	if want := `{"checks":{"database":"ok","redis":"unavailable","s3":"ok"},"ready":false}`; string(js) != want {
		t.Errorf("readyz says %s, want %s", js, want)
	}
	b.redis.Start()

	resp, err = http.Get(b.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := resp.Header
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
		"Cache-Control":          "no-store",
	} {
		if h.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, h.Get(k), want)
		}
	}
	for _, part := range []string{"default-src 'self'", "img-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(h.Get("Content-Security-Policy"), part) {
			t.Errorf("CSP %q lacks %q", h.Get("Content-Security-Policy"), part)
		}
	}
}

func mustGet(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestLogsHoldNoSubmitterData submits with marker values in every personal
// field and a forwarded address, then searches everything the app logged.
func TestLogsHoldNoSubmitterData(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	f := validFields()
	f["author_name"] = "Markername Zyx"
	f["contact_email"] = "marker.zyx@example.org"
	f["contact_phone"] = "+1 512 555 0199"
	f["body"] = "Markerstory zyx text."
	f["title"] = "Markertitle zyx"
	body, ct := form(t, f)
	req, _ := http.NewRequest(http.MethodPost, b.url+"/api/v1/submissions", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("X-Forwarded-For", "203.0.113.77")
	req.Header.Set("User-Agent", "MarkerAgent/9.9")
	code, res := b.do(req)
	if code != http.StatusCreated {
		t.Fatalf("submit: %d %v", code, res)
	}
	b.waitStatus(res["id"].(string), "ready", 15*time.Second)
	logs := b.logs.String()
	if !strings.Contains(logs, res["id"].(string)) {
		t.Fatal("the submission id is not in the logs: is logging captured at all?")
	}
	for _, marker := range []string{"Markername", "marker.zyx", "555 0199", "Markerstory", "Markertitle", "203.0.113.77", "127.0.0.1", "MarkerAgent", res["receipt"].(string)} {
		if strings.Contains(logs, marker) {
			t.Errorf("logs contain %q", marker)
		}
	}
}

// TestAPIErrorsAreJSON: every refusal under /api/ is JSON with an error message.
func TestAPIErrorsAreJSON(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	big := `{"receipt":"` + strings.Repeat("A", 300<<10) + `"}`
	tests := []struct {
		name   string
		method string
		path   string
		body   string
		hdr    map[string]string
		status int
	}{
		{"wrong method", "GET", "/api/v1/sessions", "", nil, http.StatusMethodNotAllowed},
		{"unknown route", "GET", "/api/v1/nothing", "", nil, http.StatusNotFound},
		{"cross-site", "POST", "/api/v1/status", `{"receipt":"x"}`, map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"oversized JSON", "POST", "/api/v1/status", big, nil, http.StatusRequestEntityTooLarge},
		// Decoded as JSON whatever it claims to be, so capped the same.
		{"oversized text/plain", "POST", "/api/v1/status", big, map[string]string{"Content-Type": "text/plain"}, http.StatusRequestEntityTooLarge},
		{"not JSON", "POST", "/api/v1/sessions", "email=a", nil, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, b.url+tt.path, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			for k, v := range tt.hdr {
				req.Header.Set(k, v)
			}
			code, body := b.do(req)
			if code != tt.status || body["error"] == nil {
				t.Errorf("%d %v, want %d with a JSON error", code, body, tt.status)
			}
			if tt.name == "not JSON" {
				if f, _ := body["fields"].(map[string]any); f["request"] != "must be a JSON object" {
					t.Errorf("fields %v, want request: must be a JSON object", body["fields"])
				}
			}
		})
	}
}
