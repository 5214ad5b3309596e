package server

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/auth"
	"github.com/storydesk/storydesk/internal/store"
)

// Session cookie: __Host- pins it to this origin over HTTPS (browsers treat
// http://localhost as secure too); SameSite=Strict keeps it off every
// cross-site request.
const (
	sessionCookie   = "__Host-storydesk"
	sessionIdle     = 2 * time.Hour
	sessionAbsolute = 12 * time.Hour
)

// newSessionID returns a fresh random session id (never one a client offered:
// that is what stops session fixation) and the hash that is stored.
func newSessionID() (id, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	id = base64.RawURLEncoding.EncodeToString(b)
	return id, auth.HashToken(id), nil
}

func setSessionCookie(c *gin.Context, id string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: id, Path: "/", MaxAge: maxAge,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
}

// fromSession finds the user behind the session cookie, moving its idle
// time-out forward. ErrNotFound when there is no live session.
func (a *authenticator) fromSession(c *gin.Context) (store.User, error) {
	id, err := c.Cookie(sessionCookie)
	if err != nil || id == "" {
		return store.User{}, store.ErrNotFound
	}
	ctx := c.Request.Context()
	hash := auth.HashToken(id)
	se, u, err := a.store.SessionUser(ctx, hash, sessionIdle)
	if err != nil {
		return store.User{}, err
	}
	// Touch at most once a minute: every page view need not be a write.
	if time.Since(se.LastSeenAt) > time.Minute {
		if err := a.store.TouchSession(ctx, hash); err != nil {
			a.log.Warn("touch session", "err", err)
		}
	}
	return u, nil
}

// startSession signs u in on this browser with a brand-new session id.
func (a *authenticator) startSession(c *gin.Context, u store.User) error {
	// Any session id the browser already had is discarded, not reused.
	if old, err := c.Cookie(sessionCookie); err == nil && old != "" {
		_ = a.store.DeleteSession(c.Request.Context(), auth.HashToken(old))
	}
	id, hash, err := newSessionID()
	if err != nil {
		return err
	}
	now := time.Now()
	if err := a.store.CreateSession(c.Request.Context(), store.Session{
		IDHash: hash, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(sessionAbsolute),
	}); err != nil {
		return err
	}
	setSessionCookie(c, id, int(sessionAbsolute.Seconds()))
	return nil
}

// endSession logs this browser out; the id cannot be replayed afterwards.
func (a *authenticator) endSession(c *gin.Context) error {
	if id, err := c.Cookie(sessionCookie); err == nil && id != "" {
		if err := a.store.DeleteSession(c.Request.Context(), auth.HashToken(id)); err != nil {
			return err
		}
	}
	setSessionCookie(c, "", -1)
	return nil
}

// requirePage guards editors' HTML pages: a visitor without a session is sent
// to the login page (and back afterwards); a wrong role gets a 403 page.
func (a *authenticator) requirePage(roles roleSet) func(*gin.Context) error {
	return func(c *gin.Context) error {
		u, err := a.fromSession(c)
		if errors.Is(err, store.ErrNotFound) {
			c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
			c.Abort()
			return nil
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

// localPath is the one check for every redirect to a destination a caller
// supplied (?next= on /login, the queue's forms): it keeps next only when a
// browser, by the WHATWG URL rules, would stay on this origin, and returns
// /desk otherwise. Browsers drop tabs and newlines anywhere, strip leading
// controls and spaces, read a backslash as a slash, and some proxies and
// routers decode %2f and %5c; so only printable ASCII without a backslash
// passes, the path must start with exactly one slash, and once decoded it
// must hold no backslash, control character, empty segment ("//") or dot
// segment that could climb to one.
func localPath(next string) string {
	const fallback = "/desk"
	if len(next) > maxNextLen || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return fallback
	}
	for i := 0; i < len(next); i++ {
		if b := next[i]; b <= ' ' || b >= 0x7f || b == '\\' {
			return fallback
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return fallback
	}
	segs := strings.Split(u.Path, "/")[1:]
	for i, seg := range segs {
		if seg == "" && i < len(segs)-1 || seg == "." || seg == ".." || strings.ContainsFunc(seg, func(r rune) bool {
			return r < ' ' || r == 0x7f || r == '\\'
		}) {
			return fallback
		}
	}
	return next
}

// maxNextLen bounds a destination: the desk's own links are far shorter.
const maxNextLen = 2048
