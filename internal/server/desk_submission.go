package server

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
	"github.com/storydesk/storydesk/web"
)

// deskRoles may read, edit, annotate and decide on submissions.
var deskRoles = []string{"editor", "staff", "admin"}

// maxDeskForm caps the editors' form posts: a 64 KiB body plus a title and
// a message, URL-encoded (which can triple the size).
const maxDeskForm = 256 << 10

// deskSubmission is one submission on the editors' desk: the reading view,
// edits and their diffs, notes, messages to the submitter and decisions.
type deskSubmission struct {
	store    *store.Store
	blob     *blob.Store
	san      *sanitize.Sanitizer
	dispatch *task.Dispatcher // the findings re-check after an edit
	links    *linkSigner
	render   *web.Renderer
	log      *slog.Logger
}

// submissionDeskRoutes registers the desk's routes for one submission: the
// JSON write API under /api/v1/submissions/{id} and the pages under /desk/s/{id}.
func submissionDeskRoutes(e *gin.Engine, v1 *gin.RouterGroup, d Deps, authn *authenticator) {
	h := &deskSubmission{store: d.Store, blob: d.Blob, san: d.Sanitizer, dispatch: d.Dispatch,
		links: newLinkSigner(d.Secret, d.BaseURL), render: d.Renderer, log: d.Log}
	log, r := d.Log, d.Renderer

	a := v1.Group("/submissions/:id", api(log, authn.require(deskRoles...)))
	a.PUT("", api(log, h.editAPI))
	a.POST("/notes", api(log, h.noteAPI))
	a.POST("/messages", api(log, h.messageAPI))
	a.POST("/decision", api(log, h.decisionAPI))
	a.POST("/contact", api(log, h.contactAPI))
	a.GET("/diff", api(log, h.diffAPI))

	p := e.Group("/desk/s/:id", noStore, capForm, page(log, r, authn.requirePage(deskRoles...)))
	p.GET("", page(log, r, h.viewPage))
	p.GET("/diff", page(log, r, h.diffPage))
	p.GET("/attachments/:aid/preview", page(log, r, h.preview))
	p.POST("/edit", page(log, r, h.editPage))
	p.POST("/notes", page(log, r, h.notePage))
	p.POST("/messages", page(log, r, h.messagePage))
	p.POST("/decision", page(log, r, h.decisionPage))
	p.POST("/contact", page(log, r, h.contactPage))
}

// capForm caps the editors' form bodies so one post cannot exhaust memory.
func capForm(c *gin.Context) {
	if c.Request.Method == http.MethodPost {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxDeskForm)
	}
	c.Next()
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

// contactPage is the page's "show contact details" button.
func (h *deskSubmission) contactPage(c *gin.Context) error {
	s, err := h.load(c)
	if err != nil {
		return err
	}
	if err := h.audit(c.Request.Context(), currentUser(c), "contact_viewed", s.ID, ""); err != nil {
		return err
	}
	return h.show(c, s, viewState{contact: true})
}
