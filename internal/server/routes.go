package server

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/export"
	"github.com/storydesk/storydesk/web"
)

// routes is the whole route table: every handler is built once, then every
// route is one line, grouped by area. A new route is one line here and one
// handler method in its area's file.
//
// A line lists what runs, in order, after the middleware New puts on every
// request: noStore keeps the answer out of caches, capForm and capJSON
// (on the whole /api/v1 group, with noStore) cap the body, a guard admits
// the roles it names, and the handler comes last. asPage and asJSON turn a
// handler's error into an error page or a JSON error.
func routes(e *gin.Engine, d Deps) {
	log, r := d.Log, d.Renderer
	asPage := func(h func(*gin.Context) error) gin.HandlerFunc { return page(log, r, h) }
	asJSON := func(h func(*gin.Context) error) gin.HandlerFunc { return api(log, h) }

	// Every handler, built once.
	authn := &authenticator{store: d.Store, log: log}
	links := newLinkSigner(d.Secret, d.BaseURL)
	flashes := newFlasher(d.Secret)
	tf := newTwoFactor(d.Store, d.Secret)
	admin := &userAdmin{store: d.Store, tf: tf, baseURL: d.BaseURL, log: log}
	pages := &pageHandler{render: r, limits: d.Intake.Limits()}
	receipts := &receiptHandler{slots: d.Receipts, render: r, baseURL: d.BaseURL, log: log}
	sub := &submitHandler{intake: d.Intake, render: r, limiter: d.Limiter, rate: d.SubmitRate, globalRate: d.SubmitGlobal, receipts: receipts, metrics: d.Metrics, log: log}
	status := &statusHandler{intake: d.Intake, render: r, limiter: d.Limiter, log: log}
	ses := &sessionHandler{store: d.Store, authn: authn, limiter: d.Limiter, render: r, log: log, tf: tf, pw: d.Passwords}
	invite := &inviteHandler{store: d.Store, render: r, log: log, pw: d.Passwords}
	account := &accountHandler{store: d.Store, tf: tf, ses: ses, render: r, flash: flashes, log: log}
	queue := &deskQueue{store: d.Store, render: r, flash: flashes, log: log}
	rules := desk.New(d.Store, d.Sanitizer, d.Dispatch, log)
	for _, r := range desk.Rules {
		d.Metrics.Decisions(r.Name)
	}
	clock := d.Clock
	if clock == nil {
		clock = time.Now
	}
	place := desk.NewPlacement(d.Store, clock)
	onDesk := &deskSubmission{store: d.Store, blob: d.Blob, desk: rules, place: place, links: links, render: r, flash: flashes, metrics: d.Metrics, log: log}
	subs := &submissionsHandler{store: d.Store, blob: d.Blob, san: d.Sanitizer, links: links}
	pub := &publishHandler{store: d.Store, desk: rules, flash: flashes}
	exports := &exportsHandler{store: d.Store, blob: d.Blob, dispatch: d.Dispatch, render: r, links: links, flash: flashes, log: log}
	stories := &storiesHandler{store: d.Store, blob: d.Blob, render: r, baseURL: d.BaseURL}
	users := &adminPage{admin: admin, render: r, flash: flashes}
	usersAPI := &adminAPI{admin: admin}
	outlets := &outletsHandler{store: d.Store, render: r, flash: flashes}
	pitches := &pitchesHandler{store: d.Store, place: place}
	placementPg := &placementPages{store: d.Store, place: place, render: r}
	placements := &placementsHandler{store: d.Store}
	onPitch := &pitchDesk{store: d.Store, desk: rules, export: export.New(d.Store, d.Blob, ""), render: r, flash: flashes}
	ops := &opsHandler{store: d.Store, redis: d.Redis, blob: d.Blob}
	queues := &queueAdmin{inspector: asynq.NewInspectorFromRedisClient(d.Redis), store: d.Store, render: r, flash: flashes}

	// Guards. A page guard sends a visitor without a session to /login and
	// back; a JSON guard answers 401. Both answer a wrong role with 403. A
	// page guard then hands the page the flash a form left for it (flash.go).
	signedIn := func(roles roleSet) gin.HandlerFunc {
		guard := asPage(authn.requirePage(roles))
		return func(c *gin.Context) {
			if guard(c); !c.IsAborted() {
				flashes.take(c)
			}
		}
	}
	allowed := func(roles roleSet) gin.HandlerFunc { return asJSON(authn.require(roles)) }

	// Public pages and assets.
	e.StaticFS("/static", http.FS(filesOnly{web.Static()}))
	e.GET("/favicon.ico", favicon)
	e.GET("/", noStore, asPage(pages.form))
	e.GET("/privacy", asPage(pages.privacy))
	e.POST("/submit", noStore, asPage(sub.form))
	// The receipt after the form's redirect, read back through its cookie (receipt.go).
	e.GET("/receipt", noStore, asPage(receipts.page))
	e.GET("/receipt/download", noStore, asPage(receipts.download))
	e.POST("/receipt/forget", noStore, asPage(receipts.forget))
	// The submitter's receipt page; its forms (reply, revise, withdraw) post back to it.
	e.GET("/status", noStore, asPage(status.lookupPage))
	e.POST("/status", noStore, asPage(status.page))
	e.GET("/stories", asPage(stories.list))
	e.GET("/stories/feed.xml", asPage(stories.feed))
	e.GET("/stories/:slug", asPage(stories.show))
	e.GET("/stories/:slug/images/:name", asPage(stories.image))
	e.GET("/stories/:slug/:lang", asPage(stories.showTranslation))

	// Signing in (account_login.go for the second step) and invitations.
	e.GET("/login", noStore, asPage(ses.loginPage))
	e.POST("/login", noStore, asPage(ses.login))
	e.GET("/login/totp", noStore, asPage(ses.stepPage("totp")))
	e.POST("/login/totp", noStore, asPage(ses.stepSubmit("totp")))
	e.GET("/login/enroll", noStore, asPage(ses.stepPage("enroll")))
	e.POST("/login/enroll", noStore, asPage(ses.stepSubmit("enroll")))
	e.POST("/logout", noStore, asPage(ses.logout))
	e.GET("/invite/:token", noStore, asPage(invite.page))
	e.POST("/invite/:token", noStore, asPage(invite.accept))

	// One's own account.
	e.GET("/account", noStore, signedIn(deskRoles), asPage(account.page))
	e.POST("/account/password", noStore, signedIn(deskRoles), asPage(account.password))
	e.POST("/account/tokens/:id/revoke", noStore, signedIn(deskRoles), asPage(account.revokeToken))
	e.GET("/account/totp", noStore, signedIn(deskRoles), asPage(account.enrollPage))
	e.POST("/account/totp", noStore, signedIn(deskRoles), asPage(account.enroll))

	// The desk: the queue and one submission.
	e.GET("/desk", noStore, signedIn(deskRoles), asPage(queue.page))
	e.GET("/desk/s/:id", noStore, capForm, signedIn(deskRoles), asPage(onDesk.viewPage))
	e.GET("/desk/s/:id/diff", noStore, capForm, signedIn(deskRoles), asPage(onDesk.diffPage))
	e.GET("/desk/s/:id/attachments/:aid/preview", noStore, capForm, signedIn(deskRoles), asPage(onDesk.preview))
	e.POST("/desk/s/:id/assign", noStore, capForm, signedIn(editorRoles), asPage(queue.assignPage))
	e.POST("/desk/s/:id/edit", noStore, capForm, signedIn(editorRoles), asPage(onDesk.editPage))
	e.POST("/desk/s/:id/notes", noStore, capForm, signedIn(editorRoles), asPage(onDesk.notePage))
	e.POST("/desk/s/:id/messages", noStore, capForm, signedIn(editorRoles), asPage(onDesk.messagePage))
	e.POST("/desk/s/:id/decision", noStore, capForm, signedIn(editorRoles), asPage(onDesk.decisionPage))
	e.POST("/desk/s/:id/contact", noStore, capForm, signedIn(editorRoles), asPage(onDesk.contactPage))
	e.POST("/desk/s/:id/publish", noStore, signedIn(editorRoles), asPage(pub.publishPage))
	e.GET("/desk/pitches/:id", noStore, signedIn(editorRoles), asPage(onPitch.page))
	e.POST("/desk/pitches/:id/text", noStore, capForm, signedIn(editorRoles), asPage(onPitch.textPage))
	e.GET("/desk/pitches/:id/package", noStore, signedIn(editorRoles), asPage(onPitch.packagePage))
	// A piece's translations (desk_translation.go): translators write them too.
	e.GET("/desk/s/:id/translations/:lang", noStore, capForm, signedIn(deskRoles), asPage(onDesk.translationPage))
	e.GET("/desk/s/:id/translations/:lang/diff", noStore, capForm, signedIn(deskRoles), asPage(onDesk.translationDiffPage))
	e.POST("/desk/s/:id/translations/:lang", noStore, capForm, signedIn(deskRoles), asPage(onDesk.saveTranslationPage))
	e.POST("/desk/s/:id/translations/:lang/send", noStore, capForm, signedIn(deskRoles), asPage(onDesk.sendTranslationPage))
	e.POST("/desk/s/:id/translations/:lang/approve", noStore, capForm, signedIn(editorRoles), asPage(onDesk.approveTranslationPage))
	e.POST("/desk/s/:id/pitches", noStore, capForm, signedIn(editorRoles), asPage(onDesk.pitchPage))
	e.POST("/desk/s/:id/pitches/:pid", noStore, capForm, signedIn(editorRoles), asPage(onDesk.pitchStepPage))
	e.GET("/desk/exports", noStore, signedIn(staffRoles), asPage(exports.page))
	e.POST("/desk/exports", noStore, signedIn(staffRoles), asPage(exports.createPage))

	// The op-ed desk: outlets (editors read, staff write), the pitches to
	// chase and the placement report.
	e.GET("/desk/outlets", noStore, signedIn(editorRoles), asPage(outlets.listPage))
	e.POST("/desk/outlets", noStore, capForm, signedIn(staffRoles), asPage(outlets.createPage))
	e.GET("/desk/outlets/:id", noStore, signedIn(editorRoles), asPage(outlets.onePage))
	e.POST("/desk/outlets/:id", noStore, capForm, signedIn(staffRoles), asPage(outlets.updatePage))
	e.GET("/desk/follow-up", noStore, signedIn(editorRoles), asPage(placementPg.followUpPage))
	e.GET("/desk/placements", noStore, signedIn(staffRoles), asPage(placementPg.reportPage))

	// Accounts and settings.
	e.GET("/admin/users", noStore, signedIn(adminRoles), asPage(users.list))
	e.POST("/admin/users", noStore, signedIn(adminRoles), asPage(users.invite))
	e.POST("/admin/users/:id/access", noStore, signedIn(adminRoles), asPage(users.action("access_changed", users.access)))
	e.POST("/admin/users/:id/disable", noStore, signedIn(adminRoles), asPage(users.action("user_disabled", users.disable)))
	e.POST("/admin/users/:id/enable", noStore, signedIn(adminRoles), asPage(users.action("user_enabled", users.enable)))
	e.POST("/admin/users/:id/reset-two-factor", noStore, signedIn(adminRoles), asPage(users.action("two_factor_reset", users.resetTwoFactor)))
	e.POST("/admin/users/:id/invite", noStore, signedIn(adminRoles), asPage(users.reinvite))
	e.POST("/admin/settings", noStore, signedIn(adminRoles), asPage(users.action("setting_changed", users.settings)))
	e.GET("/admin/queues", noStore, signedIn(adminRoles), asPage(queues.page))
	e.POST("/admin/queues/:queue/tasks/:id/run", noStore, signedIn(adminRoles), asPage(queues.runPage))

	// The JSON API: errors as JSON, bodies capped.
	v1 := e.Group("/api/v1", noStore, capJSON)
	v1.POST("/submissions", asJSON(sub.api))
	v1.POST("/status", asJSON(status.api))
	v1.POST("/status/reply", asJSON(status.reply))
	v1.POST("/status/withdraw", asJSON(status.withdraw))
	v1.POST("/status/translation", asJSON(status.translationDecision))
	v1.POST("/sessions", asJSON(ses.create))

	v1.GET("/submissions", allowed(deskRoles), asJSON(subs.list))
	v1.GET("/submissions/:id", allowed(deskRoles), asJSON(subs.get))
	v1.PUT("/submissions/:id", allowed(editorRoles), asJSON(onDesk.editAPI))
	v1.GET("/submissions/:id/attachments/:aid", allowed(deskRoles), asJSON(subs.download))
	v1.GET("/submissions/:id/diff", allowed(deskRoles), asJSON(onDesk.diffAPI))
	v1.POST("/submissions/:id/assign", allowed(editorRoles), asJSON(queue.assignAPI))
	v1.POST("/submissions/:id/notes", allowed(editorRoles), asJSON(onDesk.noteAPI))
	v1.POST("/submissions/:id/messages", allowed(editorRoles), asJSON(onDesk.messageAPI))
	v1.POST("/submissions/:id/decision", allowed(editorRoles), asJSON(onDesk.decisionAPI))
	v1.POST("/submissions/:id/contact", allowed(editorRoles), asJSON(onDesk.contactAPI))
	v1.POST("/submissions/:id/publish", allowed(editorRoles), asJSON(pub.publish))
	v1.POST("/submissions/:id/translations", allowed(deskRoles), asJSON(onDesk.createTranslationAPI))
	v1.PUT("/submissions/:id/translations/:lang", allowed(deskRoles), asJSON(onDesk.editTranslationAPI))
	v1.POST("/submissions/:id/translations/:lang/send", allowed(deskRoles), asJSON(onDesk.sendTranslationAPI))
	v1.POST("/submissions/:id/translations/:lang/approve", allowed(editorRoles), asJSON(onDesk.approveTranslationAPI))

	v1.GET("/submissions/:id/pitches", allowed(editorRoles), asJSON(pitches.listOf))
	v1.POST("/submissions/:id/pitches", allowed(editorRoles), asJSON(pitches.create))
	v1.GET("/pitches", allowed(editorRoles), asJSON(pitches.list))
	v1.PATCH("/pitches/:id", allowed(editorRoles), asJSON(pitches.patch))
	v1.GET("/pitches/:id", allowed(editorRoles), asJSON(onPitch.getAPI))
	v1.PUT("/pitches/:id/text", allowed(editorRoles), asJSON(onPitch.textAPI))
	v1.GET("/pitches/:id/package", allowed(editorRoles), asJSON(onPitch.packageAPI))
	v1.GET("/outlets", allowed(editorRoles), asJSON(outlets.list))
	v1.POST("/outlets", allowed(staffRoles), asJSON(outlets.create))
	v1.PATCH("/outlets/:id", allowed(staffRoles), asJSON(outlets.patch))
	v1.GET("/placements", allowed(staffRoles), asJSON(placements.report))

	v1.POST("/exports", allowed(staffRoles), asJSON(exports.create))
	v1.GET("/exports/:id", allowed(staffRoles), asJSON(exports.get))
	v1.GET("/exports/:id/download", allowed(staffRoles), asJSON(exports.download))

	v1.GET("/users", allowed(adminRoles), asJSON(usersAPI.list))
	v1.POST("/users", allowed(adminRoles), asJSON(usersAPI.create))
	v1.PATCH("/users/:id", allowed(adminRoles), asJSON(usersAPI.patch))
	v1.GET("/settings", allowed(adminRoles), asJSON(usersAPI.getSettings))
	v1.PUT("/settings", allowed(adminRoles), asJSON(usersAPI.putSettings))
	v1.GET("/admin/queues", allowed(adminRoles), asJSON(queues.list))
	v1.POST("/admin/queues/:queue/tasks/:id/run", allowed(adminRoles), asJSON(queues.runAPI))

	// Operations.
	e.GET("/healthz", ops.healthz)
	e.GET("/readyz", asJSON(ops.readyz))
	if d.MetricsToken != "" {
		e.GET("/metrics", metricsAuth(d.MetricsToken), gin.WrapH(promhttp.HandlerFor(d.Registry, promhttp.HandlerOpts{})))
	}

	e.NoRoute(notFound(d, http.StatusNotFound))
	e.NoMethod(formAddress(notFound(d, http.StatusMethodNotAllowed)))
}

// formAddress sends a GET on the address of a staff form (a shared link, a
// reload after the browser dropped the POST) to the page that holds the
// form, rather than to a bare 405; anything else goes to next.
func formAddress(next gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
			if to := formPage(c.Request.URL.Path); to != "" {
				c.Redirect(http.StatusSeeOther, to)
				return
			}
		}
		next(c)
	}
}

// formPage is the page holding the form posted to path, or "".
func formPage(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(parts) == 6 && parts[0] == "desk" && parts[1] == "s" && parts[3] == "translations":
		return translationURL(parts[2], parts[4])
	case len(parts) >= 4 && parts[0] == "desk" && parts[1] == "s":
		return "/desk/s/" + url.PathEscape(parts[2])
	case len(parts) == 4 && parts[0] == "desk" && parts[1] == "pitches":
		return pitchURL(parts[2])
	case len(parts) >= 2 && parts[0] == "admin" && parts[1] == "queues":
		return "/admin/queues"
	case len(parts) >= 2 && parts[0] == "admin":
		return "/admin/users"
	case len(parts) >= 2 && parts[0] == "account":
		return "/account"
	}
	return ""
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
