package task

import (
	"encoding/json"
	"fmt"

	"github.com/storydesk/storydesk/internal/store"
)

// TypeWebhookLanguage tells the configured webhook that a published piece
// gained a language (workers.WebhookLanguage).
const TypeWebhookLanguage = "webhook-language"

// LanguagePayload is the payload of a task about one language of a piece.
type LanguagePayload struct {
	SubmissionID string `json:"submission_id"`
	Language     string `json:"language"`
}

// WebhookLanguage tells the webhook that submissionID's translation into
// lang was approved after the piece was published. It is written to the
// outbox by the approval's transaction, only when the piece is published
// by then (store.TranslationMove.IfPublished): before, the publication's
// own notice lists the language.
func WebhookLanguage(submissionID, lang string) store.OutboxTask {
	return outbox(TypeWebhookLanguage, WebhookLanguageID(submissionID, lang),
		LanguagePayload{SubmissionID: submissionID, Language: lang}, submissionID)
}

// WebhookLanguageID is the TaskID of the notice that submissionID is
// published in lang: one per language of a piece.
func WebhookLanguageID(submissionID, lang string) string {
	return taskID(TypeWebhookLanguage, lang, submissionID)
}

// ParseLanguagePayload decodes a LanguagePayload.
func ParseLanguagePayload(b []byte) (LanguagePayload, error) {
	var p LanguagePayload
	if err := json.Unmarshal(b, &p); err != nil {
		return LanguagePayload{}, fmt.Errorf("task: payload: %w", err)
	}
	if p.SubmissionID == "" || p.Language == "" {
		return LanguagePayload{}, fmt.Errorf("task: payload: no submission_id or language")
	}
	return p, nil
}
