package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// Limits of what editors write; the title and body match the submission form's.
const (
	maxTitleRunes   = 200
	maxBodyBytes    = 64 << 10
	maxMessageRunes = 10_000
)

// deskProblems are the problems a desk field can have: the code is the
// page's message key (err.CODE), the text is the API's message.
var deskProblems = map[string]string{
	"required":         "is required",
	"too_long":         "is too long",
	"too_complex":      "is too complex to display: it has too many table cells, repeats long links too often or would make too much HTML for its length",
	"invalid_text":     "contains characters that are not accepted (invalid UTF-8 or NUL)",
	"message_required": "is required when requesting changes: tell the submitter what to change",
	"invalid_choice":   "must be approve, reject or request_changes",
}

func deskInvalid(field, code string) error {
	return fieldErr(http.StatusBadRequest, field, deskProblems[code])
}

// pageErrors turns an API field error into the page's field codes, with
// "desk_" in front of field names so that the page's labels are the desk's.
// ok is false for any other error, which the page adapter then handles.
func pageErrors(err error) (map[string]string, int, bool) {
	var he *httpError
	if !errors.As(err, &he) || len(he.fields) == 0 {
		return nil, 0, false
	}
	out := map[string]string{}
	for f, problem := range he.fields {
		code := "generic"
		for c, p := range deskProblems {
			if p == problem {
				code = c
			}
		}
		out["desk_"+f] = code
	}
	return out, he.status, true
}

// checkText validates a required free-text field.
func checkText(field, v string, maxRunes int) (string, error) {
	if sanitize.CheckText(v) != nil {
		return "", deskInvalid(field, "invalid_text")
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return "", deskInvalid(field, "required")
	}
	if utf8.RuneCountInString(v) > maxRunes {
		return "", deskInvalid(field, "too_long")
	}
	return v, nil
}

// edit records an editor's new version of the title and body. The title is
// sanitized as a short field and the body rendered and sanitized exactly as
// at intake; revision 1, the submitter's original, is never touched.
// changed is false when the text is the current one, and no revision is added.
func (h *deskSubmission) edit(ctx context.Context, u store.User, s store.Submission, title, body string) (rev store.Revision, changed bool, err error) {
	if sanitize.CheckText(title) != nil {
		return rev, false, deskInvalid("title", "invalid_text")
	}
	if title = h.san.Line(title); title == "" {
		return rev, false, deskInvalid("title", "required")
	}
	if utf8.RuneCountInString(title) > maxTitleRunes {
		return rev, false, deskInvalid("title", "too_long")
	}
	if sanitize.CheckText(body) != nil {
		return rev, false, deskInvalid("body", "invalid_text")
	}
	body = sanitize.NormalizeNewlines(body)
	if strings.TrimSpace(body) == "" {
		return rev, false, deskInvalid("body", "required")
	}
	if len(body) > maxBodyBytes {
		return rev, false, deskInvalid("body", "too_long")
	}
	// A withdrawn piece's consent is gone: editors stop working on it.
	if s.Status == store.StatusWithdrawn {
		return rev, false, errorf(http.StatusConflict, "cannot edit: status is withdrawn")
	}
	if title == s.Title && body == s.Body {
		return store.Revision{Title: title, Body: body, BodyHTML: s.BodyHTML}, false, nil
	}
	bodyHTML, err := h.san.Body(body)
	if errors.Is(err, sanitize.ErrTooComplex) {
		return rev, false, deskInvalid("body", "too_complex")
	}
	if err != nil {
		return rev, false, err
	}
	author := u.Name
	if author == "" {
		author = u.Email
	}
	// The findings re-check goes to the outbox with the revision, so it
	// cannot be lost; until it has run the page re-checks the new text
	// itself (reviewFindings).
	rev, tasks, err := h.store.Revise(ctx, s.ID,
		store.Revision{Title: title, Body: body, BodyHTML: bodyHTML, AuthorID: u.ID, AuthorName: author},
		store.Event{ActorID: u.ID, Actor: u.Email, Action: "edited"}, task.FindingsFollowUp(s.ID))
	if err != nil {
		return rev, false, err
	}
	h.dispatch.AfterCommit(ctx, tasks...)
	return rev, true, nil
}

type editRequest struct {
	Title *string `json:"title"`
	Body  *string `json:"body"`
}

// editAPI is PUT /api/v1/submissions/{id} {"title","body"}. A field left out
// keeps its current value.
func (h *deskSubmission) editAPI(c *gin.Context) error {
	var req editRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	s, err := h.load(c)
	if err != nil {
		return err
	}
	title, body := s.Title, s.Body
	if req.Title != nil {
		title = *req.Title
	}
	if req.Body != nil {
		body = *req.Body
	}
	rev, changed, err := h.edit(c.Request.Context(), currentUser(c), s, title, body)
	if err != nil {
		return err
	}
	out := gin.H{"id": s.ID, "changed": changed, "title": rev.Title, "body": rev.Body, "body_html": rev.BodyHTML}
	if changed {
		out["revision"] = rev.Number
	}
	c.JSON(http.StatusOK, out)
	return nil
}

func (h *deskSubmission) editPage(c *gin.Context) error {
	s, err := h.load(c)
	if err != nil {
		return err
	}
	title, body := c.PostForm("title"), c.PostForm("body")
	_, changed, err := h.edit(c.Request.Context(), currentUser(c), s, title, body)
	if errs, status, ok := pageErrors(err); ok {
		return h.show(c, s, viewState{status: status, errors: errs, values: map[string]string{"title": title, "body": body}})
	}
	if err != nil {
		return h.pageConflict(c, s, err)
	}
	notice := "desk_unchanged"
	if changed {
		notice = "desk_edited"
		if s, err = h.load(c); err != nil {
			return err
		}
	}
	return h.show(c, s, viewState{notice: notice})
}

// pageConflict re-renders the page with a 409 explained, for a refused move;
// any other error goes to the page adapter.
func (h *deskSubmission) pageConflict(c *gin.Context, s store.Submission, err error) error {
	if he := classify(err); he.status != http.StatusConflict {
		return err
	}
	if cur, lerr := h.load(c); lerr == nil {
		s = cur
	}
	return h.show(c, s, viewState{status: http.StatusConflict, errors: map[string]string{"": "desk_conflict"}})
}

// conflict explains a refused decision or edit with the status the
// submission has now (another editor may just have moved it).
func (h *deskSubmission) conflict(ctx context.Context, id, verb string) error {
	s, err := h.store.Submission(ctx, id)
	if err != nil {
		return err
	}
	return errorf(http.StatusConflict, fmt.Sprintf("cannot %s: status is %s", verb, s.Status))
}
