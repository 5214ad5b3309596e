package server

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/intake"
	"github.com/storydesk/storydesk/internal/limit"
	"github.com/storydesk/storydesk/web"
)

// statusHandler lets a submitter look up a submission by receipt code. The
// code always travels in a request body, never in a URL, so it stays out of
// histories, logs and referrers.
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
	At   time.Time `json:"at"`
}

func (h *statusHandler) api(c *gin.Context) error {
	if err := allow(c, h.limiter, h.log, "status", statusRate, time.Hour); err != nil {
		return err
	}
	var req statusRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	v, err := h.intake.Lookup(c.Request.Context(), req.Receipt)
	if errors.Is(err, intake.ErrUnknownReceipt) {
		return errorf(http.StatusNotFound, "no submission has that receipt code")
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
		msgs = append(msgs, messageJSON{From: from, Body: m.Body, At: m.CreatedAt})
	}
	s := v.Submission
	c.JSON(http.StatusOK, gin.H{"status": s.Status, "kind": s.Kind, "title": s.Title, "messages": msgs, "updated_at": s.UpdatedAt})
	return nil
}

func (h *statusHandler) lookupPage(c *gin.Context) error {
	return render(c, h.render, http.StatusOK, "status_lookup", newPage(c, h.render, ""))
}

// page is POST /status: the status of the submission whose code was sent.
func (h *statusHandler) page(c *gin.Context) error {
	p := newPage(c, h.render, c.PostForm("ui_lang"))
	if err := allow(c, h.limiter, h.log, "status", statusRate, time.Hour); err != nil {
		setRetryAfter(c, err)
		p.Errors = map[string]string{"": "rate_limited"}
		return render(c, h.render, http.StatusTooManyRequests, "status_lookup", p)
	}
	code := c.PostForm("receipt")
	v, err := h.intake.Lookup(c.Request.Context(), code)
	if errors.Is(err, intake.ErrUnknownReceipt) {
		p.Errors = map[string]string{"receipt": "receipt_invalid"}
		return render(c, h.render, http.StatusNotFound, "status_lookup", p)
	}
	if err != nil {
		return err
	}
	s := v.Submission
	ws := &web.Status{
		Receipt: code, State: string(s.Status), Kind: s.Kind, Title: s.Title, UpdatedAt: s.UpdatedAt,
		CanReply:    false, // replies, revisions and withdrawal arrive with the review desk
		CanRevise:   false,
		CanWithdraw: false,
	}
	for _, m := range v.Messages {
		ws.Messages = append(ws.Messages, web.Message{FromEditor: m.FromEditor, Body: m.Body, At: m.CreatedAt})
	}
	p.Status = ws
	return render(c, h.render, http.StatusOK, "status", p)
}
