package server

import "github.com/gin-gonic/gin"

// adminRoutes registers account administration: users, roles, sites, two-factor, password changes.
// v1 is the /api/v1 group (JSON errors, capped JSON bodies).
func adminRoutes(e *gin.Engine, v1 *gin.RouterGroup, d Deps, authn *authenticator) {
	log, r := d.Log, d.Renderer
	tf := newTwoFactor(d.Store, d.Secret)
	ses := &sessionHandler{store: d.Store, authn: authn, limiter: d.Limiter, render: r, log: log, tf: tf, pw: d.Passwords}
	admin := &userAdmin{store: d.Store, tf: tf, baseURL: d.BaseURL, log: log}
	ap := &adminPage{admin: admin, render: r}
	api1 := &adminAPI{admin: admin}
	acct := &accountHandler{store: d.Store, tf: tf, ses: ses, render: r, log: log}
	inv := &inviteHandler{store: d.Store, render: r, log: log, pw: d.Passwords}

	// The second step of a login (account_login.go).
	e.GET("/login/totp", noStore, page(log, r, ses.stepPage("totp")))
	e.POST("/login/totp", noStore, page(log, r, ses.stepSubmit("totp")))
	e.GET("/login/enroll", noStore, page(log, r, ses.stepPage("enroll")))
	e.POST("/login/enroll", noStore, page(log, r, ses.stepSubmit("enroll")))

	e.GET("/invite/:token", noStore, page(log, r, inv.page))
	e.POST("/invite/:token", noStore, page(log, r, inv.accept))

	anyone := page(log, r, authn.requirePage("editor", "staff", "admin"))
	e.GET("/account", noStore, anyone, page(log, r, acct.page))
	e.POST("/account/password", noStore, anyone, page(log, r, acct.password))
	e.POST("/account/tokens/:id/revoke", noStore, anyone, page(log, r, acct.revokeToken))
	e.GET("/account/totp", noStore, anyone, page(log, r, acct.enrollPage))
	e.POST("/account/totp", noStore, anyone, page(log, r, acct.enroll))

	admins := page(log, r, authn.requirePage("admin"))
	e.GET("/admin/users", noStore, admins, page(log, r, ap.list))
	e.POST("/admin/users", noStore, admins, page(log, r, ap.invite))
	e.POST("/admin/users/:id/access", noStore, admins, page(log, r, ap.action("access_changed", ap.access)))
	e.POST("/admin/users/:id/disable", noStore, admins, page(log, r, ap.action("user_disabled", ap.disable)))
	e.POST("/admin/users/:id/enable", noStore, admins, page(log, r, ap.action("user_enabled", ap.enable)))
	e.POST("/admin/users/:id/reset-two-factor", noStore, admins, page(log, r, ap.action("two_factor_reset", ap.resetTwoFactor)))
	e.POST("/admin/users/:id/invite", noStore, admins, page(log, r, ap.reinvite))
	e.POST("/admin/settings", noStore, admins, page(log, r, ap.action("setting_changed", ap.settings)))

	users := v1.Group("", api(log, authn.require("admin")))
	users.GET("/users", api(log, api1.list))
	users.POST("/users", api(log, api1.create))
	users.PATCH("/users/:id", api(log, api1.patch))
	users.GET("/settings", api(log, api1.getSettings))
	users.PUT("/settings", api(log, api1.putSettings))
}
