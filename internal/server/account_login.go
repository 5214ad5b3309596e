package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/auth"
	"github.com/storydesk/storydesk/internal/store"
)

// The second step of a login: after the password, a short-lived pending
// login (kept server-side, named by its own cookie) waits for a TOTP code,
// or for enrollment when an admin requires two-factor. It grants nothing
// until that step succeeds; only then is a session started.
const (
	pendingCookie   = "__Host-storydesk-login"
	pendingLife     = 5 * time.Minute
	pendingAttempts = 5
)

// secondStep decides what follows a right password: nothing (false: start
// the session), or a pending login and a redirect to its step (true).
func (h *sessionHandler) secondStep(c *gin.Context, u store.User, next string) (bool, error) {
	ctx := c.Request.Context()
	tp, _, err := h.tf.state(ctx, u.ID)
	if err != nil {
		return false, err
	}
	stage, path := store.PendingTOTP, "/login/totp"
	if !tp.Enabled() {
		req, err := h.tf.required(ctx)
		if err != nil || !req {
			return false, err
		}
		stage, path = store.PendingEnroll, "/login/enroll"
	}
	id, hash, err := newSessionID()
	if err != nil {
		return false, err
	}
	now := time.Now()
	if err := h.store.CreatePendingLogin(ctx, store.PendingLogin{IDHash: hash, UserID: u.ID, Stage: stage, Next: next,
		CreatedAt: now, ExpiresAt: now.Add(pendingLife)}); err != nil {
		return false, err
	}
	setCookie(c, pendingCookie, id, int(pendingLife.Seconds()))
	c.Redirect(http.StatusSeeOther, path)
	return true, nil
}

// pending returns the pending login of this browser at stage, and its user.
func (h *sessionHandler) pending(c *gin.Context, stage string) (store.PendingLogin, store.User, error) {
	id, _ := c.Cookie(pendingCookie)
	p, err := h.store.PendingLogin(c.Request.Context(), auth.HashToken(id))
	if err == nil && p.Stage != stage {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.PendingLogin{}, store.User{}, err
	}
	u, err := h.store.UserByID(c.Request.Context(), p.UserID)
	return p, u, err
}

// stepPage shows the code form (stage totp) or enrollment (stage enroll);
// without a live pending login it goes back to the password.
func (h *sessionHandler) stepPage(stage string) func(*gin.Context) error {
	return func(c *gin.Context) error {
		_, u, err := h.pending(c, stage)
		if errors.Is(err, store.ErrNotFound) {
			c.Redirect(http.StatusSeeOther, "/login")
			return nil
		}
		if err != nil {
			return err
		}
		return h.renderStep(c, stage, u, http.StatusOK, "")
	}
}

func (h *sessionHandler) renderStep(c *gin.Context, stage string, u store.User, status int, errCode string) error {
	p := newPage(c, h.render, c.PostForm("ui_lang"))
	if errCode != "" {
		p.Errors = map[string]string{"code": errCode}
	}
	if stage == store.PendingTOTP || u.ID == "" {
		return renderPage(c, h.render, status, "login_totp", p)
	}
	secret, err := h.tf.enrollment(c.Request.Context(), u.ID)
	if err != nil {
		return err
	}
	p.Data = newEnrollView(secret, u.Email, "/login/enroll")
	return renderPage(c, h.render, status, "account_totp", p)
}

// stepSubmit checks the code of the second step. Every attempt counts
// against the same throttles as passwords and against the pending login's
// own budget; an unknown or expired pending login gets the same answer,
// after the same work, as a wrong code.
func (h *sessionHandler) stepSubmit(stage string) func(*gin.Context) error {
	return func(c *gin.Context) error {
		ctx := c.Request.Context()
		id, _ := c.Cookie(pendingCookie)
		hash := auth.HashToken(id)
		p, u, perr := h.pending(c, stage)
		if perr != nil && !errors.Is(perr, store.ErrNotFound) {
			return perr
		}
		account := u.Email
		if account == "" {
			account = "pending:" + hash
		}
		guess, err := h.throttle(c, account)
		if err != nil {
			setRetryAfter(c, err)
			he := classify(err)
			code := "login_throttled"
			if he.status == http.StatusServiceUnavailable {
				code = "unavailable"
			}
			return h.renderStep(c, store.PendingTOTP, store.User{}, he.status, code)
		}
		if perr == nil {
			_, perr = h.store.PendingLoginAttempt(ctx, hash, pendingAttempts)
		}
		code := c.PostForm("code")
		switch {
		case perr != nil:
			auth.CheckTOTP("", code, time.Now()) // the same work as a real check
			err = errBadCode
		case stage == store.PendingTOTP:
			err = h.tf.verify(ctx, u.ID, code)
		default:
			err = h.tf.confirm(ctx, u.ID, code)
		}
		if err != nil {
			if classify(err).status != http.StatusUnauthorized {
				return err
			}
			if u.ID != "" {
				h.audit(c, store.AuditEntry{ActorID: u.ID, Actor: u.Email, Action: "login_code_failed", Target: u.ID})
			}
			if perr != nil {
				u = store.User{}
			}
			return h.renderStep(c, stage, u, http.StatusUnauthorized, "acct_code")
		}
		h.succeeded(c, guess)
		if stage == store.PendingEnroll {
			h.audit(c, store.AuditEntry{ActorID: u.ID, Actor: u.Email, Action: "two_factor_enabled", Target: u.ID})
		}
		if err := h.store.DeletePendingLogin(ctx, hash); err != nil {
			return err
		}
		setCookie(c, pendingCookie, "", -1)
		if err := h.authn.startSession(c, u); err != nil {
			return err
		}
		h.loggedIn(c, u)
		c.Redirect(http.StatusSeeOther, localPath(p.Next))
		return nil
	}
}

// apiSecondFactor is the second factor for POST /api/v1/sessions: the code
// comes in the same request. An account that must enroll first is told to
// use the web page, where enrollment happens.
func (h *sessionHandler) apiSecondFactor(c *gin.Context, u store.User, code string) error {
	ctx := c.Request.Context()
	tp, _, err := h.tf.state(ctx, u.ID)
	if err != nil {
		return err
	}
	if tp.Enabled() {
		if code == "" {
			return fieldErr(http.StatusUnauthorized, "code", "is required: this account uses two-factor")
		}
		if err := h.tf.verify(ctx, u.ID, code); err != nil {
			h.audit(c, store.AuditEntry{ActorID: u.ID, Actor: u.Email, Action: "login_code_failed", Target: u.ID})
			return err
		}
		return nil
	}
	if req, err := h.tf.required(ctx); err != nil {
		return err
	} else if req {
		return errorf(http.StatusForbidden, "two-factor is required: sign in once on the web page to set it up")
	}
	return nil
}

// loggedIn records a completed login.
func (h *sessionHandler) loggedIn(c *gin.Context, u store.User) {
	h.audit(c, store.AuditEntry{ActorID: u.ID, Actor: u.Email, Action: "login", Target: u.ID})
	h.log.Info("login", "user", u.ID)
}

func setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
}
