package store

import (
	"context"
	"testing"
)

// TestBodyHTMLStoredOnce: a body's HTML is kept once, in its revision, not
// a second time in the submissions row; the submission, its review input
// and its latest revision all read the latest revision's.
func TestBodyHTMLStoredOnce(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := newSubmission("Once")
		create(t, s, sub)
		const edited = "<p>Edited once</p>"
		if _, err := s.AddRevision(ctx, sub.ID, Revision{Title: "Once", Body: "Edited once", BodyHTML: edited, AuthorName: "Ed"},
			Event{Actor: "ed@example.org", Action: "edited"}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Submission(ctx, sub.ID); err != nil || got.BodyHTML != edited {
			t.Errorf("Submission: BodyHTML %q, %v; want %q", got.BodyHTML, err, edited)
		}
		if _, html, err := s.ReviewInput(ctx, sub.ID); err != nil || html != edited {
			t.Errorf("ReviewInput: %q, %v; want %q", html, err, edited)
		}
		if rev, _, err := s.LatestRevision(ctx, sub.ID); err != nil || rev.BodyHTML != edited {
			t.Errorf("LatestRevision: BodyHTML %q, %v; want %q", rev.BodyHTML, err, edited)
		}
		if list, _, err := s.ListSubmissions(ctx, Filter{}); err != nil || len(list) != 1 || list[0].BodyHTML != edited {
			t.Errorf("ListSubmissions: %v, %v", list, err)
		}
		var copies int
		err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM submissions WHERE body_html = $1`, edited).Scan(&copies)
		if err == nil {
			t.Errorf("the submissions row still keeps a copy of the HTML (%d rows)", copies)
		}
	})
}
