package store

import (
	"context"
	"errors"
	"testing"
)

// TestConsentLedger: a submission writes a "given" entry in its own
// transaction; withdrawal appends a "withdrawn" one with the same choices;
// the ledger refuses updates; rejected submissions cannot be withdrawn.
func TestConsentLedger(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := newSubmission("Consent")
		sub.ConsentLanguage = "es"
		sub.ConsentPhotos = true
		create(t, s, sub)
		got, err := s.ConsentLedger(ctx, sub.ID)
		if err != nil || len(got) != 1 {
			t.Fatalf("ledger after create: %v %+v", err, got)
		}
		g := got[0]
		if g.Action != ConsentGiven || g.Version != ConsentVersion || g.Language != "es" || g.Byline != "pseudonym" ||
			!g.Photos || !g.ContactGiven || g.TextSHA256 != ConsentTextSHA256(ConsentVersion, "es") || g.TextSHA256 == "" {
			t.Errorf("given entry: %+v", g)
		}

		w, err := s.Withdraw(ctx, sub.ID, revokeTask)
		if err != nil || !w.Changed || w.Submission.Status != StatusWithdrawn {
			t.Fatalf("Withdraw: %v %v %v", err, w.Changed, w.Submission.Status)
		}
		if w, err := s.Withdraw(ctx, sub.ID, revokeTask); err != nil || w.Changed {
			t.Errorf("second Withdraw: changed=%v err=%v, want no change", w.Changed, err)
		}
		got, _ = s.ConsentLedger(ctx, sub.ID)
		if len(got) != 2 || got[1].Action != ConsentWithdrawn || got[1].Byline != g.Byline || got[1].Version != g.Version {
			t.Errorf("ledger after withdrawal: %+v", got)
		}
		if _, err := s.db.ExecContext(ctx, `UPDATE consent_ledger SET byline = 'name' WHERE submission_id = $1`, sub.ID); err == nil {
			t.Error("UPDATE of the consent ledger succeeded; it must be append-only")
		}

		rej := newSubmission("Rejected")
		create(t, s, rej)
		if _, err := s.Transition(ctx, rej.ID, []Status{StatusReceived}, StatusRejected, Event{Actor: "system", Action: "status"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Withdraw(ctx, rej.ID, revokeTask); !errors.Is(err, ErrConflict) {
			t.Errorf("Withdraw of rejected: %v, want ErrConflict", err)
		}
		if got, _ := s.ConsentLedger(ctx, rej.ID); len(got) != 1 {
			t.Errorf("refused withdrawal wrote to the ledger: %+v", got)
		}
		if _, err := s.Withdraw(ctx, newID(), revokeTask); !errors.Is(err, ErrNotFound) {
			t.Errorf("Withdraw of unknown id: %v, want ErrNotFound", err)
		}
		if _, err := s.DeleteSubmission(ctx, sub.ID, revokeTask); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.ConsentLedger(ctx, sub.ID); len(got) != 0 {
			t.Errorf("ledger outlived its submission: %+v", got)
		}
	})
}

// TestConsentTexts: every version has both languages, and hashes differ.
func TestConsentTexts(t *testing.T) {
	for v := range consentTexts {
		en, ok1 := ConsentText(v, "en")
		es, ok2 := ConsentText(v, "es")
		if !ok1 || !ok2 || len(en) != len(es) || len(en) == 0 {
			t.Errorf("version %s: en %d lines, es %d lines", v, len(en), len(es))
		}
		if ConsentTextSHA256(v, "en") == ConsentTextSHA256(v, "es") {
			t.Errorf("version %s: same hash for both languages", v)
		}
	}
	if _, ok := ConsentText(ConsentVersion, "en"); !ok {
		t.Errorf("current version %s has no text", ConsentVersion)
	}
}
