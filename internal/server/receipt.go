package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/receipt"
	"github.com/storydesk/storydesk/web"
)

// receiptCookie names this browser's receipt slot (receipt.Slots): only a
// random token, never the code. __Host- pins it to this origin over HTTPS
// (browsers treat http://localhost as secure too), SameSite=Strict keeps it
// off cross-site requests, and it lives no longer than the slot.
const receiptCookie = "__Host-storydesk-receipt"

// receiptHandler shows the receipt page after the form's redirect, for as
// long as the slot lasts: reloaded, in the other language, printed or saved
// as a text file, and never with the code in a URL.
type receiptHandler struct {
	slots   *receipt.Slots
	render  *web.Renderer
	baseURL string
	log     *slog.Logger
}

// keep files code in a slot and gives the browser its cookie. It reports
// false when Redis did not answer: the caller then shows the receipt right
// away, as the code must never be lost.
func (h *receiptHandler) keep(c *gin.Context, code receipt.Code) bool {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	token, err := h.slots.Put(ctx, code)
	if err != nil {
		h.log.Warn("receipt slot unavailable; showing the receipt without a redirect", "err", err)
		return false
	}
	h.setCookie(c, token, int(receipt.SlotTTL/time.Second))
	return true
}

func (h *receiptHandler) setCookie(c *gin.Context, token string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: receiptCookie, Value: token, Path: "/", MaxAge: maxAge,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
}

// code is the receipt this browser's cookie reads back; receipt.ErrNoSlot
// when there is none (expired, forgotten, another browser).
func (h *receiptHandler) code(c *gin.Context) (receipt.Code, error) {
	token, err := c.Cookie(receiptCookie)
	if err != nil || token == "" {
		return "", receipt.ErrNoSlot
	}
	return h.slots.Get(c.Request.Context(), token)
}

// load puts this browser's receipt on p. Without one (expired, removed,
// another browser) it answers the page saying why, with 404, and reports false.
func (h *receiptHandler) load(c *gin.Context, p *web.Page) (bool, error) {
	code, err := h.code(c)
	switch {
	case errors.Is(err, receipt.ErrNoSlot):
		return false, renderPage(c, h.render, http.StatusNotFound, "receipt", p)
	case err != nil:
		return false, err
	}
	p.Receipt = code.String()
	return true, nil
}

// page is GET /receipt: the receipt page.
func (h *receiptHandler) page(c *gin.Context) error {
	p := newPage(c, h.render, "")
	if ok, err := h.load(c, p); !ok {
		return err
	}
	return renderPage(c, h.render, http.StatusOK, "receipt", p)
}

// download is GET /receipt/download: the receipt as a small text file in
// the page's language, for a person to keep on the phone.
func (h *receiptHandler) download(c *gin.Context) error {
	p := newPage(c, h.render, "")
	if ok, err := h.load(c, p); !ok {
		return err
	}
	h.render.Bind(p)
	status, err := url.JoinPath(h.baseURL, "status")
	if err != nil {
		return err
	}
	body := strings.Join([]string{
		p.T("receipt.file_heading"), "",
		p.T("receipt.code_label") + ": " + strings.Join(p.ReceiptGroups(), "-"), "",
		p.T("receipt.keep_only_way"), p.T("receipt.keep_private"), "",
		p.T("receipt.file_where") + " " + status, "",
	}, "\r\n")
	c.Header("Content-Disposition", `attachment; filename="storydesk-receipt.txt"`)
	c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(body))
	return nil
}

// forget is POST /receipt/forget: the submitter has kept the code and wants
// it off this browser now (a shared phone). The slot and the cookie go; the
// status page comes next.
func (h *receiptHandler) forget(c *gin.Context) error {
	if token, err := c.Cookie(receiptCookie); err == nil && token != "" {
		if err := h.slots.Delete(c.Request.Context(), token); err != nil && !errors.Is(err, receipt.ErrNoSlot) {
			return err
		}
	}
	h.setCookie(c, "", -1)
	lang := h.render.Lang(c.GetHeader("Accept-Language"), c.PostForm("ui_lang"))
	c.Redirect(http.StatusSeeOther, "/status?lang="+url.QueryEscape(lang))
	return nil
}
