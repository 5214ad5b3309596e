package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
)

// decisionRule is one decision an editor can take (see docs/statuses.md).
type decisionRule struct {
	name         string
	from         []store.Status
	to           store.Status
	needsMessage bool
}

// decisions: approve and reject also from changes_requested, so an editor
// can close a piece whose submitter never answers (or fix it themselves and
// approve) without waiting for a revision. Requesting changes again on a
// piece in changes_requested is a message, not a decision.
var decisions = []decisionRule{
	{name: "approve", from: []store.Status{store.StatusReady, store.StatusChangesRequested}, to: store.StatusApproved},
	{name: "reject", from: []store.Status{store.StatusReady, store.StatusChangesRequested}, to: store.StatusRejected},
	{name: "request_changes", from: []store.Status{store.StatusReady}, to: store.StatusChangesRequested, needsMessage: true},
}

type decisionRequest struct {
	Decision string `json:"decision"`
	Message  string `json:"message"`
}

// decide applies an editor's decision as one compare-and-set; the message,
// if any, reaches the submitter in the same transaction. A piece whose
// consent is internal may be approved: publishing it is what is refused.
func (h *deskSubmission) decide(c *gin.Context, req decisionRequest) (store.Submission, error) {
	var rule *decisionRule
	for i := range decisions {
		if decisions[i].name == req.Decision {
			rule = &decisions[i]
		}
	}
	if rule == nil {
		return store.Submission{}, deskInvalid("decision", "invalid_choice")
	}
	if sanitize.CheckText(req.Message) != nil {
		return store.Submission{}, deskInvalid("message", "invalid_text")
	}
	msg := strings.TrimSpace(req.Message)
	if rule.needsMessage && msg == "" {
		return store.Submission{}, deskInvalid("message", "message_required")
	}
	if len([]rune(msg)) > maxMessageRunes {
		return store.Submission{}, deskInvalid("message", "too_long")
	}
	s, err := h.load(c)
	if err != nil {
		return store.Submission{}, err
	}
	u := currentUser(c)
	ctx := c.Request.Context()
	out, err := h.store.Decide(ctx, s.ID, store.Decision{From: rule.from, To: rule.to,
		ActorID: u.ID, Actor: u.Email, Action: rule.name, Message: msg})
	if errors.Is(err, store.ErrConflict) {
		return store.Submission{}, h.conflict(ctx, s.ID, strings.ReplaceAll(rule.name, "_", " "))
	}
	if err != nil {
		return store.Submission{}, err
	}
	h.log.Info("decision", "submission", s.ID, "user", u.ID, "decision", rule.name, "status", out.Status)
	return out, nil
}

// decisionAPI is POST /api/v1/submissions/{id}/decision.
func (h *deskSubmission) decisionAPI(c *gin.Context) error {
	var req decisionRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	s, err := h.decide(c, req)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"id": s.ID, "status": s.Status, "decision": req.Decision})
	return nil
}

// decisionPage is the page's decision buttons.
func (h *deskSubmission) decisionPage(c *gin.Context) error {
	req := decisionRequest{Decision: c.PostForm("decision"), Message: c.PostForm("message")}
	s, err := h.decide(c, req)
	if err == nil {
		return h.show(c, s, viewState{notice: "desk_" + req.Decision})
	}
	if errs, status, ok := pageErrors(err); ok {
		// The decision form's message box is not the message form's.
		if code, ok := errs["desk_message"]; ok {
			delete(errs, "desk_message")
			errs["desk_decision_message"] = code
		}
		cur, lerr := h.load(c)
		if lerr != nil {
			return lerr
		}
		return h.show(c, cur, viewState{status: status, errors: errs, values: map[string]string{"decision_message": req.Message}})
	}
	cur, lerr := h.load(c)
	if lerr != nil || classify(err).status != http.StatusConflict {
		return err
	}
	return h.show(c, cur, viewState{status: http.StatusConflict, errors: map[string]string{"": "desk_conflict"}})
}
