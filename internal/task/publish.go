package task

import "github.com/storydesk/storydesk/internal/store"

// TypePublish renders an approved piece and publishes it (workers.Publish).
const TypePublish = "publish"

// Publish renders an approved piece, stores its artifacts and moves it to
// published. Its payload is a Payload.
func Publish(submissionID string) store.OutboxTask {
	return outbox(TypePublish, PublishID(submissionID), Payload{SubmissionID: submissionID}, submissionID)
}

// PublishID is the TaskID of submissionID's publication.
func PublishID(submissionID string) string { return taskID(TypePublish, submissionID) }
