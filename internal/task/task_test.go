package task

import (
	"encoding/json"
	"testing"

	"github.com/storydesk/storydesk/internal/store"
)

// TestTaskIDs: the TaskIDs stay as they were spelled when the outbox rows
// of a running installation were written (a changed spelling would enqueue
// their work twice), every task about a submission is found by
// OfSubmission, and the payloads carry ids only.
func TestTaskIDs(t *testing.T) {
	const sub, exp = "sub1", "exp1"
	for _, tc := range []struct {
		task         store.OutboxTask
		typ, id      string
		ofSubmission bool
		payload      string
	}{
		{Review(sub), TypeReview, "review:sub1", true, `{"submission_id":"sub1"}`},
		{Findings(sub, 2), TypeFindings, "findings:2:sub1", true, `{"submission_id":"sub1","revision":2}`},
		{TranslationFindings(sub, "es", 3), TypeTranslationFindings, "translation_findings:es:3:sub1", true, `{"submission_id":"sub1","language":"es","revision":3}`},
		{Publish(sub), TypePublish, "publish:sub1", true, `{"submission_id":"sub1"}`},
		{Unpublish(sub), TypeUnpublish, "unpublish:sub1", true, `{"submission_id":"sub1"}`},
		{Webhook(sub), TypeWebhook, "webhook:sub1", true, `{"submission_id":"sub1"}`},
		{WebhookLanguage(sub, "es"), TypeWebhookLanguage, "webhook-language:es:sub1", true, `{"submission_id":"sub1","language":"es"}`},
		{Export(exp), TypeExport, "export:exp1", false, `{"export_id":"exp1"}`},
		{ExportRevoke(exp), TypeExportRevoke, "export-revoke:exp1", false, `{"export_id":"exp1"}`},
	} {
		if tc.task.TaskType != tc.typ || tc.task.TaskID != tc.id || string(tc.task.Payload) != tc.payload {
			t.Errorf("%s: got %s %s %s, want %s %s %s", tc.id, tc.task.TaskType, tc.task.TaskID, tc.task.Payload, tc.typ, tc.id, tc.payload)
		}
		if !json.Valid(tc.task.Payload) {
			t.Errorf("%s: payload %q is not JSON", tc.id, tc.task.Payload)
		}
		if got := OfSubmission(tc.task.TaskID, sub); got != tc.ofSubmission {
			t.Errorf("OfSubmission(%s, %s) = %v, want %v", tc.task.TaskID, sub, got, tc.ofSubmission)
		}
		if OfSubmission(tc.task.TaskID, sub[1:]) {
			t.Errorf("OfSubmission(%s, %s) matched: the id only ends the same", tc.task.TaskID, sub[1:])
		}
	}
	// Tied to the submission's row (deleted with it) except the unpublish
	// job, which must outlive it.
	for _, tk := range []store.OutboxTask{Review(sub), Findings(sub, 1), Publish(sub), Webhook(sub), WebhookLanguage(sub, "es")} {
		if tk.SubmissionID != sub {
			t.Errorf("%s: SubmissionID %q, want %q", tk.TaskID, tk.SubmissionID, sub)
		}
	}
	for _, tk := range []store.OutboxTask{Unpublish(sub), Export(exp), ExportRevoke(exp)} {
		if tk.SubmissionID != "" {
			t.Errorf("%s: SubmissionID %q, want none", tk.TaskID, tk.SubmissionID)
		}
	}
}
