package server

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/auth"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/web"
)

// accountHandler is a signed-in person's own account: password, API
// tokens and two-factor.
type accountHandler struct {
	store  *store.Store
	tf     *twoFactor
	ses    *sessionHandler // for the login throttles
	render *web.Renderer
	flash  *flasher
	log    *slog.Logger
}

// accountView is the data of the /account page.
type accountView struct {
	TwoFactor bool
	Required  bool
	Tokens    []tokenView
}

type tokenView struct {
	ID        string
	Name      string
	CreatedAt time.Time
	LastUsed  time.Time
	ExpiresAt time.Time
}

func (h *accountHandler) page(c *gin.Context) error {
	return h.renderAccount(c, http.StatusOK, nil)
}

func (h *accountHandler) renderAccount(c *gin.Context, status int, errs map[string]string) error {
	ctx := c.Request.Context()
	u := currentUser(c)
	tp, _, err := h.tf.state(ctx, u.ID)
	if err != nil {
		return err
	}
	req, err := h.tf.required(ctx)
	if err != nil {
		return err
	}
	toks, err := h.store.UserTokens(ctx, u.ID)
	if err != nil {
		return err
	}
	v := accountView{TwoFactor: tp.Enabled(), Required: req}
	for _, t := range toks {
		v.Tokens = append(v.Tokens, tokenView{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, LastUsed: t.LastUsedAt, ExpiresAt: t.ExpiresAt})
	}
	p := staffPage(c, h.render)
	p.Data, p.Errors = v, errs
	return renderPage(c, h.render, status, "account", p)
}

// password changes the password: the current one is required (and its
// guesses are throttled like logins); every other session ends and every
// API token is revoked, the CLI's included: a token is as good as the
// password that may have leaked. This session stays, so the person goes on.
func (h *accountHandler) password(c *gin.Context) error {
	ctx := c.Request.Context()
	u := currentUser(c)
	guess, err := h.ses.throttle(c, u.Email)
	if err != nil {
		setRetryAfter(c, err)
		return h.renderAccount(c, classify(err).status, map[string]string{"": "login_throttled"})
	}
	current, pw, confirm := c.PostForm("current_password"), c.PostForm("new_password"), c.PostForm("confirm_password")
	ok, err := h.ses.pw.Check(c.Request.Context(), current, u.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		h.ses.audit(c, store.AuditEntry{ActorID: u.ID, Actor: u.Email, Action: "password_change_failed", Target: u.ID})
		return h.renderAccount(c, http.StatusBadRequest, map[string]string{"current_password": "acct_password_wrong"})
	}
	h.ses.succeeded(c, guess)
	if pw != confirm {
		return h.renderAccount(c, http.StatusBadRequest, map[string]string{"confirm_password": "acct_password_mismatch"})
	}
	hash, err := h.ses.pw.Hash(c.Request.Context(), pw)
	if errors.Is(err, auth.ErrWeakPassword) {
		return h.renderAccount(c, http.StatusBadRequest, map[string]string{"new_password": "acct_password_short"})
	}
	if err != nil {
		return err
	}
	id, _ := c.Cookie(sessionCookie)
	if err := h.store.SetPassword(ctx, u.ID, hash, auth.HashToken(id)); err != nil {
		return err
	}
	h.ses.audit(c, store.AuditEntry{ActorID: u.ID, Actor: u.Email, Action: "password_changed", Target: u.ID})
	return h.flash.redirect(c, "/account", flash{Notice: "password_changed"})
}

// revokeToken revokes one of the signed-in person's own tokens; another
// person's token id is a 404.
func (h *accountHandler) revokeToken(c *gin.Context) error {
	u := currentUser(c)
	if err := h.store.RevokeUserToken(c.Request.Context(), u.ID, c.Param("id")); err != nil {
		return err
	}
	h.ses.audit(c, store.AuditEntry{ActorID: u.ID, Actor: u.Email, Action: "token_revoked", Target: u.ID, Detail: "token " + c.Param("id")})
	return h.flash.redirect(c, "/account", flash{Notice: "token_revoked"})
}

// enrollPage shows the secret to add to an authenticator app.
func (h *accountHandler) enrollPage(c *gin.Context) error {
	return h.renderEnroll(c, http.StatusOK, "")
}

func (h *accountHandler) renderEnroll(c *gin.Context, status int, errCode string) error {
	u := currentUser(c)
	secret, err := h.tf.enrollment(c.Request.Context(), u.ID)
	if errors.Is(err, store.ErrConflict) {
		c.Redirect(http.StatusSeeOther, "/account")
		return nil
	}
	if err != nil {
		return err
	}
	p := staffPage(c, h.render)
	p.Data = newEnrollView(secret, u.Email, "/account/totp")
	if errCode != "" {
		p.Errors = map[string]string{"code": errCode}
	}
	return renderPage(c, h.render, status, "account_totp", p)
}

// enroll confirms the enrollment with a code from the app. Guesses are
// throttled like logins.
func (h *accountHandler) enroll(c *gin.Context) error {
	u := currentUser(c)
	guess, err := h.ses.throttle(c, u.Email)
	if err != nil {
		setRetryAfter(c, err)
		return h.renderEnroll(c, classify(err).status, "login_throttled")
	}
	err = h.tf.confirm(c.Request.Context(), u.ID, c.PostForm("code"))
	if errors.Is(err, errBadCode) {
		return h.renderEnroll(c, http.StatusBadRequest, "acct_code")
	}
	if err == nil {
		h.ses.succeeded(c, guess)
	}
	if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
		c.Redirect(http.StatusSeeOther, "/account")
		return nil
	}
	if err != nil {
		return err
	}
	h.ses.audit(c, store.AuditEntry{ActorID: u.ID, Actor: u.Email, Action: "two_factor_enabled", Target: u.ID})
	return h.flash.redirect(c, "/account", flash{Notice: "totp_enabled"})
}
