package server

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/auth"
	"github.com/storydesk/storydesk/internal/limit"
	"github.com/storydesk/storydesk/internal/store"
)

const userKey = "storydesk.user"

// authenticator finds the account behind a request.
type authenticator struct {
	store *store.Store
	log   *slog.Logger
}

// require lets the request through only for an account with one of roles:
// 401 without credentials, 403 for the wrong role.
func (a *authenticator) require(roles ...string) func(*gin.Context) error {
	return func(c *gin.Context) error {
		tok, err := auth.BearerToken(c.GetHeader("Authorization"))
		if err != nil {
			return errorf(http.StatusUnauthorized, "authentication required")
		}
		u, t, err := a.store.UserByToken(c.Request.Context(), auth.HashToken(tok))
		if errors.Is(err, store.ErrNotFound) {
			return errorf(http.StatusUnauthorized, "authentication required")
		}
		if err != nil {
			return err
		}
		for _, r := range roles {
			if u.Role == r {
				c.Set(userKey, u)
				if err := a.store.TouchToken(c.Request.Context(), t.ID); err != nil {
					a.log.Warn("touch token", "err", err)
				}
				return nil
			}
		}
		return errorf(http.StatusForbidden, "your role may not do this")
	}
}

func currentUser(c *gin.Context) store.User {
	u, _ := c.Get(userKey)
	user, _ := u.(store.User)
	return user
}

// sessionHandler trades an e-mail and password for a token.
type sessionHandler struct {
	store   *store.Store
	limiter *limit.Limiter
	log     *slog.Logger
}

type sessionRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (h *sessionHandler) create(c *gin.Context) error {
	var req sessionRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.Email == "" || req.Password == "" {
		return &httpError{status: http.StatusBadRequest, msg: "email and password are required",
			fields: map[string]string{"email": "is required", "password": "is required"}}
	}
	email := strings.ToLower(strings.TrimSpace(req.Email))
	if err := h.throttle(c, email); err != nil {
		return err
	}
	u, err := h.store.UserByEmail(c.Request.Context(), email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	// The password is checked (against a dummy hash when there is no such
	// account) before anything else, so every failure takes the same time.
	ok := auth.CheckPassword(req.Password, u.PasswordHash)
	if !ok || u.Disabled {
		return errorf(http.StatusUnauthorized, "wrong e-mail or password")
	}
	tok, hash, err := auth.NewToken()
	if err != nil {
		return err
	}
	if _, err := h.store.CreateToken(c.Request.Context(), store.Token{UserID: u.ID, Name: "session", Hash: hash}); err != nil {
		return err
	}
	h.log.Info("login", "user", u.ID)
	c.JSON(http.StatusOK, gin.H{"token": tok})
	return nil
}

// throttle limits attempts per client and per account. Unlike submissions,
// logins are refused when the limiter is down: guessing must stay slow.
func (h *sessionHandler) throttle(c *gin.Context, email string) error {
	ctx := c.Request.Context()
	ok, retry, err := h.limiter.Allow(ctx, "login-client", h.limiter.ClientKey(c.ClientIP()), loginRate, loginWindow)
	if err != nil {
		return unavailable("sign-in")
	}
	if !ok {
		return tooMany(retry)
	}
	ok, retry, err = h.limiter.Allow(ctx, "login-account", h.limiter.ClientKey("account:"+email), accountRate, loginWindow)
	if err != nil {
		return unavailable("sign-in")
	}
	if !ok {
		return tooMany(retry)
	}
	return nil
}
