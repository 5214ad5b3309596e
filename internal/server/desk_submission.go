package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/metric"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/web"
)

// deskSubmission is one submission on the editors' desk: the reading view,
// edits and their diffs, notes, messages to the submitter and decisions.
type deskSubmission struct {
	store  *store.Store
	blob   *blob.Store
	desk   *desk.Service // the rules: decisions and edits
	place  *desk.Placement
	links  *linkSigner
	render *web.Renderer
	flash  *flasher
	// metrics count decisions (by rule name only).
	metrics *metric.Metrics
	log     *slog.Logger
}

// load fetches the submission named in the URL, hidden (404) from accounts
// scoped to another site.
func (h *deskSubmission) load(c *gin.Context) (store.Submission, error) {
	s, err := h.store.Submission(c.Request.Context(), c.Param("id"))
	if err != nil {
		return store.Submission{}, err
	}
	if err := visible(currentUser(c), s); err != nil {
		return store.Submission{}, err
	}
	return s, nil
}

// audit records an action on submission id by the signed-in user.
func (h *deskSubmission) audit(ctx context.Context, u store.User, action, id, detail string) error {
	return h.store.Audit(ctx, store.AuditEntry{ActorID: u.ID, Actor: u.Email, Action: action, Target: id, Detail: detail})
}

// contactAPI reveals the submitter's contact details, after writing the
// audit entry: if the entry cannot be written, nothing is shown.
func (h *deskSubmission) contactAPI(c *gin.Context) error {
	s, err := h.load(c)
	if err != nil {
		return err
	}
	if err := h.audit(c.Request.Context(), currentUser(c), "contact_viewed", s.ID, ""); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"contact_email": s.ContactEmail, "contact_phone": s.ContactPhone})
	return nil
}

// contactPage is the page's "show contact details" button: the page it
// redirects to shows them once (the flash says so, never the details).
func (h *deskSubmission) contactPage(c *gin.Context) error {
	s, err := h.load(c)
	if err != nil {
		return err
	}
	if err := h.audit(c.Request.Context(), currentUser(c), "contact_viewed", s.ID, ""); err != nil {
		return err
	}
	return h.flash.redirect(c, pieceURL(s.ID)+"#contact", flash{Contact: true})
}

// pieceURL is the desk page of submission id.
func pieceURL(id string) string { return "/desk/s/" + url.PathEscape(id) }
