package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/store"
)

// assignRequest is the body of POST /api/v1/submissions/{id}/assign.
type assignRequest struct {
	UserID *string `json:"user_id"` // "" unassigns, "me" claims
	Expect *string `json:"expect"`  // optional: the assignee the client saw ("" = nobody)
}

// assignAPI claims, assigns or unassigns a submission.
func (h *deskQueue) assignAPI(c *gin.Context) error {
	var req assignRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.UserID == nil {
		return fieldErr(http.StatusBadRequest, "user_id", `is required: an account id, "me", or "" to unassign`)
	}
	a, changed, err := h.assign(c, *req.UserID, req.Expect)
	if err != nil {
		return err
	}
	out := gin.H{"id": c.Param("id"), "changed": changed, "assignee": assigneeJSON(a)}
	c.JSON(http.StatusOK, out)
	return nil
}

// assignPage is the queue's claim/assign form: back to the queue with a notice.
func (h *deskQueue) assignPage(c *gin.Context) error {
	var expect *string
	if v, ok := c.GetPostForm("expect"); ok {
		expect = &v
	}
	next, notice := localPath(c.PostForm("next")), "assigned"
	_, _, err := h.assign(c, c.PostForm("user_id"), expect)
	var he *httpError
	switch {
	case errors.As(err, &he) && he.status == http.StatusConflict && he.msg == msgFinal:
		notice = "assign_final"
	case errors.As(err, &he) && he.status == http.StatusConflict:
		notice = "assign_stale"
	case err != nil:
		return err
	}
	if _, perr := url.Parse(next); perr != nil {
		next = "/desk"
	}
	return h.flash.redirect(c, next, flash{Notice: notice})
}

const (
	msgFinal = "the submission is rejected or withdrawn: its assignee can no longer change"
	msgStale = "someone else changed the assignee meanwhile; reload and try again"
)

// assign checks and applies a change of assignee to the submission in the
// URL, audits it, and returns the assignment now in force (zero when none).
func (h *deskQueue) assign(c *gin.Context, userID string, expect *string) (store.Assignment, bool, error) {
	ctx := c.Request.Context()
	me := currentUser(c)
	s, err := h.store.Submission(ctx, c.Param("id"))
	if err != nil {
		return store.Assignment{}, false, err
	}
	if err := visible(me, s); err != nil {
		return store.Assignment{}, false, err
	}
	if s.Status.Final() {
		return store.Assignment{}, false, errorf(http.StatusConflict, msgFinal)
	}
	if userID == "me" {
		userID = me.ID
	}
	if userID != "" {
		if err := h.checkAssignee(ctx, userID, s.Site); err != nil {
			return store.Assignment{}, false, err
		}
	}
	prev, changed, err := h.store.Assign(ctx, s.ID, store.AssignRequest{UserID: userID, By: me, Expect: expect})
	if errors.Is(err, store.ErrConflict) {
		// The status may have become final since it was read above.
		if cur, err := h.store.Submission(ctx, s.ID); err == nil && cur.Status.Final() {
			return store.Assignment{}, false, errorf(http.StatusConflict, msgFinal)
		}
		return store.Assignment{}, false, errorf(http.StatusConflict, msgStale)
	}
	if err != nil {
		return store.Assignment{}, false, err
	}
	if changed {
		detail := "from " + orNobody(prev) + " to " + orNobody(userID)
		if err := h.store.Audit(ctx, store.AuditEntry{ActorID: me.ID, Actor: me.Email, Action: "assign", Target: s.ID, Detail: detail}); err != nil {
			return store.Assignment{}, false, err
		}
	}
	if userID == "" {
		return store.Assignment{}, changed, nil
	}
	a, err := h.store.Assignment(ctx, s.ID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Assignment{}, changed, nil // unassigned by someone else a moment later
	}
	return a, changed, err
}

// checkAssignee refuses an account that does not exist, is disabled, has no
// desk role, or works for a site other than the submission's.
func (h *deskQueue) checkAssignee(ctx context.Context, userID, site string) error {
	u, err := h.store.UserByID(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return fieldErr(http.StatusBadRequest, "user_id", "is not an account")
	}
	if err != nil {
		return err
	}
	if u.Disabled || !deskRoles.allows(u) {
		return fieldErr(http.StatusBadRequest, "user_id", "is not an account that reviews submissions")
	}
	if !compatible(u, site) {
		return fieldErr(http.StatusBadRequest, "user_id", "works for another site than this submission's")
	}
	return nil
}

func orNobody(id string) string {
	if id == "" {
		return "nobody"
	}
	return id
}

// assigneeJSON is the "assignee" of the API: null when nobody.
func assigneeJSON(a store.Assignment) any {
	if a.UserID == "" {
		return nil
	}
	return gin.H{"id": a.UserID, "name": a.Name, "email": a.Email, "assigned_by": a.AssignedBy, "assigned_at": a.AssignedAt}
}

// addAssignee adds who is working on the submission to its JSON record.
func (h *submissionsHandler) addAssignee(ctx context.Context, rec gin.H, id string) error {
	a, err := h.store.Assignment(ctx, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	rec["assignee"] = assigneeJSON(a)
	return nil
}

// queueItemsJSON is the items of GET /api/v1/submissions. findings is the
// number of findings, null before the automated review.
func queueItemsJSON(items []store.QueueItem) []gin.H {
	out := make([]gin.H, len(items))
	for i, s := range items {
		var findings any
		if s.Findings >= 0 {
			findings = s.Findings
		}
		var assignee any
		if s.AssigneeID != "" {
			assignee = gin.H{"id": s.AssigneeID, "name": s.AssigneeName, "email": s.AssigneeEmail}
		}
		out[i] = gin.H{
			"id": s.ID, "kind": s.Kind, "status": s.Status, "title": s.Title, "language": s.Language,
			"site": s.Site, "author_role": s.AuthorRole, "word_count": s.WordCount, "reading_minutes": s.ReadingMinutes,
			"findings": findings, "has_attachments": s.HasAttachments, "assignee": assignee,
			"created_at": s.CreatedAt, "updated_at": s.UpdatedAt,
		}
	}
	return out
}
