package workers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/finding"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// Review is the automated review: word count, reading time and findings of
// identifying details for editors, then status ready.
type Review struct {
	store *store.Store
	log   *slog.Logger
	// pause, when set, is slept mid-job; fault-injection tests use it to kill
	// a worker while it holds a task.
	pause time.Duration
}

// NewReview returns the review handler.
func NewReview(st *store.Store, log *slog.Logger, pause time.Duration) *Review {
	return &Review{store: st, log: log, pause: pause}
}

// ProcessTask runs one review. It is idempotent: the status moves from
// received to ready by compare-and-set, so a redelivered task records nothing twice.
func (r *Review) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := task.ParsePayload(t.Payload())
	if err != nil {
		return fmt.Errorf("review: %w: %w", err, asynq.SkipRetry)
	}
	id, taskID := p.SubmissionID, task.ReviewID(p.SubmissionID)
	status, bodyHTML, err := r.store.ReviewInput(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		// Deleted before review (withdrawn and purged): nothing to do, ever.
		return markDone(ctx, r.store, taskID)
	}
	if err != nil {
		return fmt.Errorf("review %s: %w", id, err)
	}
	if status != store.StatusReceived {
		return markDone(ctx, r.store, taskID)
	}
	if r.pause > 0 {
		select {
		case <-time.After(r.pause):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	res, n, err := scan(bodyHTML)
	if err != nil {
		return fmt.Errorf("review %s: %w", id, err)
	}
	applied, err := r.store.CompleteReview(ctx, id, res, taskID)
	if errors.Is(err, store.ErrNotFound) {
		return markDone(ctx, r.store, taskID)
	}
	if err != nil {
		return fmt.Errorf("review %s: %w", id, err)
	}
	// Counts only: findings are personal data and never go to logs.
	r.log.Info("reviewed", "submission", id, "applied", applied, "words", res.WordCount, "findings", n)
	return nil
}

// scan is the automated review of a body's stored, sanitized HTML: word
// count, reading time and findings, and how many findings there are. It
// scans the text editors read and exports carry (sanitize.Text), so a
// detail the reading view drops is neither scanned nor sent out, and one
// that is sent out is scanned.
func scan(bodyHTML string) (store.ReviewResult, int, error) {
	text := sanitize.Text(bodyHTML)
	words := finding.WordCount(text)
	found := finding.Scan(text)
	if found == nil {
		found = []finding.Finding{}
	}
	js, err := json.Marshal(found)
	if err != nil {
		return store.ReviewResult{}, 0, fmt.Errorf("findings: %w", err)
	}
	return store.ReviewResult{WordCount: words, ReadingMinutes: finding.ReadingMinutes(words), Findings: js}, len(found), nil
}

// Findings re-runs the automated review's scan on a revised text, so the
// findings editors see follow the current text, not the original. It never
// moves the status.
type Findings struct {
	store *store.Store
	log   *slog.Logger
}

// NewFindings returns the findings handler.
func NewFindings(st *store.Store, log *slog.Logger) *Findings {
	return &Findings{store: st, log: log}
}

// ProcessTask re-checks one revision. It is idempotent: the findings are
// written by compare-and-set on the revision number, so a redelivered task,
// or one overtaken by a newer revision (whose own task follows), writes
// nothing. Before the first review is done it fails, to be retried: the
// review may have read the text before this revision.
func (f *Findings) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := task.ParseFindingsPayload(t.Payload())
	if err != nil {
		return fmt.Errorf("findings: %w: %w", err, asynq.SkipRetry)
	}
	taskID := task.FindingsID(p.SubmissionID, p.Revision)
	rev, status, err := f.store.LatestRevision(ctx, p.SubmissionID)
	if errors.Is(err, store.ErrNotFound) {
		return markDone(ctx, f.store, taskID) // purged: nothing is owed
	}
	if err != nil {
		return fmt.Errorf("findings %s: %w", p.SubmissionID, err)
	}
	if status == store.StatusReceived {
		return fmt.Errorf("findings %s: the automated review has not run yet; retrying", p.SubmissionID)
	}
	if rev.Number != p.Revision {
		// A newer revision's task checks the newer text.
		return markDone(ctx, f.store, taskID)
	}
	res, n, err := scan(rev.BodyHTML)
	if err != nil {
		return fmt.Errorf("findings %s: %w", p.SubmissionID, err)
	}
	applied, err := f.store.RecordFindings(ctx, p.SubmissionID, p.Revision, res, taskID)
	if errors.Is(err, store.ErrNotFound) {
		return markDone(ctx, f.store, taskID)
	}
	if err != nil {
		return fmt.Errorf("findings %s: %w", p.SubmissionID, err)
	}
	// Counts only: findings are personal data and never go to logs.
	f.log.Info("findings rechecked", "submission", p.SubmissionID, "revision", p.Revision, "applied", applied, "findings", n)
	return nil
}
