package task

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/storydesk/storydesk/internal/store"
)

// TypeFindings re-checks a submission's findings after a revision.
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
// transaction (store.FollowUp). The TaskID names the revision, so each
// revision is checked once, and ends with the submission id like every
// StoryDesk TaskID: the retention job finds a purged submission's tasks by it.
func Findings(submissionID string, revision int) store.OutboxTask {
	b, err := json.Marshal(FindingsPayload{SubmissionID: submissionID, Revision: revision})
	if err != nil {
		panic(fmt.Sprintf("task: marshal payload: %v", err)) // a string and an int always marshal
	}
	return store.OutboxTask{TaskType: TypeFindings, TaskID: FindingsID(submissionID, revision),
		Payload: b, SubmissionID: submissionID}
}

// FindingsID is the TaskID of the findings task of revision of submissionID.
func FindingsID(submissionID string, revision int) string {
	return "findings:" + strconv.Itoa(revision) + ":" + submissionID
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
