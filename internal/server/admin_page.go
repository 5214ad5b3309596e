package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/web"
)

// adminPage is /admin/users: the accounts, invitations and the two-factor
// requirement, for admins only.
type adminPage struct {
	admin  *userAdmin
	render *web.Renderer
	flash  *flasher
}

// adminView is the data of the users page.
type adminView struct {
	Users    []store.Account
	Self     string // the viewer's id: no disable or demote buttons on their own row
	Site     string // the viewer's site: a site-bound admin invites to it and changes no settings
	Required bool
	Invite   *shownInvite // a new link, shown once
}

type shownInvite struct {
	Email     string
	URL       string
	ExpiresAt time.Time
}

func (h *adminPage) list(c *gin.Context) error {
	return h.show(c, http.StatusOK, flashOf(c).Invite, nil)
}

func (h *adminPage) show(c *gin.Context, status int, inv *shownInvite, err error) error {
	ctx := c.Request.Context()
	users, lerr := h.admin.store.ListUsers(ctx, currentUser(c))
	if lerr != nil {
		return lerr
	}
	req, rerr := h.admin.tf.required(ctx)
	if rerr != nil {
		return rerr
	}
	p := staffPage(c, h.render)
	viewer := currentUser(c)
	p.Data = adminView{Users: users, Self: viewer.ID, Site: viewer.Site, Required: req, Invite: inv}
	var pr *problem
	if errors.As(err, &pr) {
		p.Errors = map[string]string{pr.field: pr.code}
		p.Values = map[string]string{"email": c.PostForm("email"), "name": c.PostForm("name"), "role": c.PostForm("role"), "site": c.PostForm("site")}
	}
	return renderPage(c, h.render, status, "admin_users", p)
}

// invite creates an account and shows its link once.
func (h *adminPage) invite(c *gin.Context) error {
	u, link, exp, err := h.admin.invitation(c.Request.Context(), currentUser(c), c.PostForm("email"), c.PostForm("name"), c.PostForm("role"), c.PostForm("site"))
	return h.afterInvite(c, u, link, exp, err)
}

func (h *adminPage) reinvite(c *gin.Context) error {
	u, link, exp, err := h.admin.reinvite(c.Request.Context(), currentUser(c), c.Param("id"))
	return h.afterInvite(c, u, link, exp, err)
}

func (h *adminPage) afterInvite(c *gin.Context, u store.User, link string, exp time.Time, err error) error {
	var pr *problem
	if errors.As(err, &pr) {
		return h.show(c, pr.status(), nil, err)
	}
	if err != nil {
		return err
	}
	return h.flash.redirect(c, "/admin/users", flash{Invite: &shownInvite{Email: u.Email, URL: link, ExpiresAt: exp}})
}

// action wraps the one-button changes: each redirects back with a notice.
func (h *adminPage) action(done string, do func(c *gin.Context) error) func(*gin.Context) error {
	return func(c *gin.Context) error {
		err := do(c)
		var pr *problem
		if errors.As(err, &pr) {
			return h.show(c, classify(apiErr(err)).status, nil, err)
		}
		if err != nil {
			return err
		}
		return h.flash.redirect(c, "/admin/users", flash{Notice: done})
	}
}

func (h *adminPage) access(c *gin.Context) error {
	_, err := h.admin.setAccess(c.Request.Context(), currentUser(c), c.Param("id"), c.PostForm("role"), c.PostForm("site"))
	return err
}

func (h *adminPage) disable(c *gin.Context) error {
	_, err := h.admin.setDisabled(c.Request.Context(), currentUser(c), c.Param("id"), true)
	return err
}

func (h *adminPage) enable(c *gin.Context) error {
	_, err := h.admin.setDisabled(c.Request.Context(), currentUser(c), c.Param("id"), false)
	return err
}

func (h *adminPage) resetTwoFactor(c *gin.Context) error {
	_, err := h.admin.resetTwoFactor(c.Request.Context(), currentUser(c), c.Param("id"))
	return err
}

func (h *adminPage) settings(c *gin.Context) error {
	return h.admin.setRequired(c.Request.Context(), currentUser(c), c.PostForm("require_two_factor") == "on")
}
