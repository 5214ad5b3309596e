package workers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// TranslationFindings runs the automated review's scan on a translation's
// text after each of its revisions, so the desk sees an A-number or an
// address a translator typed, as it does in the original.
type TranslationFindings struct {
	store *store.Store
	log   *slog.Logger
}

// NewTranslationFindings returns the translation findings handler.
func NewTranslationFindings(st *store.Store, log *slog.Logger) *TranslationFindings {
	return &TranslationFindings{store: st, log: log}
}

// ProcessTask checks one revision of one translation. It is idempotent:
// the findings are written by compare-and-set on the revision number, so a
// redelivered task, or one overtaken by a newer revision (whose own task
// follows), writes nothing.
func (f *TranslationFindings) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := task.ParseTranslationFindingsPayload(t.Payload())
	if err != nil {
		return fmt.Errorf("translation findings: %w: %w", err, asynq.SkipRetry)
	}
	taskID := task.TranslationFindingsID(p.SubmissionID, p.Language, p.Revision)
	tr, err := f.store.Translation(ctx, p.SubmissionID, p.Language)
	if errors.Is(err, store.ErrNotFound) {
		return markDone(ctx, f.store, taskID) // purged: nothing is owed
	}
	if err != nil {
		return fmt.Errorf("translation findings %s: %w", p.SubmissionID, err)
	}
	if tr.Revisions != p.Revision {
		// A newer revision's task checks the newer text.
		return markDone(ctx, f.store, taskID)
	}
	res, n, err := scan(tr.BodyHTML)
	if err != nil {
		return fmt.Errorf("translation findings %s: %w", p.SubmissionID, err)
	}
	applied, err := f.store.RecordTranslationFindings(ctx, p.SubmissionID, p.Language, p.Revision, res.Findings, taskID)
	if errors.Is(err, store.ErrNotFound) {
		return markDone(ctx, f.store, taskID)
	}
	if err != nil {
		return fmt.Errorf("translation findings %s: %w", p.SubmissionID, err)
	}
	// Counts only: findings are personal data and never go to logs.
	f.log.Info("translation findings checked", "submission", p.SubmissionID, "language", p.Language,
		"revision", p.Revision, "applied", applied, "findings", n)
	return nil
}
