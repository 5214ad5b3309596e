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

// read checks the rate limit and reads the multipart body; the caller closes the input.
func (h *submitHandler) read(c *gin.Context) (*intake.Input, error) {
	if err := allow(c, h.limiter, h.log, "submit", h.rate, time.Hour); err != nil {
		return nil, err
	}
	if err := allowAll(c, h.limiter, h.log, "submit-all", h.globalRate, time.Minute); err != nil {
		return nil, err
	}
	if c.Request.ContentLength > h.maxBody() {
		return nil, &httpError{status: http.StatusRequestEntityTooLarge, msg: "request is too large",
			fields: map[string]string{"form": "request is too large"}}
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, h.maxBody())
	// The multipart reader asks for 4 KiB at a time; reading the socket in
	// 64 KiB steps instead saves most of the syscalls of a large upload.
	c.Request.Body = bufferedBody{bufio.NewReaderSize(body, 64<<10), body}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, fieldErr(http.StatusBadRequest, "form", "must be sent as multipart/form-data")
	}
	return intake.ReadForm(mr, h.intake.Limits(), h.intake.Spool())
}

func (h *submitHandler) api(c *gin.Context) error {
	in, err := h.read(c)
	if err != nil {
		return err
	}
	defer in.Close()
	idem := intake.Idempotency{Key: c.GetHeader("Idempotency-Key"), Client: h.limiter.ClientKey(c.ClientIP())}
	res, err := h.intake.Submit(c.Request.Context(), in, idem)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, gin.H{"id": res.ID, "receipt": res.Receipt.String(), "status": res.Status})
	return nil
}

// form is POST /submit: the receipt page on success, else the form again with
// every problem marked.
func (h *submitHandler) form(c *gin.Context) error {
	in, err := h.read(c)
	if in != nil {
		defer in.Close()
	}
	var res intake.Result
	if err == nil {
		res, err = h.intake.Submit(c.Request.Context(), in, intake.Idempotency{})
	}
	uiLang := ""
	if in != nil {
		uiLang = in.UILang
	}
	p := newPage(c, h.render, uiLang)
	p.Limits = webLimits(h.intake.Limits())
	if err == nil {
		p.Receipt = res.Receipt.String()
		return renderPage(c, h.render, http.StatusCreated, "receipt", p)
	}
	if in != nil {
		p.Values = in.Values()
	}
	status, codes := formErrors(err)
	setRetryAfter(c, err)
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
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, map[string]string{"": intake.CodeRequestTooLarge}
	case errors.As(err, &ve):
		codes := map[string]string{}
		for f, code := range ve.Fields {
			if f == "form" {
				f = ""
			}
			codes[f] = code
		}
		return validationStatus(ve), codes
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
