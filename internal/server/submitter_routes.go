package server

import "github.com/gin-gonic/gin"

// submitterRoutes registers the submitter's side without an account: replies, revisions and withdrawal by receipt code.
// v1 is the /api/v1 group (JSON errors, capped JSON bodies).
func submitterRoutes(e *gin.Engine, v1 *gin.RouterGroup, d Deps, authn *authenticator) {
}
