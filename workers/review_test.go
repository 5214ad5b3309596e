package workers

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// sqliteStore is a fresh, migrated SQLite store in the test's directory:
// the handlers run on a real database in milliseconds.
func sqliteStore(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "storydesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

// received stores a submission with bodyHTML and its review task, as
// intake does, and returns its id.
func received(t *testing.T, st *store.Store, bodyHTML string) string {
	t.Helper()
	sub := store.Submission{ID: uuid.NewString(), ReceiptHash: "receipt-" + uuid.NewString(), Kind: "story",
		Title: "Our street", Body: "text", BodyHTML: bodyHTML, Language: "en", AuthorName: "Ana", AuthorRole: "client",
		Site: "north", ConsentPublish: "anonymous"}
	if err := st.CreateSubmission(context.Background(), &sub, nil, []store.OutboxTask{task.Review(sub.ID)}); err != nil {
		t.Fatal(err)
	}
	return sub.ID
}

// run hands the job's task to h, as asynq does on each delivery.
func run(t *testing.T, h asynq.Handler, job store.OutboxTask) error {
	t.Helper()
	return h.ProcessTask(context.Background(), asynq.NewTask(job.TaskType, job.Payload))
}

// actions are the actions of a submission's history, oldest first.
func actions(t *testing.T, st *store.Store, id string) []string {
	t.Helper()
	events, err := st.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range events {
		out = append(out, e.Action)
	}
	return out
}

// pending are the task ids of outbox rows not done yet.
func pending(t *testing.T, st *store.Store) []string {
	t.Helper()
	rows, err := st.PendingOutbox(context.Background(), time.Now().Add(time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.TaskID)
	}
	return out
}

// TestReviewIsIdempotent: the review delivered four times, two of them at
// once, moves the piece to ready once, records one review with its
// findings, and marks its outbox row done.
func TestReviewIsIdempotent(t *testing.T) {
	st := sqliteStore(t)
	id := received(t, st, "<p>Call me at (512) 555-0134. My A-number is A123-456-789.</p>")
	h := NewReview(st, slog.New(slog.DiscardHandler), 0)

	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for range 2 {
		wg.Go(func() { errs <- run(t, h, task.Review(id)) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent delivery: %v", err)
		}
	}
	for range 2 {
		if err := run(t, h, task.Review(id)); err != nil {
			t.Fatalf("redelivery: %v", err)
		}
	}

	sub, err := st.Submission(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if sub.Status != store.StatusReady {
		t.Errorf("status %s, want ready", sub.Status)
	}
	if got := actions(t, st, id); !slices.Equal(got, []string{"submitted", "reviewed"}) {
		t.Errorf("history %v, want one submitted and one reviewed", got)
	}
	if p := pending(t, st); len(p) != 0 {
		t.Errorf("outbox rows still pending: %v", p)
	}
}

// TestReviewOfNothing: a review of a purged submission is done (nothing is
// owed), and a payload that cannot be read is never retried.
func TestReviewOfNothing(t *testing.T) {
	st := sqliteStore(t)
	h := NewReview(st, slog.New(slog.DiscardHandler), 0)
	if err := run(t, h, task.Review(uuid.NewString())); err != nil {
		t.Errorf("review of an unknown submission: %v, want done", err)
	}
	err := h.ProcessTask(context.Background(), asynq.NewTask(task.TypeReview, []byte("not json")))
	if !errors.Is(err, asynq.SkipRetry) {
		t.Errorf("unreadable payload: %v, want SkipRetry", err)
	}
}

// TestFindingsIsIdempotent: a revision's re-check waits for the first
// review, then records once however often it is delivered, and the task of
// an outdated revision records nothing.
func TestFindingsIsIdempotent(t *testing.T) {
	st := sqliteStore(t)
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	id := received(t, st, "<p>Our garden feeds the street.</p>")
	f := NewFindings(st, log)

	if err := run(t, f, task.Findings(id, 1)); err == nil || errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("re-check before the review: %v, want an error that is retried", err)
	}
	if err := run(t, NewReview(st, log, 0), task.Review(id)); err != nil {
		t.Fatal(err)
	}
	rev, _, err := st.Revise(ctx, id, store.Revision{Title: "Our street", Body: "b",
		BodyHTML: "<p>Call me at (512) 555-0134.</p>", AuthorName: "submitter"},
		store.Event{Actor: "submitter", Action: "revised"}, task.FindingsFollowUp(id))
	if err != nil {
		t.Fatal(err)
	}
	before := actions(t, st, id)
	for range 3 {
		if err := run(t, f, task.Findings(id, rev.Number)); err != nil {
			t.Fatalf("re-check of revision %d: %v", rev.Number, err)
		}
	}
	if err := run(t, f, task.Findings(id, rev.Number-1)); err != nil {
		t.Fatalf("re-check of the outdated revision: %v", err)
	}
	added := actions(t, st, id)[len(before):]
	if !slices.Equal(added, []string{store.RecheckedAction}) {
		t.Errorf("history added %v, want one %s", added, store.RecheckedAction)
	}
	sub, err := st.Submission(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if sub.Status != store.StatusReady {
		t.Errorf("status %s after the re-checks, want ready (a re-check moves no status)", sub.Status)
	}
	if p := pending(t, st); len(p) != 0 {
		t.Errorf("outbox rows still pending: %v", p)
	}
}
