package task

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/storydesk/storydesk/internal/store"
)

// TypeTranslationFindings checks a translation's text for identifying
// details after each of its revisions (workers.TranslationFindings).
const TypeTranslationFindings = "translation_findings"

// TranslationFindingsPayload is the payload of a translation findings
// task: the submission, the translation's language and the revision whose
// text is to be checked.
type TranslationFindingsPayload struct {
	SubmissionID string `json:"submission_id"`
	Language     string `json:"language"`
	Revision     int    `json:"revision"`
}

// TranslationFindings scans revision of submissionID's translation into
// lang: a translator can type an A-number or an address the original never
// had. It is written to the outbox in the revision's transaction.
func TranslationFindings(submissionID, lang string, revision int) store.OutboxTask {
	return outbox(TypeTranslationFindings, TranslationFindingsID(submissionID, lang, revision),
		TranslationFindingsPayload{SubmissionID: submissionID, Language: lang, Revision: revision}, submissionID)
}

// TranslationFindingsID is the TaskID of the findings task of revision of
// submissionID's translation into lang: each revision is checked once.
func TranslationFindingsID(submissionID, lang string, revision int) string {
	return taskID(TypeTranslationFindings, lang, strconv.Itoa(revision), submissionID)
}

// TranslationFindingsFollowUp is the follow-up of every new revision of
// submissionID's translation into lang.
func TranslationFindingsFollowUp(submissionID, lang string) store.FollowUp {
	return func(revision int) []store.OutboxTask {
		return []store.OutboxTask{TranslationFindings(submissionID, lang, revision)}
	}
}

// ParseTranslationFindingsPayload decodes a translation findings task payload.
func ParseTranslationFindingsPayload(b []byte) (TranslationFindingsPayload, error) {
	var p TranslationFindingsPayload
	if err := json.Unmarshal(b, &p); err != nil {
		return TranslationFindingsPayload{}, fmt.Errorf("task: payload: %w", err)
	}
	if p.SubmissionID == "" || p.Language == "" || p.Revision < 1 {
		return TranslationFindingsPayload{}, fmt.Errorf("task: payload: no submission_id, language or revision")
	}
	return p, nil
}
