// Package task names StoryDesk's background jobs, builds their payloads and
// puts them on the asynq queue. Each job has one file here: its type name,
// its payload, its TaskID and its constructor; its handler is
// workers/<job>.go.
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
	"strings"

	"github.com/storydesk/storydesk/internal/store"
)

// Queue names, highest priority first.
const (
	QueueDefault = "default"
)

// Payload is what a task about one submission carries: ids only, never
// personal data, because Redis is not where submitter data may live.
type Payload struct {
	SubmissionID string `json:"submission_id"`
}

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

// taskID spells every StoryDesk TaskID: the job's type, then what the task
// is about, joined by colons. A task about a submission names the
// submission last, which is how OfSubmission finds it.
func taskID(typ string, about ...string) string {
	return strings.Join(append([]string{typ}, about...), ":")
}

// OfSubmission reports whether taskID is the TaskID of a task about
// submission id (see taskID): the retention job deletes such tasks with
// the submission.
func OfSubmission(taskID, id string) bool { return strings.HasSuffix(taskID, ":"+id) }

// outbox builds the outbox row of a task. submissionID ties the row to a
// submission, so deleting the submission deletes the row; "" for a task
// that must outlive it.
func outbox(typ, id string, payload any, submissionID string) store.OutboxTask {
	b, err := json.Marshal(payload)
	if err != nil {
		panic(fmt.Sprintf("task: marshal payload: %v", err)) // payloads are structs of strings and ints
	}
	return store.OutboxTask{TaskType: typ, TaskID: id, Payload: b, SubmissionID: submissionID}
}
