package server

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// publishHandler queues approved pieces for publication.
type publishHandler struct {
	store    *store.Store
	dispatch *task.Dispatcher
	log      *slog.Logger
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
	c.Redirect(http.StatusSeeOther, "/desk/s/"+s.ID+"?notice=publish_queued")
	return nil
}

// request queues the publish job of the submission in the URL: 409 for
// internal-only consent or a status other than approved.
func (h *publishHandler) request(c *gin.Context) (store.Submission, error) {
	ctx := c.Request.Context()
	s, err := h.store.Submission(ctx, c.Param("id"))
	if err != nil {
		return store.Submission{}, err
	}
	if err := visible(currentUser(c), s); err != nil {
		return store.Submission{}, err
	}
	if s.ConsentPublish == "internal" {
		return store.Submission{}, errorf(http.StatusConflict, "the author agreed to internal use only: this piece can never be published")
	}
	if s.Status != store.StatusApproved {
		return store.Submission{}, errorf(http.StatusConflict, "only an approved piece can be published; this one is "+string(s.Status))
	}
	t := task.Publish(s.ID)
	if err := h.store.AddOutbox(ctx, t); err != nil {
		return store.Submission{}, err
	}
	// Redis down is not the requester's problem: the reconciler enqueues it later.
	h.dispatch.AfterCommit(ctx, t)
	u := currentUser(c)
	if err := h.store.Audit(ctx, store.AuditEntry{ActorID: u.ID, Actor: u.Email, Action: "publish_requested", Target: s.ID}); err != nil {
		h.log.Error("audit", "action", "publish_requested", "err", err)
	}
	return s, nil
}
