package workers

import (
	"context"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/task"
)

// WebhookLanguage tells the webhook that a published piece gained a
// language: a translation approved after the publication. The notice is
// the publication's, listing every language then published, with the
// event language_added and the new language marked. It goes through the
// same delivery as the publication's notice (Webhook.deliver), recorded
// per language, so it is sent once.
type WebhookLanguage struct{ hook *Webhook }

// NewWebhookLanguage returns the handler of the language notices, sent by hook.
func NewWebhookLanguage(hook *Webhook) *WebhookLanguage { return &WebhookLanguage{hook: hook} }

// ProcessTask delivers one language notice.
func (h *WebhookLanguage) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := task.ParseLanguagePayload(t.Payload())
	if err != nil {
		return fmt.Errorf("webhook language: %w: %w", err, asynq.SkipRetry)
	}
	return h.hook.deliver(ctx, p.SubmissionID, p.Language, task.WebhookLanguageID(p.SubmissionID, p.Language))
}
