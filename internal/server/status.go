package server

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/intake"
	"github.com/storydesk/storydesk/internal/limit"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/web"
)

// statusHandler lets a submitter look up a submission by receipt code, and
// answer, revise or withdraw it. The code always travels in a request body,
// never in a URL, so it stays out of histories, logs and referrers.
type statusHandler struct {
	intake  *intake.Service
	render  *web.Renderer
	limiter *limit.Limiter
	log     *slog.Logger
}

type statusRequest struct {
	Receipt string `json:"receipt"`
}

type messageJSON struct {
	From string    `json:"from"` // "editor" | "submitter"
	Body string    `json:"body"`
	Kind string    `json:"kind,omitempty"` // an automatic message's key ("revision_sent"), or "translation:es" for the author's message about that translation
	At   time.Time `json:"at"`
}

// errUnknownReceipt is the one answer to every code that finds nothing,
// whatever the route, so a guess learns nothing from the wording.
func errUnknownReceipt() error {
	return errorf(http.StatusNotFound, "no submission has that receipt code")
}

// errNoReceipt answers a request without a code: the field is asked for,
// not looked up (nothing is learned from it either way).
func errNoReceipt() error {
	return fieldErr(http.StatusBadRequest, "receipt", "is required")
}

func blank(code string) bool { return strings.TrimSpace(code) == "" }

func (h *statusHandler) api(c *gin.Context) error {
	if err := allow(c, h.limiter, h.log, "status", statusRate, time.Hour); err != nil {
		return err
	}
	var req statusRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if blank(req.Receipt) {
		return errNoReceipt()
	}
	return h.writeStatus(c, req.Receipt)
}

// writeStatus answers with what the submitter may see of their submission.
func (h *statusHandler) writeStatus(c *gin.Context, code string) error {
	v, err := h.intake.Lookup(c.Request.Context(), code)
	if errors.Is(err, intake.ErrUnknownReceipt) {
		return errUnknownReceipt()
	}
	if err != nil {
		return err
	}
	msgs := make([]messageJSON, 0, len(v.Messages))
	for _, m := range v.Messages {
		from := "submitter"
		if m.FromEditor {
			from = "editor"
		}
		msgs = append(msgs, messageJSON{From: from, Body: m.Body, Kind: m.Kind, At: m.CreatedAt})
	}
	s := v.Submission
	out := gin.H{"status": s.Status, "kind": s.Kind, "title": s.Title, "messages": msgs, "updated_at": s.UpdatedAt}
	if v.Story != "" {
		out["story_path"] = v.Story
	}
	out["translations"] = submitterTranslations(v.Translations)
	out["placements"] = placementsJSON(v.Placements)
	c.JSON(http.StatusOK, out)
	return nil
}

func (h *statusHandler) lookupPage(c *gin.Context) error {
	return renderPage(c, h.render, http.StatusOK, "status_lookup", newPage(c, h.render, ""))
}

// page is POST /status: the status of the submission whose code was sent,
// after the reply, revision or withdrawal the form asked for (action).
func (h *statusHandler) page(c *gin.Context) error {
	c.Set(uiLangKey, c.PostForm("ui_lang"))
	p := newPage(c, h.render, c.PostForm("ui_lang"))
	if err := allow(c, h.limiter, h.log, "status", statusRate, time.Hour); err != nil {
		setRetryAfter(c, err)
		p.RetryMinutes = retryMinutes(err)
		p.Errors = map[string]string{"": "rate_limited"}
		// The code stays in the box (this answer is never cached), ready for
		// the retry, and a reply or new version that was not sent is shown to
		// be copied, not lost.
		p.Values = map[string]string{"receipt": c.PostForm("receipt"), "message": c.PostForm("message"),
			"title": c.PostForm("title"), "body": c.PostForm("body")}
		return renderPage(c, h.render, http.StatusTooManyRequests, "status_lookup", p)
	}
	code := c.PostForm("receipt")
	if blank(code) {
		p.Errors = map[string]string{"receipt": "receipt_required"}
		return renderPage(c, h.render, http.StatusBadRequest, "status_lookup", p)
	}
	status, err := h.act(c, p, code)
	if errors.Is(err, intake.ErrUnknownReceipt) {
		return h.unknownPage(c, p)
	}
	if err != nil {
		return err
	}
	v, err := h.intake.Lookup(c.Request.Context(), code)
	if errors.Is(err, intake.ErrUnknownReceipt) {
		return h.unknownPage(c, p)
	}
	if err != nil {
		return err
	}
	s := v.Submission
	p.Status = &web.Status{
		Receipt: code, State: string(s.Status), Kind: s.Kind, Title: s.Title, UpdatedAt: s.UpdatedAt,
		CanReply:    s.Status != store.StatusWithdrawn,
		CanRevise:   s.Status == store.StatusReceived || s.Status == store.StatusReady || s.Status == store.StatusChangesRequested,
		CanWithdraw: s.Status != store.StatusRejected && s.Status != store.StatusWithdrawn,
		Story:       v.Story,
	}
	authorView(p.Status, v)
	for _, m := range v.Messages {
		p.Status.Messages = append(p.Status.Messages, webMessage(m))
	}
	if _, ok := p.Values["body"]; !ok && p.Status.CanRevise {
		// The revision form starts from the current text, not an empty box.
		if p.Values == nil {
			p.Values = map[string]string{}
		}
		p.Values["body"] = s.Body
	}
	return renderPage(c, h.render, status, "status", p)
}

// unknownPage is the look-up form again with "no such code": the same page
// and status for every action, so a guess learns nothing.
func (h *statusHandler) unknownPage(c *gin.Context, p *web.Page) error {
	p.Errors = map[string]string{"receipt": "receipt_invalid"}
	p.Values, p.Notice = nil, ""
	return renderPage(c, h.render, http.StatusNotFound, "status_lookup", p)
}
