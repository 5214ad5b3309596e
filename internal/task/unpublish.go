package task

import "github.com/storydesk/storydesk/internal/store"

// TypeUnpublish takes a withdrawn piece down (workers.Unpublish).
const TypeUnpublish = "unpublish"

// Unpublish takes a withdrawn piece off the public pages and deletes its
// published artifacts. The withdrawal of a published piece adds it to the
// outbox in the same transaction that sets the status withdrawn. Its
// payload is a Payload.
func Unpublish(submissionID string) store.OutboxTask {
	// Not tied to the submission's row: the task must survive the
	// submission being purged, because the published files in S3 still
	// have to go.
	return outbox(TypeUnpublish, UnpublishID(submissionID), Payload{SubmissionID: submissionID}, "")
}

// UnpublishID is the TaskID of submissionID's unpublication.
func UnpublishID(submissionID string) string { return taskID(TypeUnpublish, submissionID) }
