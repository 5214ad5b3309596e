package server

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/store"
)

// The translation editor's forms: each calls the desk's rule and answers
// 303 to the editor page with a notice (flash.go), or re-renders it with
// the refused fields or the conflict explained.

// saveTranslationPage is POST /desk/s/{id}/translations/{lang}: the first
// save creates the translation, each later one is a new revision.
func (h *deskSubmission) saveTranslationPage(c *gin.Context) error {
	s, lang, err := h.loadTranslation(c)
	if err != nil {
		return err
	}
	ctx, u := c.Request.Context(), currentUser(c)
	title, body := c.PostForm("title"), c.PostForm("body")
	changed := true
	_, err = h.store.Translation(ctx, s.ID, lang)
	switch {
	case errors.Is(err, store.ErrNotFound):
		_, err = h.desk.CreateTranslation(ctx, u, s, lang, title, body)
	case err == nil:
		_, changed, err = h.desk.EditTranslation(ctx, u, s, lang, title, body)
	}
	if errs, status, ok := pageErrors(err); ok {
		return h.showTranslation(c, s, viewState{status: status, errors: errs, values: map[string]string{"title": title, "body": body}})
	}
	if err != nil {
		return h.translationConflict(c, s, err)
	}
	notice := "desk_unchanged"
	if changed {
		notice = "translation_saved"
	}
	return h.flash.redirect(c, translationURL(s.ID, lang), flash{Notice: notice})
}

// sendTranslationPage is POST …/translations/{lang}/send.
func (h *deskSubmission) sendTranslationPage(c *gin.Context) error {
	s, lang, err := h.loadTranslation(c)
	if err != nil {
		return err
	}
	if _, err := h.desk.SendTranslation(c.Request.Context(), currentUser(c), s, lang); err != nil {
		return h.translationConflict(c, s, err)
	}
	return h.flash.redirect(c, translationURL(s.ID, lang), flash{Notice: "translation_sent"})
}

// approveTranslationPage is POST …/translations/{lang}/approve {reason}:
// an editor approves in the author's stead, with a written reason.
func (h *deskSubmission) approveTranslationPage(c *gin.Context) error {
	s, lang, err := h.loadTranslation(c)
	if err != nil {
		return err
	}
	reason := c.PostForm("reason")
	_, err = h.desk.ApproveTranslation(c.Request.Context(), currentUser(c), s, lang, reason)
	if errs, status, ok := pageErrors(err); ok {
		return h.showTranslation(c, s, viewState{status: status, errors: errs, values: map[string]string{"reason": reason}})
	}
	if err != nil {
		return h.translationConflict(c, s, err)
	}
	return h.flash.redirect(c, translationURL(s.ID, lang), flash{Notice: "translation_approved"})
}

// translationConflict re-renders the editor with a refused move explained
// (409); any other error goes to the page adapter.
func (h *deskSubmission) translationConflict(c *gin.Context, s store.Submission, err error) error {
	if he := classify(err); he.status != http.StatusConflict {
		return err
	}
	if cur, lerr := h.load(c); lerr == nil {
		s = cur
	}
	return h.showTranslation(c, s, viewState{status: http.StatusConflict, errors: map[string]string{"": "translation_conflict"}})
}
