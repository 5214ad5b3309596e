package server

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/web"
)

// outletsHandler is the list of outlets staff pitch pieces to.
type outletsHandler struct {
	store  *store.Store
	render *web.Renderer
	flash  *flasher
}

func outletJSON(o store.Outlet) gin.H {
	return gin.H{"id": o.ID, "name": o.Name, "language": o.Language, "word_limit": o.WordLimit,
		"exclusive_days": o.ExclusiveDays, "contact_email": o.ContactEmail, "notes": o.Notes,
		"takes": desk.Takes(o), "created_at": o.CreatedAt, "updated_at": o.UpdatedAt}
}

func (h *outletsHandler) list(c *gin.Context) error {
	outlets, err := h.store.Outlets(c.Request.Context())
	if err != nil {
		return err
	}
	items := make([]gin.H, len(outlets))
	for i, o := range outlets {
		items[i] = outletJSON(o)
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
	return nil
}

func (h *outletsHandler) create(c *gin.Context) error {
	var req desk.OutletChange
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	o, err := h.add(c.Request.Context(), currentUser(c), req)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, outletJSON(o))
	return nil
}

func (h *outletsHandler) patch(c *gin.Context) error {
	var req desk.OutletChange
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	o, err := h.change(c.Request.Context(), currentUser(c), c.Param("id"), req)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, outletJSON(o))
	return nil
}

// add stores a new outlet and audits it, for the API and the page alike.
func (h *outletsHandler) add(ctx context.Context, u store.User, req desk.OutletChange) (store.Outlet, error) {
	o, err := desk.ApplyOutlet(desk.NewOutlet(), req)
	if err != nil {
		return store.Outlet{}, err
	}
	return h.store.CreateOutlet(ctx, o, func(o store.Outlet) store.AuditEntry {
		return placementEntry(u, "outlet_created", o.ID, "outlet "+strconv.Quote(o.Name))
	})
}

// change applies req to outlet id and audits which fields changed.
func (h *outletsHandler) change(ctx context.Context, u store.User, id string, req desk.OutletChange) (store.Outlet, error) {
	before, err := h.store.Outlet(ctx, id)
	if err != nil {
		return store.Outlet{}, err
	}
	o, err := desk.ApplyOutlet(before, req)
	if err != nil {
		return store.Outlet{}, err
	}
	return h.store.UpdateOutlet(ctx, o, func(o store.Outlet) store.AuditEntry {
		return placementEntry(u, "outlet_updated", o.ID, outletChanges(before, o))
	})
}
