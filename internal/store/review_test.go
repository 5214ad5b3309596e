package store

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// countEvents returns how many events of action submission id has.
func countEvents(t testing.TB, s *Store, id, action string) int {
	t.Helper()
	evs, err := s.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Action == action {
			n++
		}
	}
	return n
}

func TestCompleteReviewOnce(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := newSubmission("Review me")
		create(t, s, sub)
		r := ReviewResult{WordCount: 321, ReadingMinutes: 2, Findings: json.RawMessage(`[{"kind":"phone","field":"body"}]`)}

		if st, html, err := s.ReviewInput(ctx, sub.ID); err != nil || st != StatusReceived || html != sub.BodyHTML || html == "" {
			t.Fatalf("ReviewInput = %q, %q, %v; want received and the body's HTML", st, html, err)
		}
		changed, err := s.CompleteReview(ctx, sub.ID, r, reviewID(sub.ID))
		if err != nil || !changed {
			t.Fatalf("first CompleteReview = %v, %v; want true, nil", changed, err)
		}
		if st, _, err := s.ReviewInput(ctx, sub.ID); err != nil || st != StatusReady {
			t.Errorf("ReviewInput after review = %q, %v; want ready", st, err)
		}
		if _, _, err := s.ReviewInput(ctx, newID()); !errors.Is(err, ErrNotFound) {
			t.Errorf("ReviewInput unknown: err = %v, want ErrNotFound", err)
		}
		changed, err = s.CompleteReview(ctx, sub.ID, ReviewResult{WordCount: 1}, reviewID(sub.ID))
		if err != nil || changed {
			t.Fatalf("second CompleteReview = %v, %v; want false, nil", changed, err)
		}
		got, err := s.Submission(ctx, sub.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != StatusReady || got.WordCount != 321 || got.ReadingMinutes != 2 || got.ReviewedAt.IsZero() {
			t.Errorf("after review: status=%s words=%d minutes=%d reviewed=%v", got.Status, got.WordCount, got.ReadingMinutes, got.ReviewedAt)
		}
		if string(got.Findings) != string(r.Findings) {
			t.Errorf("Findings = %s, want %s", got.Findings, r.Findings)
		}
		evs, err := s.Events(ctx, sub.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []Event{
			{SubmissionID: sub.ID, Actor: "submitter", Action: "submitted", ToStatus: StatusReceived},
			{SubmissionID: sub.ID, Actor: "system", Action: "reviewed", FromStatus: StatusReceived, ToStatus: StatusReady},
		}
		if diff := cmp.Diff(want, evs, cmpopts.IgnoreFields(Event{}, "ID", "CreatedAt")); diff != "" {
			t.Errorf("Events (-want +got):\n%s", diff)
		}
		pending, err := s.PendingOutbox(ctx, time.Now().Add(time.Hour), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != 0 {
			t.Errorf("review task still pending: %+v", pending)
		}
		if _, err := s.CompleteReview(ctx, newID(), r, reviewID("x")); !errors.Is(err, ErrNotFound) {
			t.Errorf("CompleteReview unknown: err = %v, want ErrNotFound", err)
		}
	})
}

func TestCompleteReviewWithdrawnMeanwhile(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := newSubmission("Withdrawn")
		create(t, s, sub)
		if _, err := s.Transition(ctx, sub.ID, []Status{StatusReceived}, StatusWithdrawn, Event{Actor: "submitter", Action: "withdrawn"}); err != nil {
			t.Fatal(err)
		}
		changed, err := s.CompleteReview(ctx, sub.ID, ReviewResult{WordCount: 5}, reviewID(sub.ID))
		if err != nil || changed {
			t.Fatalf("CompleteReview = %v, %v; want false, nil", changed, err)
		}
		pending, err := s.PendingOutbox(ctx, time.Now().Add(time.Hour), 10)
		if err != nil || len(pending) != 0 {
			t.Errorf("PendingOutbox = %+v, %v; want the review task done", pending, err)
		}
		if got, _ := s.Submission(ctx, sub.ID); got.Status != StatusWithdrawn {
			t.Errorf("status = %s, want withdrawn", got.Status)
		}
	})
}

func TestCompleteReviewConcurrent(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := newSubmission("Race")
		create(t, s, sub)
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			wins int
			errs []error
		)
		for range 8 {
			wg.Go(func() {
				changed, err := s.CompleteReview(ctx, sub.ID, ReviewResult{WordCount: 10}, reviewID(sub.ID))
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
				}
				if changed {
					wins++
				}
			})
		}
		wg.Wait()
		if len(errs) > 0 {
			t.Fatalf("CompleteReview errors: %v", errs)
		}
		if wins != 1 {
			t.Errorf("%d calls returned true, want exactly 1", wins)
		}
		if n := countEvents(t, s, sub.ID, "reviewed"); n != 1 {
			t.Errorf("%d reviewed events, want 1", n)
		}
	})
}
