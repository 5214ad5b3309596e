package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/go-cmp/cmp"

	"github.com/storydesk/storydesk/internal/auth"
	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/intake"
	"github.com/storydesk/storydesk/internal/store"
)

// TestClassify: every kind of error a handler returns, wrapped as the
// layers below wrap it, gets its status, its message, the fields it names
// and its retry delay; anything unknown is a 500 that says nothing of the
// error.
func TestClassify(t *testing.T) {
	for _, tt := range []struct {
		name  string
		err   error
		want  httpError
		wantM string // message, when not want.msg exactly
	}{
		{"httpError as is", fmt.Errorf("handler: %w", fieldErr(http.StatusUnauthorized, "code", "is wrong")),
			httpError{status: 401, msg: "code is wrong", fields: map[string]string{"code": "is wrong"}}, ""},
		{"body over its cap", fmt.Errorf("read: %w", &http.MaxBytesError{Limit: 10}),
			httpError{status: 413, msg: "request is too large", fields: map[string]string{"form": "request is too large"}}, ""},
		{"desk field", fmt.Errorf("decide: %w", desk.Invalid("message", "message_required")),
			httpError{status: 400, fields: map[string]string{"message": desk.Invalid("message", "message_required").Problem()}}, "message is required"},
		{"desk conflict", fmt.Errorf("decide: %w", &desk.ConflictError{Msg: "cannot approve: status is rejected"}),
			httpError{status: 409}, "cannot approve: status is rejected"},
		{"desk conflict wrapped by the store", fmt.Errorf("store: create pitch of x: %w", &desk.ConflictError{Msg: "offered to A until 2026-01-02"}),
			httpError{status: 409, msg: "offered to A until 2026-01-02"}, ""},
		{"validation", &intake.ValidationError{Fields: map[string]string{"title": intake.CodeRequired}},
			httpError{status: 400, fields: (&intake.ValidationError{Fields: map[string]string{"title": intake.CodeRequired}}).Messages()}, "title"},
		{"storage down", fmt.Errorf("submit: %w", intake.ErrUnavailable),
			httpError{status: 503, retryAfter: 30 * time.Second}, "temporarily unavailable"},
		{"too many password checks", fmt.Errorf("login: %w", auth.ErrBusy),
			httpError{status: 503, retryAfter: 5 * time.Second}, "too many sign-ins"},
		{"not found", fmt.Errorf("store: submission x: %w", store.ErrNotFound),
			httpError{status: 404, msg: "not found"}, ""},
		{"conflict", fmt.Errorf("store: decide x: status is rejected: %w", store.ErrConflict),
			httpError{status: 409}, "status is rejected"},
		{"anything else", errors.New("pq: password authentication failed for user storydesk at 10.0.0.7"),
			httpError{status: 500, msg: "internal error"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := classify(tt.err)
			if tt.wantM == "" {
				tt.wantM = tt.want.msg
			}
			if got.status != tt.want.status || got.retryAfter != tt.want.retryAfter || !strings.Contains(got.msg, tt.wantM) {
				t.Errorf("classify = %d %q retry %s; want %d, a message with %q, retry %s",
					got.status, got.msg, got.retryAfter, tt.want.status, tt.wantM, tt.want.retryAfter)
			}
			if diff := cmp.Diff(tt.want.fields, got.fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

// serve runs one request through a router holding only h under the api
// adapter, and returns the answer and the log.
func serve(t *testing.T, h func(*gin.Context) error, body string) (*httptest.ResponseRecorder, string) {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	r := gin.New()
	r.POST("/x", api(log, h))
	w := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	r.ServeHTTP(w, req)
	return w, logs.String()
}

// TestAPIAdapter: a refusal answers JSON naming the fields with its status
// and Retry-After; only a 5xx is logged, once, and the client never sees
// the error behind it.
func TestAPIAdapter(t *testing.T) {
	w, logs := serve(t, func(*gin.Context) error {
		return fieldErr(http.StatusBadRequest, "title", "is required")
	}, "")
	var got map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatalf("answer is not JSON: %v: %s", err, w.Body)
	}
	want := map[string]any{"error": "title is required", "fields": map[string]any{"title": "is required"}}
	if diff := cmp.Diff(want, got); w.Code != 400 || diff != "" {
		t.Errorf("refusal: %d (-want +got):\n%s", w.Code, diff)
	}
	if logs != "" {
		t.Errorf("a 400 was logged: %s", logs)
	}

	w, _ = serve(t, func(*gin.Context) error { return tooMany(90 * time.Second) }, "")
	if w.Code != 429 || w.Header().Get("Retry-After") != "90" {
		t.Errorf("too many: %d, Retry-After %q; want 429, 90", w.Code, w.Header().Get("Retry-After"))
	}

	w, logs = serve(t, func(*gin.Context) error { return errors.New("disk full at /var/lib/secret") }, "")
	if w.Code != 500 || strings.Contains(w.Body.String(), "disk full") {
		t.Errorf("internal error: %d %s", w.Code, w.Body)
	}
	if strings.Count(logs, `"msg":"request failed"`) != 1 || !strings.Contains(logs, "disk full") || !strings.Contains(logs, `"route":"/x"`) {
		t.Errorf("a 500 is logged once with its route and error; log:\n%s", logs)
	}
}

// TestBindJSON: text a decoder would alter is refused naming its field, a
// body past the cap keeps its 413, anything not an object is a 400, and a
// good body binds.
func TestBindJSON(t *testing.T) {
	type reply struct {
		Title string `json:"title"`
	}
	bind := func(body string) (reply, *httptest.ResponseRecorder) {
		var v reply
		w, _ := serve(t, func(c *gin.Context) error {
			if err := bindJSON(c, &v); err != nil {
				return err
			}
			c.Status(http.StatusNoContent)
			return nil
		}, body)
		return v, w
	}
	for _, tt := range []struct {
		name, body string
		status     int
		field      string
	}{
		{"invalid UTF-8", "{\"title\": \"caf\xe9\"}", 400, "title"},
		{"lone surrogate", `{"title": "\ud800"}`, 400, "title"},
		{"NUL", `{"title": "a\u0000b"}`, 400, "title"},
		{"an array", `["title"]`, 400, "request"},
		{"not JSON", `title=x`, 400, "request"},
		{"over the cap", `{"title": "` + strings.Repeat("a", maxJSON) + `"}`, 413, "form"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, w := bind(tt.body)
			var got struct {
				Fields map[string]string `json:"fields"`
			}
			_ = json.Unmarshal(w.Body.Bytes(), &got)
			if w.Code != tt.status || got.Fields[tt.field] == "" {
				t.Errorf("%d %s; want %d naming %q", w.Code, w.Body, tt.status, tt.field)
			}
		})
	}
	if v, w := bind(`{"title": "Nuestra calle"}`); w.Code != http.StatusNoContent || v.Title != "Nuestra calle" {
		t.Errorf("good body: %d %+v", w.Code, v)
	}
}
