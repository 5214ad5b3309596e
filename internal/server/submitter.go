package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/intake"
	"github.com/storydesk/storydesk/internal/limit"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/web"
)

type replyRequest struct {
	Receipt string `json:"receipt"`
	Message string `json:"message"`
	Title   string `json:"title"`
	Body    string `json:"body"`
}

// reply is POST /api/v1/status/reply: a message to the editors and, with a
// title or body, a new version. It answers like the status look-up.
func (h *statusHandler) reply(c *gin.Context) error {
	if err := allow(c, h.limiter, h.log, "status", statusRate, time.Hour); err != nil {
		return err
	}
	var req replyRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if blank(req.Receipt) {
		return errNoReceipt()
	}
	_, err := h.intake.Answer(c.Request.Context(), req.Receipt, intake.Reply{Message: req.Message, Title: req.Title, Body: req.Body})
	if err != nil {
		return submitterError(err)
	}
	return h.writeStatus(c, req.Receipt)
}

// withdraw is POST /api/v1/status/withdraw: consent withdrawn.
func (h *statusHandler) withdraw(c *gin.Context) error {
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
	if _, err := h.intake.Withdraw(c.Request.Context(), req.Receipt); err != nil {
		return submitterError(err)
	}
	return h.writeStatus(c, req.Receipt)
}

// submitterError gives a reply or withdrawal error its answer: the look-up's
// 404 for an unknown code, 409 with a plain sentence for a refused change.
func submitterError(err error) error {
	switch {
	case errors.Is(err, intake.ErrUnknownReceipt):
		return errUnknownReceipt()
	case errors.Is(err, store.ErrConflict):
		return errorf(http.StatusConflict, conflictText(err))
	}
	return err
}

func conflictText(err error) string {
	switch {
	case errors.Is(err, intake.ErrWithdrawn):
		return "the submission was withdrawn; it can no longer be changed"
	case errors.Is(err, intake.ErrNotAwaiting):
		return "the translation is not awaiting your approval"
	case errors.Is(err, intake.ErrDecided):
		return "the submission has been decided on; a new version can no longer be sent"
	}
	return "a rejected submission cannot be withdrawn"
}

// act carries out the form's action on the status page, recording on p
// what to show (a notice, or the problems); it returns the page's status.
func (h *statusHandler) act(c *gin.Context, p *web.Page, code string) (int, error) {
	ctx := c.Request.Context()
	var err error
	switch c.PostForm("action") {
	case "":
		return http.StatusOK, nil
	case "reply":
		_, err = h.intake.Answer(ctx, code, intake.Reply{Message: c.PostForm("message")})
		p.Notice = "reply_sent"
	case "revise":
		// The form has no message box: the conversation still says what
		// happened, by an automatic message each reader sees in their language.
		_, err = h.intake.Answer(ctx, code, intake.Reply{Message: c.PostForm("message"), Automatic: intake.MessageRevisionSent,
			Title: c.PostForm("title"), Body: c.PostForm("body")})
		p.Notice = "revision_sent"
	case "withdraw":
		if c.PostForm("confirm") != "yes" {
			// Unknown codes still get the look-up's answer, never this one.
			if _, lerr := h.intake.Lookup(ctx, code); lerr != nil {
				return 0, lerr
			}
			p.Errors = map[string]string{"confirm": "confirm_required"}
			return http.StatusBadRequest, nil
		}
		_, err = h.intake.Withdraw(ctx, code)
		p.Notice = "withdrawn"
	case "translation":
		return h.decideTranslation(c, p, code)
	default:
		p.Errors = map[string]string{"": "invalid"}
		return http.StatusBadRequest, nil
	}
	var ve *intake.ValidationError
	switch {
	case err == nil:
		return http.StatusOK, nil
	case errors.As(err, &ve):
		p.Notice = ""
		p.Values = map[string]string{"message": c.PostForm("message"), "title": c.PostForm("title"), "body": c.PostForm("body")}
		p.Errors = map[string]string{}
		for f, code := range ve.Fields {
			if f == "message" && code == intake.CodeRequired {
				code = "message_required"
			}
			p.Errors[f] = code
		}
		return validationStatus(ve), nil
	case errors.Is(err, store.ErrConflict):
		p.Notice = ""
		p.Errors = map[string]string{"": "status_conflict"}
		return http.StatusConflict, nil
	}
	return 0, err
}

// allowAll applies a limit shared by every client (one counter for all);
// like allow, it lets requests through when Redis is down.
func allowAll(c *gin.Context, l *limit.Limiter, log *slog.Logger, bucket string, n int, window time.Duration) error {
	if n <= 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 500*time.Millisecond)
	defer cancel()
	ok, retry, err := l.Allow(ctx, bucket, "all", n, window)
	if err != nil {
		log.Warn("rate limit unavailable; allowing", "bucket", bucket, "err", err)
		return nil
	}
	if !ok {
		return tooMany(retry)
	}
	return nil
}
