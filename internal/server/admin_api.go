package server

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/store"
)

// adminAPI is /api/v1/users and /api/v1/settings, for scripts run by admins.
type adminAPI struct {
	admin *userAdmin
}

func userJSON(u store.User, twoFactor bool) gin.H {
	return gin.H{"id": u.ID, "email": u.Email, "name": u.Name, "role": u.Role, "site": u.Site,
		"disabled": u.Disabled, "two_factor": twoFactor, "password_set": u.PasswordHash != "",
		"created_at": u.CreatedAt.Format(time.RFC3339)}
}

func (h *adminAPI) list(c *gin.Context) error {
	users, err := h.admin.store.ListUsers(c.Request.Context(), currentUser(c))
	if err != nil {
		return err
	}
	items := make([]gin.H, 0, len(users))
	for _, u := range users {
		items = append(items, userJSON(u.User, u.TwoFactor))
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
	return nil
}

type inviteRequest struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
	Site  string `json:"site"`
}

// create invites a person: 201 with the one-time link, which is shown only here.
func (h *adminAPI) create(c *gin.Context) error {
	var req inviteRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u, link, exp, err := h.admin.invitation(c.Request.Context(), currentUser(c), req.Email, req.Name, req.Role, req.Site)
	if err != nil {
		return apiErr(err)
	}
	c.JSON(http.StatusCreated, gin.H{"user": userJSON(u, false), "invite_url": link, "invite_expires_at": exp.UTC().Format(time.RFC3339)})
	return nil
}

// patchRequest changes only what it names.
type patchRequest struct {
	Role           *string `json:"role"`
	Site           *string `json:"site"`
	Disabled       *bool   `json:"disabled"`
	ResetTwoFactor bool    `json:"reset_two_factor"`
	NewInvite      bool    `json:"new_invite"`
}

// patch is PATCH /api/v1/users/{id}. Changes apply in order: access,
// disabled, two-factor reset, new invitation; a bad field changes nothing.
func (h *adminAPI) patch(c *gin.Context) error {
	var req patchRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	ctx, actor, id := c.Request.Context(), currentUser(c), c.Param("id")
	u, err := h.admin.store.ManagedUser(ctx, actor, id)
	if err != nil {
		return err
	}
	newRole, site := u.Role, u.Site
	if req.Role != nil {
		newRole = *req.Role
	}
	if req.Site != nil {
		site = *req.Site
	}
	// Validate everything before changing anything.
	if err := checkAccess(newRole, site); err != nil {
		return apiErr(err)
	}
	if !store.Manages(actor, site) {
		return apiErr(errSiteScope)
	}
	if id == actor.ID && (role(newRole) != roleAdmin || (req.Disabled != nil && *req.Disabled)) {
		return errorf(http.StatusConflict, "you cannot remove your own admin access or disable your own account")
	}
	if req.Role != nil || req.Site != nil {
		if u, err = h.admin.setAccess(ctx, actor, id, newRole, site); err != nil {
			return apiErr(err)
		}
	}
	if req.Disabled != nil && *req.Disabled != u.Disabled {
		if u, err = h.admin.setDisabled(ctx, actor, id, *req.Disabled); err != nil {
			return apiErr(err)
		}
	}
	if req.ResetTwoFactor {
		if _, err := h.admin.resetTwoFactor(ctx, actor, id); err != nil {
			return err
		}
	}
	out := gin.H{}
	if req.NewInvite {
		_, link, exp, err := h.admin.reinvite(ctx, actor, id)
		if err != nil {
			return err
		}
		out["invite_url"], out["invite_expires_at"] = link, exp.UTC().Format(time.RFC3339)
	}
	tp, _, err := h.admin.tf.state(ctx, id)
	if err != nil {
		return err
	}
	out["user"] = userJSON(u, tp.Enabled())
	c.JSON(http.StatusOK, out)
	return nil
}

func (h *adminAPI) getSettings(c *gin.Context) error {
	req, err := h.admin.tf.required(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"require_two_factor": req})
	return nil
}

type settingsRequest struct {
	RequireTwoFactor *bool `json:"require_two_factor"`
}

func (h *adminAPI) putSettings(c *gin.Context) error {
	var req settingsRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.RequireTwoFactor == nil {
		return fieldErr(http.StatusBadRequest, "require_two_factor", "is required (true or false)")
	}
	if err := h.admin.setRequired(c.Request.Context(), currentUser(c), *req.RequireTwoFactor); err != nil {
		return apiErr(err)
	}
	c.JSON(http.StatusOK, gin.H{"require_two_factor": *req.RequireTwoFactor})
	return nil
}
