package server

import "github.com/gin-gonic/gin"

// publishRoutes registers publishing, the public story pages and feed, and staff exports.
// v1 is the /api/v1 group (JSON errors, capped JSON bodies).
func publishRoutes(e *gin.Engine, v1 *gin.RouterGroup, d Deps, authn *authenticator) {
}
