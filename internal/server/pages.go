package server

import (
	"bytes"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/intake"
	"github.com/storydesk/storydesk/internal/media"
	"github.com/storydesk/storydesk/web"
)

// page adapts an HTML handler: an error becomes the localised error page.
func page(log *slog.Logger, r *web.Renderer, h func(*gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		err := h(c)
		if err == nil {
			return
		}
		he := classify(err)
		setRetryAfter(c, err)
		if he.status >= 500 {
			log.Error("page failed", "route", c.FullPath(), "status", he.status, "err", err)
		}
		renderError(c, r, log, he.status)
	}
}

// newPage starts a page in the language the visitor asked for.
func newPage(c *gin.Context, r *web.Renderer, uiLang string) *web.Page {
	override := c.Query("lang")
	if override == "" {
		override = uiLang
	}
	return &web.Page{Lang: r.Lang(c.GetHeader("Accept-Language"), override), Path: c.Request.URL.Path}
}

// renderPage writes a page; it renders into a buffer first so a template error
// never leaves half a page behind a 200.
func renderPage(c *gin.Context, r *web.Renderer, status int, name string, p *web.Page) error {
	var buf bytes.Buffer
	if err := r.Render(&buf, name, p); err != nil {
		return err
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
	return nil
}

// renderError writes the error page; for someone signed in (the guard has
// run) it is a staff page, with the staff menu and their language, so a
// refused or missing piece never strands an editor on a bare page.
func renderError(c *gin.Context, r *web.Renderer, log *slog.Logger, status int) {
	p := newPage(c, r, c.GetString(uiLangKey))
	if currentUser(c).ID != "" {
		p = staffPage(c, r)
	}
	p.Code = status
	if err := renderPage(c, r, status, "error", p); err != nil {
		log.Error("render error page", "err", err)
		c.String(status, http.StatusText(status))
	}
	c.Abort()
}

// pageHandler serves the pages that only need the renderer.
type pageHandler struct {
	render *web.Renderer
	limits intake.Limits
}

func (h *pageHandler) form(c *gin.Context) error {
	p := newPage(c, h.render, "")
	p.Limits = webLimits(h.limits)
	return renderPage(c, h.render, http.StatusOK, "form", p)
}

func (h *pageHandler) privacy(c *gin.Context) error {
	return renderPage(c, h.render, http.StatusOK, "privacy", newPage(c, h.render, ""))
}

func webLimits(l intake.Limits) web.Limits {
	return web.Limits{MaxFiles: l.MaxFiles, MaxFileMB: int(l.MaxFileBytes >> 20), PrintEdge: media.PrintLongEdge}
}

// langCookie keeps the language an editor chose with the language links:
// the desk is used all day, and every page should stay in that language.
const langCookie = "__Host-storydesk-lang"

// staffPage starts an editors' page: the language chosen (?lang=, else the
// one chosen before, else the browser's), who is signed in, and the notice
// a form's flash left for this page.
func staffPage(c *gin.Context, r *web.Renderer) *web.Page {
	chosen := c.Query("lang")
	if chosen != "" && r.Lang("", chosen) == chosen {
		http.SetCookie(c.Writer, &http.Cookie{Name: langCookie, Value: chosen, Path: "/", MaxAge: 365 * 24 * 3600,
			Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	} else if v, err := c.Cookie(langCookie); err == nil {
		chosen = v
	}
	p := newPage(c, r, chosen)
	u := currentUser(c)
	p.Viewer = &web.Viewer{Name: u.Name, Email: u.Email, Role: u.Role, Site: u.Site}
	p.Notice = flashOf(c).Notice
	return p
}

// favicon answers the /favicon.ico browsers ask for on their own, with the
// icon the layout links to, so no page load ends in a 404.
func favicon(c *gin.Context) {
	c.FileFromFS("favicon.svg", http.FS(web.Static()))
}
