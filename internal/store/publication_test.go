package store

import (
	"context"
	"errors"
	"testing"
)

func approve(t *testing.T, s *Store, title string) *Submission {
	t.Helper()
	sub := newSubmission(title)
	create(t, s, sub)
	if _, err := s.Transition(context.Background(), sub.ID, []Status{StatusReceived}, StatusApproved, Event{Actor: "test", Action: "status"}); err != nil {
		t.Fatal(err)
	}
	return sub
}

func TestPublishSlugsAndCompareAndSet(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a, b := approve(t, s, "Same title"), approve(t, s, "Same title")
		pa, changed, err := s.Publish(ctx, Publication{SubmissionID: a.ID, Slug: "same-title", Title: a.Title, BylineKind: "anonymous", Kind: "story"}, "publish:"+a.ID)
		if err != nil || !changed || pa.Slug != "same-title" || !pa.Live {
			t.Fatalf("first publish: %+v %v %v", pa, changed, err)
		}
		pb, _, err := s.Publish(ctx, Publication{SubmissionID: b.ID, Slug: "same-title", Title: b.Title, BylineKind: "anonymous", Kind: "story"}, "publish:"+b.ID)
		if err != nil || pb.Slug != "same-title-2" {
			t.Fatalf("second piece, same title: %+v %v", pb, err)
		}
		again, changed, err := s.Publish(ctx, Publication{SubmissionID: a.ID, Slug: "other", Title: "x", BylineKind: "anonymous", Kind: "story"}, "publish:"+a.ID)
		if err != nil || changed || again.Slug != "same-title" {
			t.Errorf("publish twice: %+v %v %v", again, changed, err)
		}
		c := newSubmission("Not approved")
		create(t, s, c)
		if _, _, err := s.Publish(ctx, Publication{SubmissionID: c.ID, Slug: "not-approved", BylineKind: "anonymous", Kind: "story"}, "publish:"+c.ID); !errors.Is(err, ErrConflict) {
			t.Errorf("publish unapproved: %v, want ErrConflict", err)
		}
		if n := countRows(t, s, "publications"); n != 2 {
			t.Errorf("%d publications, want 2", n)
		}
		if err := s.Unpublish(ctx, a.ID, "unpublish:"+a.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Unpublish(ctx, a.ID, "unpublish:"+a.ID); err != nil {
			t.Errorf("unpublish twice: %v", err)
		}
		if p, err := s.PublicationBySlug(ctx, "same-title"); err != nil || p.Live || p.Title != "" {
			t.Errorf("after unpublish: %+v %v", p, err)
		}
		live, err := s.LivePublications(ctx, 10, 0)
		if err != nil || len(live) != 1 || live[0].SubmissionID != b.ID {
			t.Errorf("live = %+v %v", live, err)
		}
		if err := s.Unpublish(ctx, c.ID, "unpublish:"+c.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("unpublish never published: %v", err)
		}
	})
}

func TestWebhookAttempts(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := approve(t, s, "Hook")
		for _, ok := range []bool{false, true, false} { // a late failing duplicate cannot undo delivery
			if err := s.RecordWebhookAttempt(ctx, sub.ID, "", ok, map[bool]int{true: 200, false: 500}[ok]); err != nil {
				t.Fatal(err)
			}
		}
		d, err := s.WebhookDeliveryOf(ctx, sub.ID, "")
		if err != nil || d.State != WebhookDelivered || d.Attempts != 3 || d.LastStatus != 500 {
			t.Errorf("delivery = %+v %v", d, err)
		}
	})
}

func TestExportBatchesSkipInternalAndWithdrawn(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		var want []string
		for i := range 7 {
			sub := approve(t, s, "Piece")
			if i == 2 {
				s.Transition(ctx, sub.ID, []Status{StatusApproved}, StatusWithdrawn, Event{Actor: "test", Action: "status"})
				continue
			}
			want = append(want, sub.ID)
		}
		internal := newSubmission("Internal")
		internal.ConsentPublish = "internal"
		create(t, s, internal)
		s.Transition(ctx, internal.ID, []Status{StatusReceived}, StatusApproved, Event{Actor: "test", Action: "status"})
		f := ExportFilter{Status: []Status{StatusApproved, StatusWithdrawn}}
		if n, err := s.CountExport(ctx, f); err != nil || n != len(want) {
			t.Errorf("count = %d %v, want %d", n, err, len(want))
		}
		var got []string
		var after ExportCursor
		for {
			batch, err := s.ExportBatchFor(ctx, "", f, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range batch {
				got = append(got, p.ID)
				if len(p.Attachments) != 1 {
					t.Errorf("%s: %d attachments", p.ID, len(p.Attachments))
				}
			}
			if len(batch) < 2 {
				break
			}
			after = ExportCursor{CreatedAt: batch[len(batch)-1].CreatedAt, ID: batch[len(batch)-1].ID}
		}
		if len(got) != len(want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("order: got %v, want %v", got, want)
				break
			}
		}
	})
}
