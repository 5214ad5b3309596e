package intake

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// The author's answers to a translation sent for their approval.
const (
	TranslationApprove        = "approve"
	TranslationRequestChanges = "request_changes"
)

// ErrNotAwaiting: the translation is not waiting for the author's answer
// (not sent yet, or already answered).
var ErrNotAwaiting = fmt.Errorf("intake: the translation is not awaiting the author's approval: %w", store.ErrConflict)

// DecideTranslation records the author's answer, through their receipt
// code, to the translation into lang: approve, or request_changes with a
// message the desk receives in the conversation. Only a translation
// awaiting the author moves (ErrNotAwaiting, wrapping store.ErrConflict,
// otherwise); unknown codes are ErrUnknownReceipt, an unknown language
// store.ErrNotFound.
func (s *Service) DecideTranslation(ctx context.Context, code, lang, decision, message string) error {
	if sanitize.CheckText(message) != nil {
		return fieldError("message", CodeInvalidText)
	}
	message = strings.TrimSpace(message)
	switch {
	case strings.TrimSpace(lang) == "":
		return fieldError("language", CodeRequired)
	case decision != TranslationApprove && decision != TranslationRequestChanges:
		return fieldError("decision", CodeInvalidChoice)
	case decision == TranslationRequestChanges && message == "":
		return fieldError("message", CodeRequired)
	case utf8.RuneCountInString(message) > MaxMessageRunes:
		return fieldError("message", CodeTooLong)
	}
	v, err := s.Lookup(ctx, code)
	if err != nil {
		return err
	}
	if v.Submission.Status == store.StatusWithdrawn {
		return ErrWithdrawn
	}
	id := v.Submission.ID
	m := store.TranslationMove{From: []store.TranslationStatus{store.TranslationAwaitingAuthor}, To: store.TranslationApproved,
		ApprovedBy: store.ApprovedByAuthor, Event: store.Event{Actor: "submitter", Action: "translation_approved", Detail: lang + ": approved by the author"},
		IfPublished: []store.OutboxTask{task.WebhookLanguage(id, lang)}}
	if decision == TranslationRequestChanges {
		m.To = store.TranslationChangesRequested
		m.Event = store.Event{Actor: "submitter", Action: "translation_changes_requested", Detail: lang}
		m.IfPublished = nil
	}
	if message != "" {
		// Its kind names the translation, so each reader sees which
		// language it is about in their own (web.Page.MessageText).
		m.Message = &store.Message{Body: message, Kind: store.TranslationMessageKind(lang)}
	}
	tasks, err := s.store.MoveTranslation(ctx, id, lang, m)
	if errors.Is(err, store.ErrConflict) {
		return ErrNotAwaiting
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return wrapUnavailable("decide translation", err)
	}
	if err == nil {
		s.dispatch.AfterCommit(ctx, tasks...)
		s.log.Info("author answered a translation", "submission", id, "language", lang, "decision", decision)
	}
	return err
}
