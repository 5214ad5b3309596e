// Package task names StoryDesk's background jobs, builds their payloads and
// puts them on the asynq queue.
//
// The database is the source of truth: every task is first written to the
// outbox in the same transaction as the change that needs it, then enqueued
// after commit with a deterministic TaskID. A task that never reached Redis is
// enqueued again by the reconciler, and a duplicate is refused by asynq's
// TaskID check or made harmless by the handler's compare-and-set.
package task

import (
	"encoding/json"
	"fmt"

	"github.com/storydesk/storydesk/internal/store"
)

// Task type names.
const (
	TypeReview = "review"
)

// Queue names, highest priority first.
const (
	QueueDefault = "default"
)

// Payload is what every StoryDesk task carries: ids only, never personal data,
// because Redis is not where submitter data may live.
type Payload struct {
	SubmissionID string `json:"submission_id"`
}

// Review is the automated review of a new submission.
func Review(submissionID string) store.OutboxTask {
	return outbox(TypeReview, ReviewID(submissionID), Payload{SubmissionID: submissionID})
}

// ReviewID is the TaskID of submissionID's review. (Store.CompleteReview
// spells it too: the store cannot import this package.)
func ReviewID(submissionID string) string { return "review:" + submissionID }

// ParsePayload decodes a task payload.
func ParsePayload(b []byte) (Payload, error) {
	var p Payload
	if err := json.Unmarshal(b, &p); err != nil {
		return Payload{}, fmt.Errorf("task: payload: %w", err)
	}
	if p.SubmissionID == "" {
		return Payload{}, fmt.Errorf("task: payload: no submission_id")
	}
	return p, nil
}

func outbox(typ, id string, p Payload) store.OutboxTask {
	b, err := json.Marshal(p)
	if err != nil {
		panic(fmt.Sprintf("task: marshal payload: %v", err)) // a struct of strings always marshals
	}
	return store.OutboxTask{TaskType: typ, TaskID: id, Payload: b}
}
