package store

import (
	"context"
	"testing"
)

// TestInWrites checks that a batch of writes is all or nothing on both
// databases, reports rows changed per statement, and leaves the connection
// usable after a failure.
func TestInWrites(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := newSubmission("Batch")
		create(t, s, sub)
		before := countRows(t, s, "events")

		ev := func(action string) func(w execer) error {
			return func(w execer) error {
				e := Event{SubmissionID: sub.ID, Actor: "system", Action: action}
				return insertEvent(ctx, w, &e)
			}
		}
		counts, err := s.inWrites(ctx, func(w execer) error {
			if err := ev("one")(w); err != nil {
				return err
			}
			if _, err := w.ExecContext(ctx, `UPDATE submissions SET title = $1 WHERE id = $2`, "Batch 2", "no-such-id"); err != nil {
				return err
			}
			return ev("two")(w)
		})
		if err != nil || len(counts) != 3 || counts[0] != 1 || counts[1] != 0 || counts[2] != 1 {
			t.Fatalf("batch = %v, %v; want [1 0 1]", counts, err)
		}
		if got := countRows(t, s, "events"); got != before+2 {
			t.Fatalf("%d events, want %d", got, before+2)
		}

		// The third statement fails (an event for no submission): the
		// first two are rolled back with it.
		counts, err = s.inWrites(ctx, func(w execer) error {
			if err := ev("three")(w); err != nil {
				return err
			}
			if _, err := w.ExecContext(ctx, `UPDATE submissions SET title = $1 WHERE id = $2`, "Changed", sub.ID); err != nil {
				return err
			}
			e := Event{SubmissionID: "no-such-submission", Actor: "system", Action: "orphan"}
			return insertEvent(ctx, w, &e)
		})
		if err == nil || len(counts) != 2 || counts[0] != 1 || counts[1] != 1 {
			t.Fatalf("failing batch = %v, %v; want [1 1] and an error", counts, err)
		}
		if got := countRows(t, s, "events"); got != before+2 {
			t.Errorf("%d events after the failed batch, want %d", got, before+2)
		}
		got, err := s.Submission(ctx, sub.ID)
		if err != nil || got.Title != sub.Title {
			t.Errorf("after the failed batch: title %q (%v), want %q", got.Title, err, sub.Title)
		}
		// Every pooled connection still works.
		for i := 0; i < 25; i++ {
			if _, err := s.Submission(ctx, sub.ID); err != nil {
				t.Fatalf("query %d after the failed batch: %v", i, err)
			}
		}
	})
}
