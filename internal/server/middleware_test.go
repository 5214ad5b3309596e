package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestSecurityHeadersOnRefusals: the headers are on every answer, the
// router's own refusals and redirects and a recovered panic included,
// because they wrap the router rather than run as a route's middleware;
// HSTS only when the base URL is https.
func TestSecurityHeadersOnRefusals(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	var logs bytes.Buffer
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.Use(recovery(slog.New(slog.NewJSONHandler(&logs, nil))))
	r.GET("/a", func(c *gin.Context) { c.String(http.StatusOK, "a") })
	r.GET("/boom", func(*gin.Context) { panic("a bug") })
	r.POST("/json", capJSON, func(c *gin.Context) {
		var v map[string]any
		if err := c.ShouldBindJSON(&v); err != nil {
			c.Status(http.StatusRequestEntityTooLarge)
		}
	})

	for _, base := range []string{"http://localhost:8080", "https://stories.example.org"} {
		h := securityHeaders(base, r)
		for _, tt := range []struct {
			method, path, body string
			status             int
		}{
			{"GET", "/a", "", 200},
			{"GET", "/nowhere", "", 404},
			{"DELETE", "/a", "", 405},
			{"GET", "/a/", "", 301},
			{"GET", "/boom", "", 500},
			{"POST", "/json", `{"x": "` + strings.Repeat("a", maxJSON) + `"}`, 413},
		} {
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != tt.status {
				t.Errorf("%s %s: %d, want %d", tt.method, tt.path, w.Code, tt.status)
			}
			hd := w.Header()
			if got := hd.Get("Content-Security-Policy"); got != csp {
				t.Errorf("%s %s on %s: CSP %q", tt.method, tt.path, base, got)
			}
			for _, name := range []string{"X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options",
				"Cross-Origin-Opener-Policy", "Cross-Origin-Resource-Policy", "Permissions-Policy"} {
				if hd.Get(name) == "" {
					t.Errorf("%s %s on %s: no %s", tt.method, tt.path, base, name)
				}
			}
			if hsts := hd.Get("Strict-Transport-Security") != ""; hsts != strings.HasPrefix(base, "https:") {
				t.Errorf("%s %s on %s: HSTS set %t", tt.method, tt.path, base, hsts)
			}
		}
	}
	if strings.Count(logs.String(), `"msg":"panic"`) != 2 {
		t.Errorf("each recovered panic is logged once:\n%s", logs.String())
	}
}
