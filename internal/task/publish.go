package task

import (
	"encoding/json"
	"fmt"

	"github.com/storydesk/storydesk/internal/store"
)

// Task types of publishing and exports.
const (
	TypePublish   = "publish"
	TypeUnpublish = "unpublish"
	TypeWebhook   = "webhook"
	TypeExport    = "export"
	// TypeExportCleanup is the periodic job that deletes the archives of
	// expired exports.
	TypeExportCleanup = "export-cleanup"
	// TypeExportRevoke deletes the archive of an export revoked because a
	// piece in it was withdrawn or deleted. Its payload is an
	// ExportPayload; the store writes it (see store.TaskExportRevoke).
	TypeExportRevoke = store.TaskExportRevoke
)

// Publish renders an approved piece, stores its artifacts and moves it to published.
func Publish(submissionID string) store.OutboxTask {
	t := outbox(TypePublish, "publish:"+submissionID, Payload{SubmissionID: submissionID})
	t.SubmissionID = submissionID
	return t
}

// Unpublish takes a withdrawn piece off the public pages and deletes its
// published artifacts. The withdrawal of a published piece adds it to the
// outbox in the same transaction that sets the status withdrawn.
func Unpublish(submissionID string) store.OutboxTask {
	// No SubmissionID link: the task must survive the submission being purged,
	// because the published files in S3 still have to go.
	return outbox(TypeUnpublish, "unpublish:"+submissionID, Payload{SubmissionID: submissionID})
}

// Webhook tells the configured webhook that a piece was published.
func Webhook(submissionID string) store.OutboxTask {
	t := outbox(TypeWebhook, "webhook:"+submissionID, Payload{SubmissionID: submissionID})
	t.SubmissionID = submissionID
	return t
}

// ExportPayload is the payload of an export task.
type ExportPayload struct {
	ExportID string `json:"export_id"`
}

// Export writes a staff export archive.
func Export(exportID string) store.OutboxTask {
	b, err := json.Marshal(ExportPayload{ExportID: exportID})
	if err != nil {
		panic(fmt.Sprintf("task: marshal payload: %v", err)) // a struct of strings always marshals
	}
	return store.OutboxTask{TaskType: TypeExport, TaskID: "export:" + exportID, Payload: b}
}

// ParseExportPayload decodes an export task payload.
func ParseExportPayload(b []byte) (ExportPayload, error) {
	var p ExportPayload
	if err := json.Unmarshal(b, &p); err != nil {
		return ExportPayload{}, fmt.Errorf("task: payload: %w", err)
	}
	if p.ExportID == "" {
		return ExportPayload{}, fmt.Errorf("task: payload: no export_id")
	}
	return p, nil
}
