package store

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
)

func readySubmission(t *testing.T, s *Store, title string) *Submission {
	t.Helper()
	sub := newSubmission(title)
	create(t, s, sub)
	if _, err := s.CompleteReview(context.Background(), sub.ID, ReviewResult{WordCount: 3}, reviewID(sub.ID)); err != nil {
		t.Fatal(err)
	}
	return sub
}

func TestDecide(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := readySubmission(t, s, "Decide")
		d := Decision{From: []Status{StatusReady}, To: StatusChangesRequested, ActorID: "u1", Actor: "ed@example.org",
			Action: "request_changes", Message: "Please remove the address."}
		got, err := s.Decide(ctx, sub.ID, d)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != StatusChangesRequested {
			t.Errorf("status %s", got.Status)
		}
		msgs, _ := s.Messages(ctx, sub.ID)
		if len(msgs) != 1 || !msgs[0].FromEditor || msgs[0].Body != d.Message || msgs[0].AuthorID != "u1" {
			t.Errorf("messages %+v", msgs)
		}
		audit, _ := s.AuditLog(ctx, sub.ID, 10)
		if len(audit) != 1 || audit[0].Action != "decision" || !strings.Contains(audit[0].Detail, "ready -> changes_requested") {
			t.Errorf("audit %+v", audit)
		}

		// From a status not in From: nothing changes, the error names the status.
		_, err = s.Decide(ctx, sub.ID, d)
		if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "changes_requested") {
			t.Fatalf("second decision: %v", err)
		}
		if msgs, _ := s.Messages(ctx, sub.ID); len(msgs) != 1 {
			t.Errorf("%d messages after a refused decision", len(msgs))
		}
		if n := countEvents(t, s, sub.ID, "status"); n != 1 {
			t.Errorf("%d status events, want 1", n)
		}
		if _, err := s.Decide(ctx, "no-such-id", d); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown id: %v", err)
		}
	})
}

func TestDecideConcurrent(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := readySubmission(t, s, "Race")
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			wins      int
			conflicts int
		)
		for i := range 6 {
			to := StatusApproved
			if i%2 == 1 {
				to = StatusRejected
			}
			wg.Go(func() {
				_, err := s.Decide(ctx, sub.ID, Decision{From: []Status{StatusReady}, To: to, Actor: "e", Action: "x", Message: "m"})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case errors.Is(err, ErrConflict):
					conflicts++
				default:
					t.Errorf("Decide: %v", err)
				}
			})
		}
		wg.Wait()
		if wins != 1 || conflicts != 5 {
			t.Errorf("wins %d conflicts %d, want 1 and 5", wins, conflicts)
		}
		if msgs, _ := s.Messages(ctx, sub.ID); len(msgs) != 1 {
			t.Errorf("%d messages, want only the winner's", len(msgs))
		}
	})
}

func TestNotes(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := newSubmission("Notes")
		create(t, s, sub)
		n, err := s.AddNote(ctx, sub.ID, Note{AuthorID: "u1", Author: "ed@example.org", Body: "Check the date."})
		if err != nil {
			t.Fatal(err)
		}
		notes, err := s.Notes(ctx, sub.ID)
		if err != nil || len(notes) != 1 || notes[0] != n {
			t.Fatalf("Notes = %+v, %v; want [%+v]", notes, err, n)
		}
		evs, _ := s.Events(ctx, sub.ID)
		last := evs[len(evs)-1]
		if last.Action != "note" || last.Detail != "" || last.Actor != "ed@example.org" {
			t.Errorf("note event %+v", last)
		}
		if _, err := s.AddNote(ctx, "no-such-id", n); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown id: %v", err)
		}
	})
}
