package server

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/web"
)

// visitGap is the pause after which a look at the queue starts a new
// visit, and "new since your last visit" counts from the previous one.
const visitGap = 30 * time.Minute

// deskQueue is the editors' queue: the /desk page and assignment.
type deskQueue struct {
	store  *store.Store
	render *web.Renderer
	flash  *flasher
	log    *slog.Logger
}

// page is GET /desk: counts per status, filters, search, one page of rows.
func (h *deskQueue) page(c *gin.Context) error {
	ctx := c.Request.Context()
	u := currentUser(c)
	f, err := queueFilter(c, u, store.StatusReady)
	if err != nil {
		return err
	}
	since, err := h.store.VisitQueue(ctx, u.ID, time.Now(), visitGap)
	if err != nil {
		return err
	}
	qp, err := h.store.Queue(ctx, f)
	if err != nil {
		return err
	}
	fresh := 0
	if !since.IsZero() {
		if fresh, err = h.store.CountNewSince(ctx, since, u.Site); err != nil {
			return err
		}
	}
	people, err := h.store.Assignees(ctx, deskRoles.names()...)
	if err != nil {
		return err
	}
	p := staffPage(c, h.render)
	p.Data = newQueueView(c, u, f, qp, since, fresh, people)
	return renderPage(c, h.render, http.StatusOK, "desk_queue", p)
}

// compatible reports whether account u may work on a submission of site.
func compatible(u store.User, site string) bool {
	return u.Site == "" || strings.EqualFold(u.Site, site)
}
