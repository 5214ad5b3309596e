package task

import "github.com/storydesk/storydesk/internal/store"

// TypeExportRevoke deletes the archive of an export revoked because a piece
// in it was withdrawn or deleted (workers.ExportRevoke).
const TypeExportRevoke = "export-revoke"

// ExportRevoke deletes export exportID's archive once it is revoked. The
// store writes it to the outbox in the transaction that revokes the export
// (it is the store.RevokeTask of Withdraw and of the deletions). Its payload
// is an ExportPayload.
func ExportRevoke(exportID string) store.OutboxTask {
	return outbox(TypeExportRevoke, ExportRevokeID(exportID), ExportPayload{ExportID: exportID}, "")
}

// ExportRevokeID is the TaskID of the deletion of export exportID's
// archive: one per export, however many of its pieces go.
func ExportRevokeID(exportID string) string { return taskID(TypeExportRevoke, exportID) }
