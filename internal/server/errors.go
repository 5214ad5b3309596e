package server

import (
	"errors"
	"github.com/storydesk/storydesk/internal/auth"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/intake"
	"github.com/storydesk/storydesk/internal/store"
)

// httpError is an error with the status and message the client should see.
type httpError struct {
	status     int
	msg        string
	fields     map[string]string
	retryAfter time.Duration
}

func (e *httpError) Error() string { return e.msg }

func errorf(status int, msg string) error { return &httpError{status: status, msg: msg} }

func fieldErr(status int, field, problem string) error {
	return &httpError{status: status, msg: field + " " + problem, fields: map[string]string{field: problem}}
}

func unavailable(what string) error {
	return &httpError{status: http.StatusServiceUnavailable, msg: what + " is temporarily unavailable; please try again", retryAfter: 30 * time.Second}
}

func tooMany(retry time.Duration) error {
	return &httpError{status: http.StatusTooManyRequests, msg: "too many requests; try again later", retryAfter: retry}
}

// classify turns any handler error into what the client sees.
func classify(err error) *httpError {
	var he *httpError
	var ve *intake.ValidationError
	var fe *desk.FieldError
	var ce *desk.ConflictError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		return he
	case errors.As(err, &mbe):
		return &httpError{status: http.StatusRequestEntityTooLarge, msg: "request is too large",
			fields: map[string]string{"form": "request is too large"}}
	case errors.As(err, &fe):
		return &httpError{status: http.StatusBadRequest, msg: fe.Error(), fields: map[string]string{fe.Field: fe.Problem()}}
	case errors.As(err, &ce): // its message alone: the store's wrapping names ids the client need not read
		he := &httpError{status: http.StatusConflict, msg: ce.Msg}
		if ce.Field != "" {
			he.fields = map[string]string{ce.Field: ce.Problem}
		}
		return he
	case errors.As(err, &ve):
		return &httpError{status: validationStatus(ve), msg: ve.Error(), fields: ve.Messages()}
	case errors.Is(err, intake.ErrUnavailable):
		return &httpError{status: http.StatusServiceUnavailable, msg: "a service StoryDesk needs is temporarily unavailable; nothing was changed, please try again", retryAfter: 30 * time.Second}
	case errors.Is(err, auth.ErrBusy):
		return &httpError{status: http.StatusServiceUnavailable, msg: "too many sign-ins at once; please try again", retryAfter: 5 * time.Second}
	case errors.Is(err, store.ErrNotFound):
		return &httpError{status: http.StatusNotFound, msg: "not found"}
	case errors.Is(err, store.ErrConflict):
		return &httpError{status: http.StatusConflict, msg: err.Error()}
	}
	return &httpError{status: http.StatusInternalServerError, msg: "internal error"}
}

// api adapts a JSON handler: errors become {"error", "fields"} with the right
// status, and a 5xx is logged once here.
func api(log *slog.Logger, h func(*gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		err := h(c)
		if err == nil {
			return
		}
		he := classify(err)
		if he.status >= 500 {
			log.Error("request failed", "route", c.FullPath(), "status", he.status, "err", err)
		}
		setRetryAfter(c, err)
		body := gin.H{"error": he.msg}
		if len(he.fields) > 0 {
			body["fields"] = he.fields
		}
		c.AbortWithStatusJSON(he.status, body)
	}
}

// bindJSON decodes a JSON body into v. A body over the cap keeps its
// MaxBytesError (413); text a decoder would silently alter (invalid UTF-8,
// a lone surrogate escape) or a NUL is a 400 naming its field, as in a
// multipart form; anything else that fails to decode is a 400.
func bindJSON(c *gin.Context, v any) error {
	// Capped whatever the Content-Type says: capJSON only sees bodies that
	// declare themselves JSON, and a text/plain one is decoded all the same.
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxJSON)
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		var he *httpError // a body that arrived too slowly
		if errors.As(err, &mbe) || errors.As(err, &he) {
			return err
		}
		return fieldErr(http.StatusBadRequest, "request", "could not be read")
	}
	if field, bad := jsonTextProblem(raw); bad {
		return fieldErr(http.StatusBadRequest, field, invalidText)
	}
	if err := binding.JSON.BindBody(raw, v); err != nil {
		return fieldErr(http.StatusBadRequest, "request", "must be a JSON object")
	}
	return nil
}

// setRetryAfter copies a retry delay to the response, for pages as for JSON.
func setRetryAfter(c *gin.Context, err error) {
	if he := classify(err); he.retryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(int(he.retryAfter.Seconds()+0.999)))
	}
}

// retryMinutes is the wait setRetryAfter announces, rounded up to whole
// minutes for a page to say; 0 when there is none.
func retryMinutes(err error) int {
	he := classify(err)
	if he.retryAfter <= 0 {
		return 0
	}
	secs := int(he.retryAfter.Seconds() + 0.999)
	return (secs + 59) / 60
}

// validationStatus answers a refused submission: 415 for a refused file
// type, 413 for anything too large, else 400.
func validationStatus(ve *intake.ValidationError) int {
	switch ve.Kind() {
	case intake.KindFileType:
		return http.StatusUnsupportedMediaType
	case intake.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}
