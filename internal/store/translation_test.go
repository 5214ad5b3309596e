package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestTranslationLifecycle(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := newSubmission("Translate me")
		create(t, s, sub)
		first := Revision{Title: "Tradúceme", Body: "Cuerpo", BodyHTML: "<p>Cuerpo</p>", AuthorID: "u1", AuthorName: "Tere"}
		tr, _, err := s.CreateTranslation(ctx, Translation{SubmissionID: sub.ID, Language: "es"}, first,
			Event{ActorID: "u1", Actor: "tere@example.org", Action: "translation_created", Detail: "es"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Status != TranslationDraft || tr.Revisions != 1 {
			t.Errorf("created = %+v, want a draft with one revision", tr)
		}
		_, _, err = s.CreateTranslation(ctx, Translation{SubmissionID: sub.ID, Language: "es"}, first, Event{Actor: "x", Action: "translation_created"}, nil)
		if !errors.Is(err, ErrConflict) {
			t.Errorf("second es: err = %v, want ErrConflict", err)
		}
		_, _, err = s.CreateTranslation(ctx, Translation{SubmissionID: newID(), Language: "es"}, first, Event{Actor: "x", Action: "translation_created"}, nil)
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown submission: err = %v, want ErrNotFound", err)
		}

		// Approval is a compare-and-set from awaiting_author only.
		approve := TranslationMove{From: []TranslationStatus{TranslationAwaitingAuthor}, To: TranslationApproved,
			ApprovedBy: ApprovedByAuthor, Event: Event{Actor: "submitter", Action: "translation_approved"}}
		if _, err := s.MoveTranslation(ctx, sub.ID, "es", approve); !errors.Is(err, ErrConflict) {
			t.Errorf("approve a draft: err = %v, want ErrConflict", err)
		}
		if _, err := s.MoveTranslation(ctx, sub.ID, "en", approve); !errors.Is(err, ErrNotFound) {
			t.Errorf("approve a missing translation: err = %v, want ErrNotFound", err)
		}
		send := TranslationMove{From: []TranslationStatus{TranslationDraft}, To: TranslationAwaitingAuthor, Event: Event{Actor: "ed", Action: "translation_sent"}}
		if _, err := s.MoveTranslation(ctx, sub.ID, "es", send); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MoveTranslation(ctx, sub.ID, "es", approve); err != nil {
			t.Fatal(err)
		}
		got, err := s.Translation(ctx, sub.ID, "es")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != TranslationApproved || got.ApprovedBy != ApprovedByAuthor || got.ApprovedAt.IsZero() {
			t.Errorf("approved = %+v, want approved by the author with a time", got)
		}

		// A new revision needs a new approval.
		second := Revision{Title: "Tradúceme bien", Body: "Otro cuerpo", BodyHTML: "<p>Otro cuerpo</p>", AuthorName: "Tere"}
		got, _, err = s.ReviseTranslation(ctx, sub.ID, "es", second, Event{Actor: "tere", Action: "translation_edited"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != TranslationDraft || got.ApprovedBy != "" || !got.ApprovedAt.IsZero() || got.Revisions != 2 || got.Title != "Tradúceme bien" {
			t.Errorf("after edit = %+v, want a draft of revision 2 without approval", got)
		}
		revs, err := s.TranslationRevisions(ctx, sub.ID, "es")
		if err != nil || len(revs) != 2 || revs[0].Title != "Tradúceme" || revs[1].Number != 2 {
			t.Errorf("revisions = %+v, %v; want the first and the second", revs, err)
		}
		if _, _, err := s.ReviseTranslation(ctx, sub.ID, "fr", second, Event{Actor: "x", Action: "translation_edited"}, nil); !errors.Is(err, ErrNotFound) {
			t.Errorf("revise missing: err = %v, want ErrNotFound", err)
		}

		// The author's request for changes carries their message to the desk.
		if _, err := s.MoveTranslation(ctx, sub.ID, "es", send); err != nil {
			t.Fatal(err)
		}
		request := TranslationMove{From: []TranslationStatus{TranslationAwaitingAuthor}, To: TranslationChangesRequested,
			Event: Event{Actor: "submitter", Action: "translation_changes_requested"}, Message: &Message{Body: "Cambien el título"}}
		if _, err := s.MoveTranslation(ctx, sub.ID, "es", request); err != nil {
			t.Fatal(err)
		}
		msgs, err := s.Messages(ctx, sub.ID)
		if err != nil || len(msgs) != 1 || msgs[0].Body != "Cambien el título" || msgs[0].FromEditor {
			t.Errorf("messages = %+v, %v; want the author's request", msgs, err)
		}
		list, err := s.Translations(ctx, sub.ID)
		if err != nil || len(list) != 1 || list[0].Status != TranslationChangesRequested {
			t.Errorf("Translations = %+v, %v", list, err)
		}
	})
}

// TestPurgeDeletesTranslations: a purged piece leaves no translation text.
func TestPurgeDeletesTranslations(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := newSubmission("Purge my translation")
		create(t, s, sub)
		rev := Revision{Title: "Bórrame", Body: "Cuerpo", BodyHTML: "<p>Cuerpo</p>", AuthorName: "Tere"}
		if _, _, err := s.CreateTranslation(ctx, Translation{SubmissionID: sub.ID, Language: "es"}, rev, Event{Actor: "x", Action: "translation_created"}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Transition(ctx, sub.ID, []Status{StatusReceived}, StatusRejected, Event{Actor: "system", Action: "status"}); err != nil {
			t.Fatal(err)
		}
		late := time.Now().Add(time.Hour)
		if _, err := s.PurgeSubmission(ctx, sub.ID, RetentionCutoffs{ContactBefore: late, ClosedBefore: late, UnreviewedBefore: late}, revokeTask); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM translations WHERE submission_id = $1)
			+ (SELECT COUNT(*) FROM translation_revisions WHERE submission_id = $2)`, sub.ID, sub.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d translation rows survive the purge", n)
		}
	})
}

// TestTranslationOfMessage: only the kind of an author's message about a
// translation names a language; an automatic message's does not (the
// desk once read "revision_sent" as a language and lost its wording).
func TestTranslationOfMessage(t *testing.T) {
	for kind, want := range map[string]string{
		TranslationMessageKind("es"): "es", "revision_sent": "", "": "",
	} {
		if got := TranslationOfMessage(kind); got != want {
			t.Errorf("TranslationOfMessage(%q) = %q, want %q", kind, got, want)
		}
	}
}
