package store

import (
	"context"
	"testing"
	"time"
)

// TestPlacementWritesAudited: an outlet's and a pitch's writes and their
// audit entries commit together, at one time: when the audit entry cannot
// be written, the outlet, the pitch or its change is not stored either.
// A pitch keeps the PitchedAt its check gives (the placement rules' clock).
func TestPlacementWritesAudited(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		// An entry whose id is taken cannot be written: the audit write fails.
		if err := s.Audit(ctx, AuditEntry{ID: "taken", Actor: "system", Action: "seed"}); err != nil {
			t.Fatal(err)
		}
		failing := AuditEntry{ID: "taken", Actor: "staff@example.org", Action: "x"}
		entry := func(action, target string) AuditEntry {
			return AuditEntry{Actor: "staff@example.org", Action: action, Target: target, Detail: action}
		}
		audited := func(action, target string) []AuditEntry {
			t.Helper()
			all, err := s.AuditLog(ctx, target, 100)
			if err != nil {
				t.Fatal(err)
			}
			var out []AuditEntry
			for _, e := range all {
				if e.Action == action {
					out = append(out, e)
				}
			}
			return out
		}

		if _, err := s.CreateOutlet(ctx, Outlet{Name: "Unaudited", Language: "en"}, func(Outlet) AuditEntry { return failing }); err == nil {
			t.Error("CreateOutlet with a failing audit: no error")
		}
		if n := countRows(t, s, "outlets"); n != 0 {
			t.Errorf("%d outlets stored without their audit entry, want 0", n)
		}
		o, err := s.CreateOutlet(ctx, Outlet{Name: "The Tribune", Language: "en", ExclusiveDays: 3, TakesOpEds: true, TakesStories: true},
			func(o Outlet) AuditEntry { return entry("outlet_created", o.ID) })
		if err != nil {
			t.Fatal(err)
		}
		if got := audited("outlet_created", o.ID); len(got) != 1 || !got[0].At.Equal(o.CreatedAt.Truncate(time.Microsecond)) {
			t.Errorf("outlet_created entries = %+v, want one at the outlet's creation %v", got, o.CreatedAt)
		}
		renamed := o
		renamed.Name = "The Daily Tribune"
		if _, err := s.UpdateOutlet(ctx, renamed, func(Outlet) AuditEntry { return failing }); err == nil {
			t.Error("UpdateOutlet with a failing audit: no error")
		}
		if got, _ := s.Outlet(ctx, o.ID); got.Name != "The Tribune" {
			t.Errorf("outlet renamed to %q without its audit entry", got.Name)
		}

		sub := approve(t, s, "Audited pitch")
		past := time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)
		check := func(sub Submission, _ Outlet, _ []Pitch) (Pitch, error) {
			return Pitch{Language: "en", Status: PitchPitched, CreatedBy: "staff@example.org", PitchedAt: past}, nil
		}
		if _, err := s.CreatePitch(ctx, sub.ID, o.ID, check, func(Pitch) AuditEntry { return failing }); err == nil {
			t.Error("CreatePitch with a failing audit: no error")
		}
		if n := countRows(t, s, "pitches"); n != 0 {
			t.Errorf("%d pitches stored without their audit entry, want 0", n)
		}
		p, err := s.CreatePitch(ctx, sub.ID, o.ID, check, func(p Pitch) AuditEntry { return entry("pitch_created", p.SubmissionID) })
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.Pitch(ctx, p.ID); err != nil || !got.PitchedAt.Equal(past) {
			t.Errorf("stored pitched_at = %v (%v), want the check's %v", got.PitchedAt, err, past)
		}
		if got := audited("pitch_created", sub.ID); len(got) != 1 {
			t.Errorf("pitch_created entries = %+v, want one", got)
		}
		decline := func(cur Pitch) (Pitch, error) { cur.Status = PitchDeclined; return cur, nil }
		if _, err := s.UpdatePitch(ctx, p.ID, decline, func(_, _ Pitch) AuditEntry { return failing }); err == nil {
			t.Error("UpdatePitch with a failing audit: no error")
		}
		if got, _ := s.Pitch(ctx, p.ID); got.Status != PitchPitched {
			t.Errorf("pitch moved to %s without its audit entry", got.Status)
		}
		if _, err := s.UpdatePitch(ctx, p.ID, decline, func(before, after Pitch) AuditEntry {
			return entry("pitch_updated", after.SubmissionID)
		}); err != nil {
			t.Fatal(err)
		}
		if got := audited("pitch_updated", sub.ID); len(got) != 1 {
			t.Errorf("pitch_updated entries = %+v, want one", got)
		}
	})
}
