package store

import (
	"context"
	"errors"
	"testing"
)

// TestRevisePitch: a pitch's named revisions are numbered per pitch, carry
// its language and its outlet, set its word count, and leave the piece's
// own text and revisions alone; a refused check stores nothing; they go
// with the piece.
func TestRevisePitch(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := approve(t, s, "Long piece")
		o, err := s.CreateOutlet(ctx, Outlet{Name: "El Diario", Language: "es", WordLimit: 5, TakesOpEds: true, TakesStories: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.CreatePitch(ctx, sub.ID, o.ID, pitchAs("es"), nil)
		if err != nil {
			t.Fatal(err)
		}
		version := func(body string) PitchRevisionCheck {
			return func(cur Pitch) (NamedRevision, error) {
				return NamedRevision{Revision: Revision{Title: "Corta", Body: body, BodyHTML: "<p>" + body + "</p>", AuthorName: "Ed"},
					Name: "for " + cur.Outlet.Name}, nil
			}
		}
		ev := Event{Actor: "ed@example.org", Action: "pitch_text"}
		for i, body := range []string{"Una versión corta.", "Más corta."} {
			r, err := s.RevisePitch(ctx, p.ID, 3-i, version(body), ev)
			if err != nil || r.Number != i+1 || r.Language != "es" || r.PitchID != p.ID || r.Outlet != "El Diario" || r.Name != "for El Diario" {
				t.Fatalf("RevisePitch %d = %+v %v", i, r, err)
			}
		}
		refused := errors.New("refused")
		if _, err := s.RevisePitch(ctx, p.ID, 1, func(Pitch) (NamedRevision, error) { return NamedRevision{}, refused }, ev); !errors.Is(err, refused) {
			t.Errorf("a refused check: %v", err)
		}
		if _, err := s.RevisePitch(ctx, "missing", 1, version("x"), ev); !errors.Is(err, ErrNotFound) {
			t.Errorf("RevisePitch(missing) = %v, want ErrNotFound", err)
		}
		revs, err := s.PitchRevisions(ctx, p.ID)
		if err != nil || len(revs) != 2 || revs[1].Body != "Más corta." {
			t.Fatalf("PitchRevisions = %+v %v", revs, err)
		}
		if got, err := s.Pitch(ctx, p.ID); err != nil || got.WordCount != 2 || got.UpdatedBy != "ed@example.org" {
			t.Errorf("pitch after the versions: %+v %v", got, err)
		}
		if named, err := s.NamedRevisions(ctx, sub.ID); err != nil || len(named) != 2 {
			t.Errorf("NamedRevisions = %+v %v", named, err)
		}
		cur, err := s.Submission(ctx, sub.ID)
		if own, _ := s.Revisions(ctx, sub.ID); err != nil || cur.Title != "Long piece" || len(own) != 1 {
			t.Errorf("the piece's own text changed: %q, %d revisions, %v", cur.Title, len(own), err)
		}
		if _, err := s.DeleteSubmission(ctx, sub.ID, nil); err != nil {
			t.Fatal(err)
		}
		if named, err := s.NamedRevisions(ctx, sub.ID); err != nil || len(named) != 0 {
			t.Errorf("named revisions outlive their piece: %+v %v", named, err)
		}
	})
}
