package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/auth"
	"github.com/storydesk/storydesk/internal/limit"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/web"
)

const userKey = "storydesk.user"

// authenticator finds the account behind a request.
type authenticator struct {
	store *store.Store
	log   *slog.Logger
}

// require lets the request through only for an account with one of roles:
// 401 without credentials, 403 for the wrong role.
// A bearer token (scripts) or the session cookie (the browser UI) is accepted.
func (a *authenticator) require(roles roleSet) func(*gin.Context) error {
	return func(c *gin.Context) error {
		u, err := a.identify(c)
		if errors.Is(err, store.ErrNotFound) {
			return errorf(http.StatusUnauthorized, "authentication required")
		}
		if err != nil {
			return err
		}
		if !roles.allows(u) {
			return errorf(http.StatusForbidden, "your role may not do this")
		}
		c.Set(userKey, u)
		return nil
	}
}

// identify finds the account behind a request; ErrNotFound when there is none.
func (a *authenticator) identify(c *gin.Context) (store.User, error) {
	header := c.GetHeader("Authorization")
	if header == "" {
		return a.fromSession(c)
	}
	tok, err := auth.BearerToken(header)
	if err != nil {
		return store.User{}, store.ErrNotFound
	}
	ctx := c.Request.Context()
	u, t, err := a.store.UserByToken(ctx, auth.HashToken(tok))
	if err != nil {
		return store.User{}, err
	}
	if err := a.needsTwoFactor(ctx, u); err != nil {
		return store.User{}, err
	}
	if err := a.store.TouchToken(ctx, t, time.Now()); err != nil {
		a.log.Warn("touch token", "err", err)
	}
	return u, nil
}

// errTokenNeedsTwoFactor refuses the API token of an account without a
// second factor once an admin requires one: browser sessions of such
// accounts end when the requirement is switched on, and a token (however it
// was made, the CLI included) must not be the way around it.
var errTokenNeedsTwoFactor = errorf(http.StatusForbidden,
	"two-factor sign-in is required for every account; set it up on your account page before using API tokens")

func (a *authenticator) needsTwoFactor(ctx context.Context, u store.User) error {
	required, err := a.store.TwoFactorRequired(ctx)
	if err != nil || !required {
		return err
	}
	tp, err := a.store.UserTOTP(ctx, u.ID)
	if errors.Is(err, store.ErrNotFound) || err == nil && !tp.Enabled() {
		return errTokenNeedsTwoFactor
	}
	return err
}

func currentUser(c *gin.Context) store.User {
	u, _ := c.Get(userKey)
	user, _ := u.(store.User)
	return user
}

// sessionHandler signs staff in and out: a token for scripts, a session
// cookie for the browser.
type sessionHandler struct {
	store   *store.Store
	authn   *authenticator
	limiter *limit.Limiter
	render  *web.Renderer
	log     *slog.Logger
	tf      *twoFactor // the second step (account_login.go)
	pw      *auth.Passwords
}

type sessionRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Code     string `json:"code"` // TOTP code, for accounts with two-factor
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
	u, guess, err := h.check(c, req.Email, req.Password)
	if err != nil {
		return err
	}
	// The code comes in the same request: the guess is right only with both.
	if err := h.apiSecondFactor(c, u, req.Code); err != nil {
		return err
	}
	h.succeeded(c, guess)
	tok, hash, err := auth.NewToken()
	if err != nil {
		return err
	}
	// A login's token lives as long as a browser session at most.
	exp := time.Now().Add(sessionAbsolute)
	if _, err := h.store.CreateToken(c.Request.Context(), store.Token{UserID: u.ID, Name: "session", Hash: hash,
		ExpiresAt: exp, FromLogin: true}); err != nil {
		return err
	}
	h.loggedIn(c, u)
	c.JSON(http.StatusOK, gin.H{"token": tok, "expires_at": exp.UTC().Format(time.RFC3339)})
	return nil
}

// check throttles, then verifies an e-mail and password, and audits a
// failure. The caller passes the guess to succeeded once every factor it
// checks in this request is right.
func (h *sessionHandler) check(c *gin.Context, email, password string) (store.User, limit.Guess, error) {
	ctx := c.Request.Context()
	email = strings.ToLower(strings.TrimSpace(email))
	guess, err := h.throttle(c, email)
	if err != nil {
		return store.User{}, limit.Guess{}, err
	}
	u, err := h.store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.User{}, limit.Guess{}, err
	}
	// The password is checked (against a dummy hash when there is no such
	// account) before anything else, so every failure takes the same time.
	ok, err := h.pw.Check(ctx, password, u.PasswordHash)
	if err != nil {
		return store.User{}, limit.Guess{}, err
	}
	if !ok || u.Disabled {
		if u.ID != "" {
			h.audit(c, store.AuditEntry{ActorID: u.ID, Actor: u.Email, Action: "login_failed", Target: u.ID})
		}
		return store.User{}, limit.Guess{}, errorf(http.StatusUnauthorized, "wrong e-mail or password")
	}
	// The caller records the login once any second step is done.
	return u, guess, nil
}

func (h *sessionHandler) audit(c *gin.Context, e store.AuditEntry) {
	if err := h.store.Audit(c.Request.Context(), e); err != nil {
		h.log.Error("audit", "action", e.Action, "err", err)
	}
}

func (h *sessionHandler) loginPage(c *gin.Context) error {
	if _, err := h.authn.fromSession(c); err == nil {
		c.Redirect(http.StatusSeeOther, localPath(c.Query("next")))
		return nil
	}
	p := newPage(c, h.render, "")
	p.Values = map[string]string{"next": localPath(c.Query("next"))}
	if c.Query("done") == "password_set" {
		p.Notice = "password_set"
	}
	return renderPage(c, h.render, http.StatusOK, "login", p)
}

// login is POST /login: a new session on success, the form again otherwise.
func (h *sessionHandler) login(c *gin.Context) error {
	email, next := c.PostForm("email"), localPath(c.PostForm("next"))
	u, guess, err := h.check(c, email, c.PostForm("password"))
	if err != nil {
		he := classify(err)
		code := "login_failed"
		switch he.status {
		case http.StatusUnauthorized:
		case http.StatusTooManyRequests:
			code = "login_throttled"
		case http.StatusServiceUnavailable:
			code = "unavailable"
		default:
			return err
		}
		setRetryAfter(c, err)
		p := newPage(c, h.render, c.PostForm("ui_lang"))
		p.Values = map[string]string{"email": email, "next": next}
		p.Errors = map[string]string{"": code}
		return renderPage(c, h.render, he.status, "login", p)
	}
	// The password was right; a second step throttles its codes itself.
	h.succeeded(c, guess)
	if pending, err := h.secondStep(c, u, next); err != nil || pending {
		return err
	}
	if err := h.authn.startSession(c, u); err != nil {
		return err
	}
	h.loggedIn(c, u)
	c.Redirect(http.StatusSeeOther, next)
	return nil
}

// logout is POST only: a link or an image on another page cannot sign anyone out.
func (h *sessionHandler) logout(c *gin.Context) error {
	if u, err := h.authn.fromSession(c); err == nil {
		h.audit(c, store.AuditEntry{ActorID: u.ID, Actor: u.Email, Action: "logout", Target: u.ID})
	}
	if err := h.authn.endSession(c); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/login")
	return nil
}

// throttle lets one guess (a password or a code) at account go ahead under
// loginBackoff, or refuses it with 429 and Retry-After. The guess counts as
// a failure unless passed to succeeded. Unlike submissions, guesses are
// refused when the limiter is down: guessing must stay slow.
func (h *sessionHandler) throttle(c *gin.Context, account string) (limit.Guess, error) {
	g, wait, err := h.limiter.Begin(c.Request.Context(), "login", loginBackoff,
		h.limiter.ClientKey(c.ClientIP()), h.limiter.Key("account:"+account))
	if err != nil {
		h.log.Warn("login throttle unavailable", "err", err)
		return limit.Guess{}, unavailable("sign-in")
	}
	if wait > 0 {
		return limit.Guess{}, tooMany(wait)
	}
	return g, nil
}

// succeeded takes a right guess off the client's and the account's failures.
func (h *sessionHandler) succeeded(c *gin.Context, g limit.Guess) {
	if err := g.Succeeded(c.Request.Context()); err != nil {
		h.log.Warn("login throttle", "err", err)
	}
}
