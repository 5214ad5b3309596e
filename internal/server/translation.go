package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
)

// Translations of a piece (issue 14): the desk writes them and sends them
// to the author, who approves them or asks for changes through the receipt
// code; the rules are desk.Service's and intake.DecideTranslation's.

type translationRequest struct {
	Language string `json:"language"`
	Title    string `json:"title"`
	Body     string `json:"body"`
}

type approvalRequest struct {
	Reason string `json:"reason"`
}

// createTranslationAPI is POST /api/v1/submissions/{id}/translations.
func (h *deskSubmission) createTranslationAPI(c *gin.Context) error {
	var req translationRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	s, err := h.load(c)
	if err != nil {
		return err
	}
	t, err := h.desk.CreateTranslation(c.Request.Context(), currentUser(c), s, req.Language, req.Title, req.Body)
	if err != nil {
		return err
	}
	return h.writeTranslation(c, http.StatusCreated, t)
}

// editTranslationAPI is PUT /api/v1/submissions/{id}/translations/{lang}.
func (h *deskSubmission) editTranslationAPI(c *gin.Context) error {
	var req translationRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	s, err := h.load(c)
	if err != nil {
		return err
	}
	t, _, err := h.desk.EditTranslation(c.Request.Context(), currentUser(c), s, c.Param("lang"), req.Title, req.Body)
	if err != nil {
		return err
	}
	return h.writeTranslation(c, http.StatusOK, t)
}

// sendTranslationAPI is POST …/translations/{lang}/send.
func (h *deskSubmission) sendTranslationAPI(c *gin.Context) error {
	s, err := h.load(c)
	if err != nil {
		return err
	}
	t, err := h.desk.SendTranslation(c.Request.Context(), currentUser(c), s, c.Param("lang"))
	if err != nil {
		return err
	}
	return h.writeTranslation(c, http.StatusOK, t)
}

// approveTranslationAPI is POST …/translations/{lang}/approve {"reason"}.
func (h *deskSubmission) approveTranslationAPI(c *gin.Context) error {
	var req approvalRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	s, err := h.load(c)
	if err != nil {
		return err
	}
	t, err := h.desk.ApproveTranslation(c.Request.Context(), currentUser(c), s, c.Param("lang"), req.Reason)
	if err != nil {
		return err
	}
	return h.writeTranslation(c, http.StatusOK, t)
}

func (h *deskSubmission) writeTranslation(c *gin.Context, status int, t store.Translation) error {
	revs, err := h.store.TranslationRevisions(c.Request.Context(), t.SubmissionID, t.Language)
	if err != nil {
		return err
	}
	c.JSON(status, translationJSON(t, revs))
	return nil
}

// translationJSON is a translation as the desk's API shows it.
func translationJSON(t store.Translation, revs []store.Revision) gin.H {
	rj := make([]gin.H, len(revs))
	for i, r := range revs {
		rj[i] = gin.H{"number": r.Number, "title": r.Title, "body": r.Body, "body_html": r.BodyHTML,
			"author": r.AuthorName, "author_id": r.AuthorID, "created_at": r.CreatedAt}
	}
	var approvedAt *time.Time
	if !t.ApprovedAt.IsZero() {
		approvedAt = &t.ApprovedAt
	}
	// The automated review's findings of the translation's text, as the
	// job stored them for revision findings_revision (null until checked).
	findings := json.RawMessage(t.Findings)
	if len(findings) == 0 {
		findings = json.RawMessage("null")
	}
	return gin.H{"language": t.Language, "status": t.Status, "title": t.Title, "body": t.Body, "body_html": t.BodyHTML,
		"revisions": rj, "approved_by": t.ApprovedBy, "approval_reason": t.ApprovalReason, "approved_at": approvedAt,
		"updated_at": t.UpdatedAt, "findings": findings, "findings_revision": t.FindingsRevision}
}

// addTranslations puts submission id's translations on its API record.
func (h *submissionsHandler) addTranslations(ctx context.Context, rec gin.H, id string) error {
	ts, err := h.store.Translations(ctx, id)
	if err != nil {
		return err
	}
	out := make([]gin.H, len(ts))
	for i, t := range ts {
		revs, err := h.store.TranslationRevisions(ctx, id, t.Language)
		if err != nil {
			return err
		}
		out[i] = translationJSON(t, revs)
	}
	rec["translations"] = out
	return nil
}

// submitterTranslations is what the author sees of the translations: the
// words to approve, as text.
func submitterTranslations(ts []store.Translation) []gin.H {
	out := make([]gin.H, len(ts))
	for i, t := range ts {
		out[i] = gin.H{"language": t.Language, "status": t.Status, "title": t.Title, "body_text": sanitize.Text(t.BodyHTML)}
	}
	return out
}

type translationDecisionRequest struct {
	Receipt  string `json:"receipt"`
	Language string `json:"language"`
	Decision string `json:"decision"`
	Message  string `json:"message"`
}

// translationDecision is POST /api/v1/status/translation: the author
// approves a translation or asks for changes. It answers like the status
// look-up, and shares its rate limit.
func (h *statusHandler) translationDecision(c *gin.Context) error {
	if err := allow(c, h.limiter, h.log, "status", statusRate, time.Hour); err != nil {
		return err
	}
	var req translationDecisionRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if blank(req.Receipt) {
		return errNoReceipt()
	}
	err := h.intake.DecideTranslation(c.Request.Context(), req.Receipt, req.Language, req.Decision, req.Message)
	if errors.Is(err, store.ErrNotFound) {
		return fieldErr(http.StatusNotFound, "language", "names no translation of this piece")
	}
	if err != nil {
		return submitterError(err)
	}
	return h.writeStatus(c, req.Receipt)
}
