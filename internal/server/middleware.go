package server

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/web"
)

// accessLog logs one line per request with the route pattern, never the
// client address, user agent, query string or body: submitters must leave no trace.
func accessLog(log *slog.Logger, m *metrics) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		d := time.Since(start)
		m.observe(c.Request.Method, metricRoute(route), c.Writer.Status(), d)
		if route == "/healthz" || route == "/metrics" || strings.HasPrefix(route, "/static/") {
			return
		}
		log.Info("http", "method", c.Request.Method, "route", route, "status", c.Writer.Status(),
			"ms", d.Milliseconds(), "bytes", c.Writer.Size())
	}
}

// recovery answers 500 after a panic and logs it without the request, whose
// headers may hold a forwarded client address.
func recovery(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				log.Error("panic", "route", c.FullPath(), "panic", r)
				c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
			}
		}()
		c.Next()
	}
}

// csp allows nothing from another origin and no inline code: whatever a
// submitter smuggles into a page cannot run in an editor's browser.
const csp = "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// securityHeaders wraps the whole handler, outside every middleware, so
// that every answer carries the same headers: pages, JSON, refusals made
// before any route runs (cross-origin, compressed bodies), 404s, 405s and
// the router's own redirects. A handler may still tighten them (downloads
// set a sandboxing CSP of their own).
func securityHeaders(baseURL string, next http.Handler) http.Handler {
	hsts := strings.HasPrefix(baseURL, "https://")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		if hsts {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// noStore keeps pages that show a receipt or a submission out of every cache.
func noStore(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Header("Pragma", "no-cache")
	c.Next()
}

// maxJSON caps JSON request bodies; the largest legitimate one is a revision
// (a 64 KiB body plus a title and a message).
const maxJSON = 256 << 10

// capJSON limits JSON bodies, so one request cannot exhaust memory. Multipart
// submissions carry their own, larger cap.
func capJSON(c *gin.Context) {
	if strings.HasPrefix(c.ContentType(), "application/json") {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxJSON)
	}
	c.Next()
}

// maxDeskForm caps the editors' form posts: a 64 KiB body plus a title and
// a message, URL-encoded (which can triple the size).
const maxDeskForm = 256 << 10

// capForm caps the editors' form bodies so one post cannot exhaust memory.
func capForm(c *gin.Context) {
	if c.Request.Method == http.MethodPost {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxDeskForm)
	}
	c.Next()
}

// refuseInvalidQuery answers 400 naming the parameter when a query string
// holds invalid UTF-8 or a NUL, the rule bodies follow: handlers then never
// search with text PostgreSQL refuses (a 500) or show it altered.
func refuseInvalidQuery(r *web.Renderer, log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		for name, values := range c.Request.URL.Query() {
			bad := sanitize.CheckText(name) != nil
			for _, v := range values {
				bad = bad || sanitize.CheckText(v) != nil
			}
			if !bad {
				continue
			}
			if !isAPI(c.Request) {
				renderError(c, r, log, http.StatusBadRequest)
				return
			}
			if sanitize.CheckText(name) != nil {
				name = "query"
			}
			c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": name + " " + invalidText, "fields": gin.H{name: invalidText}})
			return
		}
		c.Next()
	}
}
