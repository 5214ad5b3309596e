package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/store"
)

// publishHandler queues approved pieces for publication.
type publishHandler struct {
	store *store.Store
	desk  *desk.Service
	flash *flasher
}

// publish is POST /api/v1/submissions/{id}/publish: 202 once the publish job
// is in the outbox; the job moves the status to published.
func (h *publishHandler) publish(c *gin.Context) error {
	s, err := h.request(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusAccepted, gin.H{"id": s.ID, "status": s.Status})
	return nil
}

// publishPage is the submission page's Publish button: back to the page,
// which shows the publication once the job has run.
func (h *publishHandler) publishPage(c *gin.Context) error {
	s, err := h.request(c)
	if err != nil {
		return err
	}
	return h.flash.redirect(c, "/desk/s/"+s.ID, flash{Notice: "publish_queued"})
}

// request loads the submission in the URL and has the desk queue its
// publish job (desk.Service.RequestPublish says when it may).
func (h *publishHandler) request(c *gin.Context) (store.Submission, error) {
	ctx := c.Request.Context()
	s, err := h.store.Submission(ctx, c.Param("id"))
	if err != nil {
		return store.Submission{}, err
	}
	u := currentUser(c)
	if err := visible(u, s); err != nil {
		return store.Submission{}, err
	}
	return s, h.desk.RequestPublish(ctx, u, s)
}
