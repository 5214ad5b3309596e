package server

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/store"
)

// pageErrors turns a field the desk refused into the page's field codes,
// with "desk_" in front of field names so that the page's labels are the
// desk's. ok is false for any other error, which the page adapter then
// handles.
func pageErrors(err error) (map[string]string, int, bool) {
	var fe *desk.FieldError
	if errors.As(err, &fe) {
		return map[string]string{"desk_" + fe.Field: fe.Code}, http.StatusBadRequest, true
	}
	var he *httpError
	if !errors.As(err, &he) || len(he.fields) == 0 {
		return nil, 0, false
	}
	out := map[string]string{}
	for f := range he.fields {
		out["desk_"+f] = "generic"
	}
	return out, he.status, true
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
	rev, changed, err := h.desk.Edit(c.Request.Context(), currentUser(c), s, title, body)
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
	_, changed, err := h.desk.Edit(c.Request.Context(), currentUser(c), s, title, body)
	if errs, status, ok := pageErrors(err); ok {
		return h.show(c, s, viewState{status: status, errors: errs, values: map[string]string{"title": title, "body": body}})
	}
	if err != nil {
		return h.pageConflict(c, s, err)
	}
	notice := "desk_unchanged"
	if changed {
		notice = "desk_edited"
	}
	return h.flash.redirect(c, pieceURL(s.ID), flash{Notice: notice})
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
