package server

import (
	"github.com/gin-gonic/gin"
)

// publishRoutes registers publishing, the public story pages and feed, and staff exports.
// v1 is the /api/v1 group (JSON errors, capped JSON bodies).
func publishRoutes(e *gin.Engine, v1 *gin.RouterGroup, d Deps, authn *authenticator) {
	log, r := d.Log, d.Renderer
	pub := &publishHandler{store: d.Store, dispatch: d.Dispatch, log: log}
	st := &storiesHandler{store: d.Store, blob: d.Blob, render: r, baseURL: d.BaseURL}
	ex := &exportsHandler{store: d.Store, blob: d.Blob, dispatch: d.Dispatch, render: r,
		links: newLinkSigner(d.Secret, d.BaseURL), log: log}

	v1.POST("/submissions/:id/publish", api(log, authn.require("editor", "staff", "admin")), api(log, pub.publish))
	e.POST("/desk/s/:id/publish", noStore, page(log, r, authn.requirePage("editor", "staff", "admin")), page(log, r, pub.publishPage))

	exports := v1.Group("/exports", api(log, authn.require("staff", "admin")))
	exports.POST("", api(log, ex.create))
	exports.GET("/:id", api(log, ex.get))
	exports.GET("/:id/download", api(log, ex.download))

	staffOnly := page(log, r, authn.requirePage("staff", "admin"))
	e.GET("/desk/exports", noStore, staffOnly, page(log, r, ex.page))
	e.POST("/desk/exports", noStore, staffOnly, page(log, r, ex.createPage))

	e.GET("/stories", page(log, r, st.list))
	e.GET("/stories/feed.xml", page(log, r, st.feed))
	e.GET("/stories/:slug", page(log, r, st.show))
	e.GET("/stories/:slug/images/:name", page(log, r, st.image))
}
