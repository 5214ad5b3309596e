package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/store"
)

// outletsHandler is the list of outlets staff pitch pieces to.
type outletsHandler struct {
	store *store.Store
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
	o, err := desk.ApplyOutlet(desk.NewOutlet(), req)
	if err != nil {
		return err
	}
	if o, err = h.store.CreateOutlet(c.Request.Context(), o); err != nil {
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
	ctx := c.Request.Context()
	o, err := h.store.Outlet(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	if o, err = desk.ApplyOutlet(o, req); err != nil {
		return err
	}
	if o, err = h.store.UpdateOutlet(ctx, o); err != nil {
		return err
	}
	c.JSON(http.StatusOK, outletJSON(o))
	return nil
}
