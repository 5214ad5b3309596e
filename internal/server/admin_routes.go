package server

import "github.com/gin-gonic/gin"

// adminRoutes registers account administration: users, roles, sites, two-factor, password changes.
// v1 is the /api/v1 group (JSON errors, capped JSON bodies).
func adminRoutes(e *gin.Engine, v1 *gin.RouterGroup, d Deps, authn *authenticator) {
}
