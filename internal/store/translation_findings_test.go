package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestTranslationFindings: each revision of a translation writes its
// findings check to the outbox with it; the check's findings are written by
// compare-and-set on the revision number (a redelivered or overtaken task
// writes nothing, and its outbox row is done either way); a purged piece's
// translation is ErrNotFound.
func TestTranslationFindings(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := newSubmission("Findings in translation")
		create(t, s, sub)
		next := func(n int) []OutboxTask {
			return []OutboxTask{{TaskType: "translation_findings", TaskID: fmt.Sprintf("translation_findings:es:%d:%s", n, sub.ID),
				Payload: []byte(`{}`), SubmissionID: sub.ID}}
		}
		rev := Revision{Title: "Calle", Body: "Cuerpo", BodyHTML: "<p>Cuerpo</p>", AuthorName: "Tere"}
		_, tasks, err := s.CreateTranslation(ctx, Translation{SubmissionID: sub.ID, Language: "es"}, rev, Event{Actor: "x", Action: "translation_created"}, next)
		if err != nil || len(tasks) != 1 || tasks[0].TaskID != "translation_findings:es:1:"+sub.ID {
			t.Fatalf("create: %v, tasks %+v; want the check of revision 1", err, tasks)
		}
		first := tasks[0].TaskID
		_, tasks, err = s.ReviseTranslation(ctx, sub.ID, "es", rev, Event{Actor: "x", Action: "translation_edited"}, next)
		if err != nil || len(tasks) != 1 || tasks[0].TaskID != "translation_findings:es:2:"+sub.ID {
			t.Fatalf("revise: %v, tasks %+v; want the check of revision 2", err, tasks)
		}
		checks := func() int {
			pending, err := s.PendingOutbox(ctx, farAhead(), 10)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, p := range pending {
				if p.TaskType == "translation_findings" {
					n++
				}
			}
			return n
		}
		if n := checks(); n != 2 {
			t.Fatalf("outbox: %d checks, want both", n)
		}

		found := []byte(`[{"kind":"a_number","start":0,"end":4}]`)
		// Revision 1's task is overtaken: it writes nothing.
		if ok, err := s.RecordTranslationFindings(ctx, sub.ID, "es", 1, found, first); ok || err != nil {
			t.Errorf("outdated revision: %v, %v; want nothing written", ok, err)
		}
		if ok, err := s.RecordTranslationFindings(ctx, sub.ID, "es", 2, found, tasks[0].TaskID); !ok || err != nil {
			t.Fatalf("latest revision: %v, %v; want written", ok, err)
		}
		if ok, err := s.RecordTranslationFindings(ctx, sub.ID, "es", 2, []byte(`[]`), tasks[0].TaskID); ok || err != nil {
			t.Errorf("redelivered: %v, %v; want nothing written", ok, err)
		}
		if n := checks(); n != 0 {
			t.Errorf("outbox after both checks: %d checks owed, want none", n)
		}
		tr, err := s.Translation(ctx, sub.ID, "es")
		if err != nil || tr.FindingsRevision != 2 || string(tr.Findings) != string(found) {
			t.Errorf("translation: revision %d findings %s, %v; want revision 2's", tr.FindingsRevision, tr.Findings, err)
		}
		if ok, err := s.RecordTranslationFindings(ctx, sub.ID, "en", 1, found, "x"); ok || !errors.Is(err, ErrNotFound) {
			t.Errorf("no such translation: %v, %v; want ErrNotFound", ok, err)
		}
	})
}
