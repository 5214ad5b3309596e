package task

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/storydesk/storydesk/internal/store"
)

// TypeFindings re-checks a submission's findings after a revision
// (workers.Findings).
const TypeFindings = "findings"

// FindingsPayload is the payload of a findings task: the submission and
// the revision whose text is to be checked.
type FindingsPayload struct {
	SubmissionID string `json:"submission_id"`
	Revision     int    `json:"revision"`
}

// Findings re-scans revision of submissionID for identifying details, so
// the editors' highlights follow the text after a submitter's revision or
// an editor's edit. It is written to the outbox in the revision's
// transaction (store.FollowUp).
func Findings(submissionID string, revision int) store.OutboxTask {
	return outbox(TypeFindings, FindingsID(submissionID, revision),
		FindingsPayload{SubmissionID: submissionID, Revision: revision}, submissionID)
}

// FindingsID is the TaskID of the findings task of revision of
// submissionID: each revision is checked once.
func FindingsID(submissionID string, revision int) string {
	return taskID(TypeFindings, strconv.Itoa(revision), submissionID)
}

// FindingsFollowUp is the follow-up of every new revision of submissionID.
func FindingsFollowUp(submissionID string) store.FollowUp {
	return func(revision int) []store.OutboxTask {
		return []store.OutboxTask{Findings(submissionID, revision)}
	}
}

// ParseFindingsPayload decodes a findings task payload.
func ParseFindingsPayload(b []byte) (FindingsPayload, error) {
	var p FindingsPayload
	if err := json.Unmarshal(b, &p); err != nil {
		return FindingsPayload{}, fmt.Errorf("task: payload: %w", err)
	}
	if p.SubmissionID == "" || p.Revision < 1 {
		return FindingsPayload{}, fmt.Errorf("task: payload: no submission_id or revision")
	}
	return p, nil
}
