package server

import "github.com/gin-gonic/gin"

// submitterRoutes registers the submitter's side without an account: replies, revisions and withdrawal by receipt code.
// v1 is the /api/v1 group (JSON errors, capped JSON bodies). The HTML forms
// post to /status (routes.go), whose handler carries out their action.
func submitterRoutes(e *gin.Engine, v1 *gin.RouterGroup, d Deps, authn *authenticator) {
	st := &statusHandler{intake: d.Intake, render: d.Renderer, limiter: d.Limiter, log: d.Log}
	v1.POST("/status/reply", api(d.Log, st.reply))
	v1.POST("/status/withdraw", api(d.Log, st.withdraw))
}
