package server

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/storydesk/storydesk/web"
)

// routes is the whole route table.
func routes(e *gin.Engine, d Deps) {
	log := d.Log
	sub := &submitHandler{intake: d.Intake, render: d.Renderer, limiter: d.Limiter, rate: d.SubmitRate, globalRate: d.SubmitGlobal, log: log}
	st := &statusHandler{intake: d.Intake, render: d.Renderer, limiter: d.Limiter, log: log}
	authn := &authenticator{store: d.Store, log: log}
	ses := &sessionHandler{store: d.Store, authn: authn, limiter: d.Limiter, render: d.Renderer, log: log, tf: newTwoFactor(d.Store, d.Secret), pw: d.Passwords}
	subs := &submissionsHandler{store: d.Store, blob: d.Blob, san: d.Sanitizer, links: newLinkSigner(d.Secret, d.BaseURL)}
	ops := &opsHandler{store: d.Store, redis: d.Redis, blob: d.Blob}
	pages := &pageHandler{render: d.Renderer, limits: d.Intake.Limits()}

	e.StaticFS("/static", http.FS(filesOnly{web.Static()}))
	e.GET("/favicon.ico", favicon)
	e.GET("/", noStore, page(log, d.Renderer, pages.form))
	e.POST("/submit", noStore, page(log, d.Renderer, sub.form))
	e.GET("/status", noStore, page(log, d.Renderer, st.lookupPage))
	e.POST("/status", noStore, page(log, d.Renderer, st.page))
	e.GET("/privacy", page(log, d.Renderer, pages.privacy))
	e.GET("/login", noStore, page(log, d.Renderer, ses.loginPage))
	e.POST("/login", noStore, page(log, d.Renderer, ses.login))
	e.POST("/logout", noStore, page(log, d.Renderer, ses.logout))

	v1 := e.Group("/api/v1", noStore, capJSON)
	v1.POST("/submissions", api(log, sub.api))
	v1.POST("/status", api(log, st.api))
	v1.POST("/sessions", api(log, ses.create))

	staff := v1.Group("", api(log, authn.require("editor", "staff", "admin")))
	staff.GET("/submissions", api(log, subs.list))
	staff.GET("/submissions/:id", api(log, subs.get))
	staff.GET("/submissions/:id/attachments/:aid", api(log, subs.download))

	// Each area registers its own routes in its *_routes.go file.
	deskRoutes(e, v1, d, authn)
	adminRoutes(e, v1, d, authn)
	submitterRoutes(e, v1, d, authn)
	publishRoutes(e, v1, d, authn)

	e.GET("/healthz", ops.healthz)
	e.GET("/readyz", api(log, ops.readyz))
	if d.MetricsToken != "" {
		e.GET("/metrics", metricsAuth(d.MetricsToken), gin.WrapH(promhttp.HandlerFor(d.Registry, promhttp.HandlerOpts{})))
	}

	e.NoRoute(notFound(d, http.StatusNotFound))
	e.NoMethod(notFound(d, http.StatusMethodNotAllowed))
}

// notFound answers unknown routes and methods: JSON under /api/, a page elsewhere.
func notFound(d Deps, status int) gin.HandlerFunc {
	return func(c *gin.Context) {
		if isAPI(c.Request) {
			c.JSON(status, gin.H{"error": strings.ToLower(http.StatusText(status))})
			return
		}
		renderError(c, d.Renderer, d.Log, status)
	}
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }
