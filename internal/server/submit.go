package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/intake"
	"github.com/storydesk/storydesk/internal/limit"
	"github.com/storydesk/storydesk/internal/metric"
	"github.com/storydesk/storydesk/web"
)

// submitHandler takes submissions from the form and the API.
type submitHandler struct {
	intake  *intake.Service
	render  *web.Renderer
	limiter *limit.Limiter
	rate    int
	// globalRate caps submissions per minute from all clients together, so a
	// flood from many addresses cannot fill the queue and the bucket.
	globalRate int
	receipts   *receiptHandler
	metrics    *metric.Metrics
	log        *slog.Logger
}

// maxBody caps a whole request: every file at its limit plus room for the text.
func (h *submitHandler) maxBody() int64 {
	l := h.intake.Limits()
	return int64(l.MaxFiles)*l.MaxFileBytes + 1<<20
}

// bufferedBody reads a request body through a larger buffer.
type bufferedBody struct {
	*bufio.Reader
	io.Closer
}

// refusedRate bounds the refused submissions of one client per hour. They
// do not use up the allowance of stored ones (a person fixing a form on a
// phone may be refused several times), but a client posting bad forms in a
// loop is still stopped.
func (h *submitHandler) refusedRate() int {
	if h.rate <= 0 {
		return 0
	}
	return max(5*h.rate, 50)
}

// admit applies the limits before the body is read: refused submissions per
// client (looked at, not counted), all clients per minute, and stored
// submissions per client, counted now and taken back by refused if this
// one is not stored. It reports whether the per-client count was taken.
func (h *submitHandler) admit(c *gin.Context) (counted bool, err error) {
	client := h.limiter.ClientKey(c.ClientIP())
	ctx, cancel := context.WithTimeout(c.Request.Context(), 500*time.Millisecond)
	defer cancel()
	if over, retry, err := h.limiter.Over(ctx, "submit-refused", client, h.refusedRate(), time.Hour); err != nil {
		h.log.Warn("rate limit unavailable; allowing", "bucket", "submit-refused", "err", err)
	} else if over {
		return false, tooMany(retry)
	}
	if err := allowAll(c, h.limiter, h.log, "submit-all", h.globalRate, time.Minute); err != nil {
		return false, err
	}
	if err := allow(c, h.limiter, h.log, "submit", h.rate, time.Hour); err != nil {
		return false, err
	}
	return h.rate > 0, nil
}

// refused records a submission that was not stored: its place in the hourly
// allowance is given back, and a refusal of what the client sent (not an
// outage of ours) counts toward the refusals' own limit.
func (h *submitHandler) refused(c *gin.Context, counted bool, err error) {
	if !counted {
		return
	}
	client := h.limiter.ClientKey(c.ClientIP())
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 500*time.Millisecond)
	defer cancel()
	if uerr := h.limiter.Undo(ctx, "submit", client, time.Hour); uerr != nil {
		h.log.Warn("rate limit unavailable; refusal not taken back", "err", uerr)
	}
	if classify(err).status < 500 {
		if _, _, cerr := h.limiter.Allow(ctx, "submit-refused", client, h.refusedRate(), time.Hour); cerr != nil {
			h.log.Warn("rate limit unavailable; refusal not counted", "err", cerr)
		}
	}
}

// read reads the multipart body through a cap of capBytes; textOnly lets
// every file go unread (the request is refused whatever they hold). The
// Input, when not nil, holds the text read even beside an error.
func (h *submitHandler) read(c *gin.Context, capBytes int64, textOnly bool) (*intake.Input, error) {
	body := http.MaxBytesReader(c.Writer, c.Request.Body, capBytes)
	// The multipart reader asks for 4 KiB at a time; reading the socket in
	// 64 KiB steps instead saves most of the syscalls of a large upload.
	c.Request.Body = bufferedBody{bufio.NewReaderSize(body, 64<<10), body}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, fieldErr(http.StatusBadRequest, "form", "must be sent as multipart/form-data")
	}
	if textOnly {
		return intake.ReadText(mr)
	}
	return intake.ReadForm(mr, h.intake.Limits(), h.intake.Spool())
}

func (h *submitHandler) api(c *gin.Context) error {
	counted, err := h.admit(c)
	if err != nil {
		h.metrics.Intake(metric.IntakeResult(classify(err).status))
		return err
	}
	in, err := h.apiInput(c)
	if in != nil {
		defer in.Close()
	}
	var res intake.Result
	if err == nil {
		res, err = h.intake.Submit(c.Request.Context(), in, h.idempotency(c))
	}
	if err != nil {
		h.metrics.Intake(metric.IntakeResult(classify(err).status))
		h.refused(c, counted, err)
		return err
	}
	h.metrics.Intake(metric.IntakeAccepted)
	c.JSON(http.StatusCreated, gin.H{"id": res.ID, "receipt": res.Receipt.String(), "status": res.Status})
	return nil
}

// idempotency is the request's retry key, bound to its client.
func (h *submitHandler) idempotency(c *gin.Context) intake.Idempotency {
	return intake.Idempotency{Key: c.GetHeader("Idempotency-Key"), Client: h.limiter.ClientKey(c.ClientIP())}
}

// apiInput reads an API submission: a body declared over the cap is
// refused before it is read, as API clients re-send from their own copy.
func (h *submitHandler) apiInput(c *gin.Context) (*intake.Input, error) {
	if c.Request.ContentLength > h.maxBody() {
		return nil, &httpError{status: http.StatusRequestEntityTooLarge, msg: "request is too large",
			fields: map[string]string{"form": "request is too large"}}
	}
	return h.read(c, h.maxBody(), false)
}

// uiLangKey holds the form's language on the request, so an error page
// answering a POST is in the language of the page it came from.
const uiLangKey = "storydesk.ui_lang"

// form is POST /submit: the receipt page on success, else the form again with
// every problem marked and everything typed kept, whatever the refusal: a
// file too large, too many files, the whole body over the cap, the rate
// limit. The body is read even then (files are dropped unread or as soon as
// one is refused), up to twice the cap, so the text fields come back.
func (h *submitHandler) form(c *gin.Context) error {
	counted, admitErr := h.admit(c)
	in, err := h.read(c, 2*h.maxBody(), admitErr != nil)
	if in != nil {
		defer in.Close()
		c.Set(uiLangKey, in.UILang)
	}
	if admitErr != nil {
		err = admitErr // the limit is the answer, whatever the body held
	}
	var res intake.Result
	if err == nil {
		// The form's script sends an Idempotency-Key as the API's clients
		// do, so a retry after a lost answer gets the stored submission and
		// its receipt (put in a fresh slot below) instead of a second copy.
		res, err = h.intake.Submit(c.Request.Context(), in, h.idempotency(c))
	}
	if err != nil && admitErr == nil {
		h.refused(c, counted, err)
	}
	uiLang := ""
	if in != nil {
		uiLang = in.UILang
	}
	p := newPage(c, h.render, uiLang)
	p.Limits = webLimits(h.intake.Limits())
	if err == nil {
		h.metrics.Intake(metric.IntakeAccepted)
		// Post/redirect/get: Back and reload never send the story twice, and
		// the receipt page can be reloaded, switched to the other language and
		// printed; the code travels in no URL, only the slot's cookie does.
		if h.receipts.keep(c, res.Receipt) {
			c.Redirect(http.StatusSeeOther, "/receipt?lang="+p.Lang)
			return nil
		}
		p.Receipt = res.Receipt.String()
		return renderPage(c, h.render, http.StatusCreated, "receipt", p)
	}
	if in != nil {
		p.Values = in.Values()
	}
	status, codes := formErrors(err)
	h.metrics.Intake(metric.IntakeResult(status))
	setRetryAfter(c, err)
	p.RetryMinutes = retryMinutes(err)
	if status >= 500 && status != http.StatusServiceUnavailable {
		return err
	}
	p.Errors = codes
	return renderPage(c, h.render, status, "form", p)
}

// formErrors maps an intake or request error to a status and field codes for the form.
func formErrors(err error) (int, map[string]string) {
	var ve *intake.ValidationError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ve):
		codes := map[string]string{}
		for f, code := range ve.Fields {
			if f == "form" {
				f = ""
			}
			codes[f] = code
		}
		if errors.As(err, &mbe) {
			// The body went past its cap: what was read before is kept on the form.
			codes[""] = intake.CodeRequestTooLarge
			return http.StatusRequestEntityTooLarge, codes
		}
		return validationStatus(ve), codes
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, map[string]string{"": intake.CodeRequestTooLarge}
	}
	he := classify(err)
	switch he.status {
	case http.StatusTooManyRequests:
		return he.status, map[string]string{"": "rate_limited"}
	case http.StatusServiceUnavailable:
		return he.status, map[string]string{"": "unavailable"}
	case http.StatusRequestEntityTooLarge:
		return he.status, map[string]string{"": intake.CodeRequestTooLarge}
	}
	return he.status, map[string]string{"": "invalid"}
}

// allow applies a per-client limit. When Redis is down it lets the request
// through: refusing submitters because the queue's store is down helps no one.
func allow(c *gin.Context, l *limit.Limiter, log *slog.Logger, bucket string, n int, window time.Duration) error {
	if n <= 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 500*time.Millisecond)
	defer cancel()
	ok, retry, err := l.Allow(ctx, bucket, l.ClientKey(c.ClientIP()), n, window)
	if err != nil {
		log.Warn("rate limit unavailable; allowing", "bucket", bucket, "err", err)
		return nil
	}
	if !ok {
		return tooMany(retry)
	}
	return nil
}
