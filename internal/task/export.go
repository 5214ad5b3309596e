package task

import (
	"encoding/json"
	"fmt"

	"github.com/storydesk/storydesk/internal/store"
)

// TypeExport writes a staff export archive (workers.Export).
const TypeExport = "export"

// ExportPayload is the payload of the tasks about one export.
type ExportPayload struct {
	ExportID string `json:"export_id"`
}

// Export writes a staff export archive.
func Export(exportID string) store.OutboxTask {
	return outbox(TypeExport, ExportID(exportID), ExportPayload{ExportID: exportID}, "")
}

// ExportID is the TaskID of the task that writes export exportID.
func ExportID(exportID string) string { return taskID(TypeExport, exportID) }

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
