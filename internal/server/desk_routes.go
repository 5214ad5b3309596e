package server

import "github.com/gin-gonic/gin"

// deskRoutes registers the editors' queue and submission desk: pages under /desk and the /api/v1/submissions write routes.
// v1 is the /api/v1 group (JSON errors, capped JSON bodies).
func deskRoutes(e *gin.Engine, v1 *gin.RouterGroup, d Deps, authn *authenticator) {
	submissionDeskRoutes(e, v1, d, authn) // one submission: /desk/s/{id} and the write API (desk_submission.go)
	queueRoutes(e, v1, d, authn)          // the queue: /desk and assignment (desk_queue.go)
}
