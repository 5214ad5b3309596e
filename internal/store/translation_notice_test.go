package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestLateTranslationNotice: the notice task of a translation approval is
// written by the approval's transaction only when the piece is published
// by then, is armed again when the language is approved again after an
// edit, and its delivery is recorded apart from the publication's.
func TestLateTranslationNotice(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := approve(t, s, "Late language")
		rev := Revision{Title: "Idioma tardío", Body: "Cuerpo", BodyHTML: "<p>Cuerpo</p>", AuthorName: "Tere"}
		if _, _, err := s.CreateTranslation(ctx, Translation{SubmissionID: sub.ID, Language: "es"}, rev,
			Event{Actor: "ed", Action: "translation_created"}, nil); err != nil {
			t.Fatal(err)
		}
		const taskID = "webhook-language:es:x"
		notice := OutboxTask{TaskType: "webhook-language", TaskID: taskID, Payload: []byte(`{}`), SubmissionID: sub.ID}
		approveNow := func(stage string) []OutboxTask {
			t.Helper()
			send := TranslationMove{From: []TranslationStatus{TranslationDraft}, To: TranslationAwaitingAuthor, Event: Event{Actor: "ed", Action: "translation_sent"}}
			if _, err := s.MoveTranslation(ctx, sub.ID, "es", send); err != nil {
				t.Fatalf("%s: send: %v", stage, err)
			}
			tasks, err := s.MoveTranslation(ctx, sub.ID, "es", TranslationMove{From: []TranslationStatus{TranslationAwaitingAuthor},
				To: TranslationApproved, ApprovedBy: ApprovedByAuthor, Event: Event{Actor: "submitter", Action: "translation_approved"},
				IfPublished: []OutboxTask{notice}})
			if err != nil {
				t.Fatalf("%s: approve: %v", stage, err)
			}
			return tasks
		}
		pending := func() bool {
			t.Helper()
			rows, err := s.PendingOutbox(ctx, time.Now().Add(time.Hour), 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if r.TaskID == taskID {
					return true
				}
			}
			return false
		}
		edit := func() {
			t.Helper()
			if _, _, err := s.ReviseTranslation(ctx, sub.ID, "es", Revision{Title: "Otro", Body: "Otro", BodyHTML: "<p>Otro</p>", AuthorName: "Tere"},
				Event{Actor: "ed", Action: "translation_edited"}, nil); err != nil {
				t.Fatal(err)
			}
		}

		// Approved before publication: the publication's notice will list it.
		if tasks := approveNow("before publication"); len(tasks) != 0 || pending() {
			t.Errorf("approved before publication: tasks %v, pending %v; want none", tasks, pending())
		}
		if _, _, err := s.Publish(ctx, Publication{SubmissionID: sub.ID, Slug: "late", Title: sub.Title, BylineKind: "anonymous", Kind: "story"}, "publish:"+sub.ID); err != nil {
			t.Fatal(err)
		}
		// Approved after: the notice is in the outbox with the approval.
		edit()
		if tasks := approveNow("after publication"); len(tasks) != 1 || tasks[0].TaskID != taskID || !pending() {
			t.Fatalf("approved after publication: tasks %v, pending %v; want the notice", tasks, pending())
		}
		if err := s.MarkDone(ctx, taskID); err != nil {
			t.Fatal(err)
		}
		// Edited back to draft and approved again: the same task, armed again.
		edit()
		if tasks := approveNow("approved again"); len(tasks) != 1 || !pending() {
			t.Errorf("approved again: tasks %v, pending %v; want the notice armed again", tasks, pending())
		}
		if n := countRows(t, s, "outbox WHERE task_id = '"+taskID+"'"); n != 1 {
			t.Errorf("%d outbox rows of the notice, want 1", n)
		}

		// The language's delivery is its own record.
		if err := s.RecordWebhookAttempt(ctx, sub.ID, "es", true, 204); err != nil {
			t.Fatal(err)
		}
		if d, err := s.WebhookDeliveryOf(ctx, sub.ID, "es"); err != nil || d.State != WebhookDelivered || d.Language != "es" {
			t.Errorf("es delivery = %+v %v", d, err)
		}
		if _, err := s.WebhookDeliveryOf(ctx, sub.ID, ""); !errors.Is(err, ErrNotFound) {
			t.Errorf("publication's delivery: %v, want ErrNotFound", err)
		}
	})
}
