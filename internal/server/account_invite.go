package server

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/auth"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/web"
)

// inviteHandler is /invite/{token}: an invited person sets their password.
// The link works once and for a week; a used, expired or wrong link is a
// plain 404 page.
type inviteHandler struct {
	store  *store.Store
	render *web.Renderer
	log    *slog.Logger
	pw     *auth.Passwords
}

func (h *inviteHandler) page(c *gin.Context) error {
	u, err := h.store.InviteUser(c.Request.Context(), auth.HashToken(c.Param("token")))
	if err != nil {
		return err
	}
	return h.form(c, http.StatusOK, u, nil)
}

func (h *inviteHandler) form(c *gin.Context, status int, u store.User, errs map[string]string) error {
	p := newPage(c, h.render, c.PostForm("ui_lang"))
	p.Values = map[string]string{"email": u.Email}
	p.Errors = errs
	p.Data = c.Request.URL.Path
	return renderPage(c, h.render, status, "account_invite", p)
}

func (h *inviteHandler) accept(c *gin.Context) error {
	ctx := c.Request.Context()
	hash := auth.HashToken(c.Param("token"))
	u, err := h.store.InviteUser(ctx, hash)
	if err != nil {
		return err
	}
	pw, confirm := c.PostForm("new_password"), c.PostForm("confirm_password")
	if pw != confirm {
		return h.form(c, http.StatusBadRequest, u, map[string]string{"confirm_password": "acct_password_mismatch"})
	}
	pwHash, err := h.pw.Hash(c.Request.Context(), pw)
	if errors.Is(err, auth.ErrWeakPassword) {
		return h.form(c, http.StatusBadRequest, u, map[string]string{"new_password": "acct_password_short"})
	}
	if err != nil {
		return err
	}
	if _, err := h.store.AcceptInvite(ctx, hash, pwHash); err != nil {
		return err
	}
	if err := h.store.Audit(ctx, store.AuditEntry{ActorID: u.ID, Actor: u.Email, Action: "invite_accepted", Target: u.ID}); err != nil {
		h.log.Error("audit", "action", "invite_accepted", "err", err)
	}
	c.Redirect(http.StatusSeeOther, "/login?done=password_set")
	return nil
}
