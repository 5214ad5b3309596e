package server

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/store"
)

type decisionRequest struct {
	Decision string `json:"decision"`
	Message  string `json:"message"`
}

// decide checks the decision, loads the piece in the URL and has the desk
// apply it (the rules are desk.Rules).
func (h *deskSubmission) decide(c *gin.Context, req decisionRequest) (store.Submission, error) {
	dec, err := desk.ParseDecision(req.Decision, req.Message)
	if err != nil {
		return store.Submission{}, err
	}
	s, err := h.load(c)
	if err != nil {
		return store.Submission{}, err
	}
	s, err = h.desk.Decide(c.Request.Context(), currentUser(c), s, dec)
	if err == nil {
		h.metrics.Decision(dec.Rule.Name)
	}
	return s, err
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

// decisionPage is the page's decision buttons. A final decision (reject)
// comes back first as a confirmation step on the page, the message kept,
// unless the form says it is confirmed (desk.js asks in a dialog, the page
// without JavaScript asks with a second button). Either way the answer is
// 303 to the piece's page.
func (h *deskSubmission) decisionPage(c *gin.Context) error {
	req := decisionRequest{Decision: c.PostForm("decision"), Message: c.PostForm("message")}
	if dec, err := desk.ParseDecision(req.Decision, req.Message); err == nil && dec.Rule.Final && c.PostForm("confirm") != "yes" {
		s, err := h.load(c)
		if err != nil {
			return err
		}
		return h.flash.redirect(c, pieceURL(s.ID)+"?confirm="+url.QueryEscape(dec.Rule.Name)+"#decision",
			flash{Values: map[string]string{"decision_message": req.Message}})
	}
	s, err := h.decide(c, req)
	if err == nil {
		return h.flash.redirect(c, pieceURL(s.ID), flash{Notice: "desk_" + req.Decision})
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
