package server

import (
	"context"
	"fmt"
	"strings"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/store"
)

// placementEntry is the audit entry of a write of the op-ed desk (an
// outlet or a pitch) by u: who did what to which outlet or piece. The
// detail names outlets, statuses and fields, never a word of the piece.
// The store writes it in the write's own transaction.
func placementEntry(u store.User, action, target, detail string) store.AuditEntry {
	return store.AuditEntry{ActorID: u.ID, Actor: u.Email, Action: action, Target: target, Detail: detail}
}

// outletChanges names the fields of an outlet that differ between a and b.
func outletChanges(a, b store.Outlet) string {
	var out []string
	for _, f := range []struct {
		name    string
		changed bool
	}{
		{"name", a.Name != b.Name}, {"language", a.Language != b.Language}, {"word_limit", a.WordLimit != b.WordLimit},
		{"exclusive_days", a.ExclusiveDays != b.ExclusiveDays}, {"contact_email", a.ContactEmail != b.ContactEmail},
		{"notes", a.Notes != b.Notes},
		{"takes", a.TakesStories != b.TakesStories || a.TakesOpEds != b.TakesOpEds || a.TakesLetters != b.TakesLetters},
	} {
		if f.changed {
			out = append(out, f.name)
		}
	}
	if len(out) == 0 {
		return "no change"
	}
	return "changed " + strings.Join(out, ", ")
}

// pitchCreated and pitchUpdated are the audit details of a pitch's writes.
func pitchCreated(p store.Pitch) string {
	return fmt.Sprintf("pitch %s to %s (%s)", p.ID, p.Outlet.Name, p.Language)
}

func pitchUpdated(before store.PitchStatus, p store.Pitch) string {
	return fmt.Sprintf("pitch %s to %s: %s -> %s", p.ID, p.Outlet.Name, before, p.Status)
}

// pitchAudited pitches piece id to outletID for u, audited in the pitch's
// transaction; the API and the piece's page both pitch through it.
func pitchAudited(ctx context.Context, pl *desk.Placement, u store.User, id, outletID, language string) (store.Pitch, error) {
	return pl.Pitch(ctx, id, outletID, language, u.Email, func(p store.Pitch) store.AuditEntry {
		return placementEntry(u, "pitch_created", p.SubmissionID, pitchCreated(p))
	})
}

// updateAudited applies c to pitch id for u, refused by visible, and
// audits the move in the change's transaction.
func updateAudited(ctx context.Context, pl *desk.Placement, u store.User, id string, c desk.PitchChange, visible func(store.Pitch) error) (store.Pitch, error) {
	return pl.Update(ctx, id, c, u.Email, visible, func(before, after store.Pitch) store.AuditEntry {
		return placementEntry(u, "pitch_updated", after.SubmissionID, pitchUpdated(before.Status, after))
	})
}
