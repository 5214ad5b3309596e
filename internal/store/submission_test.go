package store

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestCreateSubmissionRoundTrip(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := newSubmission("First light")
		sub.IdempotencyHash = "idem-round-trip"
		sub.Status = StatusApproved // must be ignored: new submissions are received
		create(t, s, sub)
		if sub.ID == "" || sub.CreatedAt.IsZero() || sub.UpdatedAt.IsZero() || sub.Status != StatusReceived {
			t.Fatalf("CreateSubmission did not fill ID/times/status: %+v", sub)
		}
		if len(sub.Attachments) != 1 || sub.Attachments[0].ID == "" || sub.Attachments[0].SubmissionID != sub.ID {
			t.Fatalf("attachments not filled: %+v", sub.Attachments)
		}

		for name, get := range map[string]func() (Submission, error){
			"Submission":              func() (Submission, error) { return s.Submission(ctx, sub.ID) },
			"SubmissionByReceipt":     func() (Submission, error) { return s.SubmissionByReceipt(ctx, sub.ReceiptHash) },
			"SubmissionByIdempotency": func() (Submission, error) { return s.SubmissionByIdempotency(ctx, "idem-round-trip") },
		} {
			got, err := get()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if diff := cmp.Diff(*sub, got, approxTime); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
			}
		}

		revs, err := s.Revisions(ctx, sub.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantRevs := []Revision{{SubmissionID: sub.ID, Number: 1, Title: sub.Title, Body: sub.Body, BodyHTML: sub.BodyHTML, AuthorName: "submitter"}}
		if diff := cmp.Diff(wantRevs, revs, cmpopts.IgnoreFields(Revision{}, "ID", "CreatedAt")); diff != "" {
			t.Errorf("Revisions mismatch (-want +got):\n%s", diff)
		}
		evs, err := s.Events(ctx, sub.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantEvs := []Event{{SubmissionID: sub.ID, Actor: "submitter", Action: "submitted", ToStatus: StatusReceived}}
		if diff := cmp.Diff(wantEvs, evs, cmpopts.IgnoreFields(Event{}, "ID", "CreatedAt")); diff != "" {
			t.Errorf("Events mismatch (-want +got):\n%s", diff)
		}
		tasks, err := s.PendingOutbox(ctx, sub.CreatedAt.Add(time.Microsecond), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(tasks) != 1 || tasks[0].TaskID != "review:"+sub.ID || tasks[0].SubmissionID != sub.ID || string(tasks[0].Payload) != `{"id":"`+sub.ID+`"}` {
			t.Errorf("outbox = %+v, want the review task", tasks)
		}
	})
}

func TestSubmissionNotFound(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, err := s.Submission(ctx, newID()); !errors.Is(err, ErrNotFound) {
			t.Errorf("Submission: err = %v, want ErrNotFound", err)
		}
		if _, err := s.SubmissionByReceipt(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("SubmissionByReceipt: err = %v, want ErrNotFound", err)
		}
		if _, err := s.SubmissionByIdempotency(ctx, ""); !errors.Is(err, ErrNotFound) {
			t.Errorf("SubmissionByIdempotency(\"\"): err = %v, want ErrNotFound", err)
		}
		if _, err := s.DeleteSubmission(ctx, newID(), revokeTask); !errors.Is(err, ErrNotFound) {
			t.Errorf("DeleteSubmission: err = %v, want ErrNotFound", err)
		}
	})
}

func TestCreateSubmissionDuplicate(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		first := newSubmission("Once")
		first.IdempotencyHash = "idem-dup"
		create(t, s, first)

		// Two submissions without an idempotency key must not collide on NULL.
		create(t, s, newSubmission("No key 1"))
		create(t, s, newSubmission("No key 2"))

		again := newSubmission("Twice")
		again.IdempotencyHash = "idem-dup"
		sameReceipt := newSubmission("Same receipt")
		sameReceipt.ReceiptHash = first.ReceiptHash
		for _, dup := range []*Submission{again, sameReceipt} {
			before := *dup
			atts := []Attachment{{ObjectKey: "obj/" + newID(), Filename: "x.pdf", ContentType: "application/pdf", Size: 1, SHA256: "cd"}}
			err := s.CreateSubmission(ctx, dup, atts, reviewTask(&before))
			if !errors.Is(err, ErrDuplicate) {
				t.Fatalf("CreateSubmission(%s): err = %v, want ErrDuplicate", dup.Title, err)
			}
			if diff := cmp.Diff(before.Title, dup.Title); diff != "" || dup.Status != "" {
				t.Errorf("failed CreateSubmission changed the caller's value: %+v", dup)
			}
		}
		for table, want := range map[string]int{"submissions": 3, "attachments": 3, "revisions": 3, "events": 3, "outbox": 3} {
			if got := countRows(t, s, table); got != want {
				t.Errorf("%s: %d rows, want %d", table, got, want)
			}
		}
		got, err := s.SubmissionByIdempotency(ctx, "idem-dup")
		if err != nil || got.ID != first.ID {
			t.Errorf("SubmissionByIdempotency = %v, %v; want the first submission", got.ID, err)
		}
	})
}

func TestDeleteSubmissionCascades(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		keep := newSubmission("Keep")
		create(t, s, keep)
		gone := newSubmission("Gone")
		atts := []Attachment{
			{ObjectKey: "obj/a-" + newID(), Filename: "a.jpg", ContentType: "image/jpeg", Size: 1, SHA256: "a"},
			{ObjectKey: "obj/b-" + newID(), Filename: "b.pdf", ContentType: "application/pdf", Size: 2, SHA256: "b"},
		}
		if err := s.CreateSubmission(ctx, gone, atts, reviewTask(gone)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddMessage(ctx, gone.ID, Message{FromEditor: true, AuthorID: "u1", Body: "Thanks"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddRevision(ctx, gone.ID, Revision{Title: "Gone v2", Body: "b", BodyHTML: "<p>b</p>", AuthorName: "ed"}, Event{Actor: "ed@example.org", Action: "edited"}); err != nil {
			t.Fatal(err)
		}
		keys, err := s.DeleteSubmission(ctx, gone.ID, revokeTask)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{atts[0].ObjectKey, atts[1].ObjectKey}, keys, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
			t.Errorf("object keys (-want +got):\n%s", diff)
		}
		for table, want := range map[string]int{"submissions": 1, "attachments": 1, "revisions": 1, "events": 1, "messages": 0, "outbox": 1} {
			if got := countRows(t, s, table); got != want {
				t.Errorf("%s: %d rows after delete, want %d (the other submission's)", table, got, want)
			}
		}
		if _, err := s.Submission(ctx, gone.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("Submission after delete: err = %v, want ErrNotFound", err)
		}
	})
}

func TestRevisionsAndMessages(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := newSubmission("Draft")
		create(t, s, sub)
		rev, err := s.AddRevision(ctx, sub.ID, Revision{Title: "Edited", Body: "new", BodyHTML: "<p>new</p>", AuthorID: "u1", AuthorName: "Ed"},
			Event{ActorID: "u1", Actor: "ed@example.org", Action: "edited"})
		if err != nil {
			t.Fatal(err)
		}
		if rev.Number != 2 {
			t.Errorf("new revision number = %d, want 2", rev.Number)
		}
		got, err := s.Submission(ctx, sub.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Edited" || got.Body != "new" || got.BodyHTML != "<p>new</p>" {
			t.Errorf("current version not updated: %q %q %q", got.Title, got.Body, got.BodyHTML)
		}
		revs, err := s.Revisions(ctx, sub.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(revs) != 2 || revs[0].Title != "Draft" || revs[1].Title != "Edited" || revs[1].AuthorID != "u1" {
			t.Errorf("Revisions = %+v, want the original then the edit", revs)
		}
		if _, err := s.AddRevision(ctx, newID(), Revision{Title: "x"}, Event{Actor: "x", Action: "edited"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("AddRevision unknown: err = %v, want ErrNotFound", err)
		}

		m1, err := s.AddMessage(ctx, sub.ID, Message{FromEditor: true, AuthorID: "u1", Body: "Please shorten"})
		if err != nil {
			t.Fatal(err)
		}
		m2, err := s.AddMessage(ctx, sub.ID, Message{Body: "Done"})
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := s.Messages(ctx, sub.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]Message{m1, m2}, msgs, approxTime); diff != "" {
			t.Errorf("Messages (-want +got):\n%s", diff)
		}
		if _, err := s.AddMessage(ctx, newID(), Message{Body: "x"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("AddMessage unknown: err = %v, want ErrNotFound", err)
		}

		note, err := s.AddEvent(ctx, sub.ID, Event{ActorID: "u1", Actor: "ed@example.org", Action: "note", Detail: "checked with site"})
		if err != nil {
			t.Fatal(err)
		}
		evs, err := s.Events(ctx, sub.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(note, evs[len(evs)-1], approxTime); diff != "" {
			t.Errorf("last event (-want +got):\n%s", diff)
		}
		if _, err := s.AddEvent(ctx, newID(), Event{Actor: "x", Action: "note"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("AddEvent unknown: err = %v, want ErrNotFound", err)
		}
	})
}

func TestCreateSubmissionConcurrentSameKey(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		errs := make(chan error, 8)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				sub := newSubmission("Retry")
				sub.IdempotencyHash = "idem-race"
				errs <- s.CreateSubmission(ctx, sub, nil, reviewTask(sub))
			})
		}
		wg.Wait()
		close(errs)
		ok := 0
		for err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, ErrDuplicate):
				t.Errorf("CreateSubmission: %v, want nil or ErrDuplicate", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d creates succeeded, want 1", ok)
		}
		if n := countRows(t, s, "outbox"); n != 1 {
			t.Errorf("outbox: %d rows, want 1", n)
		}
	})
}
