package task

import "github.com/storydesk/storydesk/internal/store"

// TypeWebhook tells the configured webhook of a publication (workers.Webhook).
const TypeWebhook = "webhook"

// Webhook tells the configured webhook that a piece was published. Its
// payload is a Payload.
func Webhook(submissionID string) store.OutboxTask {
	return outbox(TypeWebhook, WebhookID(submissionID), Payload{SubmissionID: submissionID}, submissionID)
}

// WebhookID is the TaskID of the notice of submissionID's publication.
func WebhookID(submissionID string) string { return taskID(TypeWebhook, submissionID) }
