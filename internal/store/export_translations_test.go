package store

import (
	"context"
	"testing"
)

// TestExportBatchTranslations: an export batch carries each piece's
// approved translations only, with the name on the approving editor's
// account; a draft, one awaiting the author, one the author asked changes
// to, and one approved and then edited (its approval gone) stay out.
func TestExportBatchTranslations(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		editor, err := s.CreateUser(ctx, User{Email: "elena@example.org", Name: "Elena Editora", Role: "editor"})
		if err != nil {
			t.Fatal(err)
		}
		translate := func(title string, moves ...TranslationMove) string {
			t.Helper()
			sub := newSubmission(title)
			create(t, s, sub)
			rev := Revision{Title: "T " + title, Body: "B", BodyHTML: "<p>B</p>", AuthorName: "Tere"}
			if _, _, err := s.CreateTranslation(ctx, Translation{SubmissionID: sub.ID, Language: "es"}, rev, Event{Actor: "t", Action: "translation_created"}, nil); err != nil {
				t.Fatal(err)
			}
			for _, m := range moves {
				m.Event = Event{Actor: "t", Action: "translation_moved"}
				if _, err := s.MoveTranslation(ctx, sub.ID, "es", m); err != nil {
					t.Fatal(err)
				}
			}
			return sub.ID
		}
		send := TranslationMove{From: []TranslationStatus{TranslationDraft}, To: TranslationAwaitingAuthor}
		byAuthor := translate("Author", send, TranslationMove{From: []TranslationStatus{TranslationAwaitingAuthor}, To: TranslationApproved, ApprovedBy: ApprovedByAuthor})
		byEditor := translate("Editor", TranslationMove{From: []TranslationStatus{TranslationDraft}, To: TranslationApproved, ApprovedBy: editor.ID, ApprovalReason: "Unreachable."})
		draft := translate("Draft")
		awaiting := translate("Awaiting", send)
		changes := translate("Changes", send, TranslationMove{From: []TranslationStatus{TranslationAwaitingAuthor}, To: TranslationChangesRequested})
		edited := translate("Edited", send, TranslationMove{From: []TranslationStatus{TranslationAwaitingAuthor}, To: TranslationApproved, ApprovedBy: ApprovedByAuthor})
		if _, _, err := s.ReviseTranslation(ctx, edited, "es", Revision{Title: "Nuevo", Body: "N", BodyHTML: "<p>N</p>", AuthorName: "Tere"}, Event{Actor: "t", Action: "translation_edited"}, nil); err != nil {
			t.Fatal(err)
		}

		batch, err := s.ExportBatchFor(ctx, "", ExportFilter{Status: []Status{StatusReceived}}, ExportCursor{}, 100)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]ExportTranslation{}
		for _, p := range batch {
			got[p.ID] = p.Translations
		}
		if len(got) != 6 {
			t.Fatalf("batch holds %d pieces, want 6", len(got))
		}
		for _, id := range []string{draft, awaiting, changes, edited} {
			if len(got[id]) != 0 {
				t.Errorf("an unapproved translation is exported: %+v", got[id])
			}
		}
		if a := got[byAuthor]; len(a) != 1 || a[0].Language != "es" || a[0].ApprovedBy != ApprovedByAuthor || a[0].Editor != "" ||
			a[0].Title != "T Author" || a[0].BodyHTML != "<p>B</p>" || a[0].ApprovedAt.IsZero() {
			t.Errorf("approved by the author: %+v", a)
		}
		if e := got[byEditor]; len(e) != 1 || e[0].ApprovedBy != editor.ID || e[0].Editor != "Elena Editora" || e[0].ApprovalReason != "Unreachable." {
			t.Errorf("approved by an editor: %+v", e)
		}
	})
}
