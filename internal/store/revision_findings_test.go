package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// findingsTask is the follow-up the task package builds, rebuilt here
// (store cannot import task).
func findingsTask(id string) FollowUp {
	return func(n int) []OutboxTask {
		return []OutboxTask{{TaskType: "findings", TaskID: fmt.Sprintf("findings:%d:%s", n, id),
			Payload: []byte(`{}`), SubmissionID: id}}
	}
}

// farAhead is a time every outbox row is older than.
func farAhead() time.Time { return time.Now().Add(24 * time.Hour) }

// rechecked returns the details of the submission's re-check history entries.
func rechecked(t *testing.T, s *Store, id string) []string {
	t.Helper()
	evs, err := s.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		if e.Action == RecheckedAction {
			out = append(out, e.Detail)
		}
	}
	return out
}

// TestRecordFindings: the re-check of a revision is a compare-and-set on the
// revision number that never moves the status.
func TestRecordFindings(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := newSubmission("Findings")
		create(t, s, sub)
		rev, tasks, err := s.Revise(ctx, sub.ID, Revision{Title: "v2", Body: "call 512-555-0134", BodyHTML: "<p>x</p>", AuthorName: "ed"},
			Event{Actor: "ed", Action: "edited"}, findingsTask(sub.ID))
		if err != nil || rev.Number != 2 || len(tasks) != 1 || tasks[0].TaskID != "findings:2:"+sub.ID {
			t.Fatalf("Revise: %+v %+v %v", rev, tasks, err)
		}
		if got, st, err := s.LatestRevision(ctx, sub.ID); err != nil || got.Number != 2 || got.Body != "call 512-555-0134" || st != StatusReceived {
			t.Errorf("LatestRevision: %+v %s %v", got, st, err)
		}
		res := ReviewResult{WordCount: 2, ReadingMinutes: 1, Findings: []byte(`[{"kind":"phone","start":5,"end":17,"label":"Phone number"}]`)}
		// Before the first review the task stays owed.
		if _, err := s.RecordFindings(ctx, sub.ID, 2, res, tasks[0].TaskID); !errors.Is(err, ErrConflict) {
			t.Errorf("before the review: %v, want ErrConflict", err)
		}
		if p, _ := s.PendingOutbox(ctx, farAhead(), 10); len(p) != 2 {
			t.Errorf("pending outbox rows: %d, want the review's and the findings'", len(p))
		}
		if _, err := s.CompleteReview(ctx, sub.ID, ReviewResult{Findings: []byte(`[]`)}, reviewID(sub.ID)); err != nil {
			t.Fatal(err)
		}
		for i, want := range []bool{true, false} {
			applied, err := s.RecordFindings(ctx, sub.ID, 2, res, tasks[0].TaskID)
			if err != nil || applied != want {
				t.Errorf("RecordFindings #%d: %v %v, want %v", i+1, applied, err, want)
			}
		}
		got, err := s.Submission(ctx, sub.ID)
		if err != nil || string(got.Findings) != string(res.Findings) || got.WordCount != 2 || got.Status != StatusReady {
			t.Errorf("after the re-check: %s %d %s %v", got.Findings, got.WordCount, got.Status, err)
		}
		if p, _ := s.PendingOutbox(ctx, farAhead(), 10); len(p) != 0 {
			t.Errorf("outbox rows left: %+v", p)
		}
		if _, _, err := s.Revise(ctx, sub.ID, Revision{Title: "v3", Body: "nothing", BodyHTML: "<p>n</p>"}, Event{Actor: "ed", Action: "edited"}, nil); err != nil {
			t.Fatal(err)
		}
		// Revision 2 is outdated now: its task writes nothing.
		if applied, err := s.RecordFindings(ctx, sub.ID, 2, ReviewResult{Findings: []byte(`[]`)}, tasks[0].TaskID); err != nil || applied {
			t.Errorf("outdated revision: %v %v", applied, err)
		}
		if d := rechecked(t, s, sub.ID); len(d) != 1 || d[0] != "revision 2" {
			t.Errorf("re-check history: %v", d)
		}
		if _, err := s.RecordFindings(ctx, newID(), 2, res, "findings:2:x"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown submission: %v", err)
		}
	})
}

// TestAddReplyIsAtomic: a reply is stored whole or not at all.
func TestAddReplyIsAtomic(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := newSubmission("Reply")
		create(t, s, sub)
		if _, err := s.Transition(ctx, sub.ID, []Status{StatusReceived}, StatusChangesRequested, Event{Actor: "ed", Action: "status"}); err != nil {
			t.Fatal(err)
		}
		revisable := []Status{StatusReceived, StatusReady, StatusChangesRequested}
		reply := func(next FollowUp, can []Status) (Submission, []OutboxTask, error) {
			return s.AddReply(ctx, sub.ID, Reply{Message: "new version", Revision: &Revision{Title: "v2", Body: "b2", BodyHTML: "<p>b2</p>", AuthorName: "submitter"},
				Edited: Event{Actor: "submitter", Action: "edited"}, Revisable: can, Next: next})
		}
		unchanged := func(when string) {
			t.Helper()
			got, _ := s.Submission(ctx, sub.ID)
			msgs, _ := s.Messages(ctx, sub.ID)
			revs, _ := s.Revisions(ctx, sub.ID)
			if got.Status != StatusChangesRequested || got.Title != sub.Title || len(msgs) != 0 || len(revs) != 1 {
				t.Errorf("%s: status %s, title %q, %d messages, %d revisions: half stored", when, got.Status, got.Title, len(msgs), len(revs))
			}
		}
		// The last write fails (its outbox row points at no submission).
		broken := func(int) []OutboxTask {
			return []OutboxTask{{TaskType: "findings", TaskID: "findings:x:" + newID(), Payload: []byte(`{}`), SubmissionID: newID()}}
		}
		if _, _, err := reply(broken, revisable); err == nil || !strings.Contains(strings.ToLower(err.Error()), "foreign key") {
			t.Fatalf("a failing follow-up: %v, want a foreign key error", err)
		}
		unchanged("after a failure")
		if _, _, err := reply(findingsTask(sub.ID), []Status{StatusReady}); !errors.Is(err, ErrConflict) {
			t.Errorf("revision in a status not revisable: %v, want ErrConflict", err)
		}
		unchanged("after a refusal")

		got, tasks, err := reply(findingsTask(sub.ID), revisable)
		if err != nil || got.Status != StatusReady || got.Title != "v2" || len(tasks) != 1 || tasks[0].TaskID != "findings:2:"+sub.ID {
			t.Fatalf("reply: %s %q %+v %v", got.Status, got.Title, tasks, err)
		}
		msgs, _ := s.Messages(ctx, sub.ID)
		evs, _ := s.Events(ctx, sub.ID)
		last := evs[len(evs)-1]
		if len(msgs) != 1 || msgs[0].FromEditor || last.ToStatus != StatusReady || last.Detail != "revision sent" {
			t.Errorf("messages %+v, last event %+v", msgs, last)
		}
		// A message alone moves nothing.
		if got, tasks, err := s.AddReply(ctx, sub.ID, Reply{Message: "thanks"}); err != nil || got.Status != StatusReady || len(tasks) != 0 {
			t.Errorf("message only: %s %v %v", got.Status, tasks, err)
		}
		if _, _, err := s.AddReply(ctx, newID(), Reply{Message: "x"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown submission: %v", err)
		}
	})
}
