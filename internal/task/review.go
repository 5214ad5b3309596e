package task

import "github.com/storydesk/storydesk/internal/store"

// TypeReview is the automated review of a new submission (workers.Review).
const TypeReview = "review"

// Review is the automated review of a new submission, written to the
// outbox with it. Its payload is a Payload.
func Review(submissionID string) store.OutboxTask {
	return outbox(TypeReview, ReviewID(submissionID), Payload{SubmissionID: submissionID}, submissionID)
}

// ReviewID is the TaskID of submissionID's review.
func ReviewID(submissionID string) string { return taskID(TypeReview, submissionID) }
