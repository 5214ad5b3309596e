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
	san   *sanitize.Sanitizer
	log   *slog.Logger
	// pause, when set, is slept mid-job; fault-injection tests use it to kill
	// a worker while it holds a task.
	pause time.Duration
}

// NewReview returns the review handler.
func NewReview(st *store.Store, san *sanitize.Sanitizer, log *slog.Logger, pause time.Duration) *Review {
	return &Review{store: st, san: san, log: log, pause: pause}
}

// ProcessTask runs one review. It is idempotent: the status moves from
// received to ready by compare-and-set, so a redelivered task records nothing twice.
func (r *Review) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := task.ParsePayload(t.Payload())
	if err != nil {
		return fmt.Errorf("review: %w: %w", err, asynq.SkipRetry)
	}
	sub, err := r.store.Submission(ctx, p.SubmissionID)
	if errors.Is(err, store.ErrNotFound) {
		// Deleted before review (withdrawn and purged): nothing to do, ever.
		return r.done(ctx, t, p.SubmissionID)
	}
	if err != nil {
		return fmt.Errorf("review %s: %w", p.SubmissionID, err)
	}
	if sub.Status != store.StatusReceived {
		return r.done(ctx, t, sub.ID)
	}
	if r.pause > 0 {
		select {
		case <-time.After(r.pause):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	text := r.san.PlainText(sub.Body)
	words := finding.WordCount(text)
	found := finding.Scan(text)
	if found == nil {
		found = []finding.Finding{}
	}
	js, err := json.Marshal(found)
	if err != nil {
		return fmt.Errorf("review %s: findings: %w", sub.ID, err)
	}
	applied, err := r.store.CompleteReview(ctx, sub.ID, store.ReviewResult{
		WordCount: words, ReadingMinutes: finding.ReadingMinutes(words), Findings: js,
	})
	if errors.Is(err, store.ErrNotFound) {
		return r.done(ctx, t, sub.ID)
	}
	if err != nil {
		return fmt.Errorf("review %s: %w", sub.ID, err)
	}
	// Counts only: findings are personal data and never go to logs.
	r.log.Info("reviewed", "submission", sub.ID, "applied", applied, "words", words, "findings", len(found))
	return nil
}

func (r *Review) done(ctx context.Context, t *asynq.Task, id string) error {
	// ErrNotFound: the submission and its outbox row were deleted; nothing is owed.
	if err := r.store.MarkDone(ctx, "review:"+id); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("review %s: mark done: %w", id, err)
	}
	return nil
}
