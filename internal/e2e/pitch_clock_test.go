package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// TestPitchedAtByPlacementClock: a new pitch's exclusivity window opens
// by the placement rules' clock, the one that closes it: with that clock
// set to a day in the past, the pitch's pitched_at is that day (not the
// store's time), the follow-up list sees it due once the clock passes its
// window, and its audit entry is there.
func TestPitchedAtByPlacementClock(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			clock := &fakeClock{}
			past := time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)
			clock.ns.Store(past.UnixNano())
			b := setup(t, options{db: db, placeClock: clock.now})
			staff := b.editorToken("staff@example.org", "staff", "")
			outlet := b.outlet(staff, map[string]any{"name": "The Tribune", "language": "en", "exclusive_days": 3})
			id, _ := b.approvedPiece(fieldsWith("title", "Pitched in the past"))
			code, p := b.deskCall(http.MethodPost, "/api/v1/submissions/"+id+"/pitches", b.token, map[string]any{"outlet_id": outlet})
			if code != http.StatusCreated {
				t.Fatalf("pitch: %d %v", code, p)
			}
			if got, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(p["pitched_at"])); !got.Equal(past) {
				t.Errorf("pitched_at = %v, want the placement clock's %v", p["pitched_at"], past)
			}
			_, list := b.get("/api/v1/submissions/" + id + "/pitches")
			if ps := items(list); len(ps) != 1 || ps[0]["pitched_at"] != p["pitched_at"] || ps[0]["window_ends_at"] != "2025-01-18T10:00:00Z" {
				t.Errorf("stored pitch = %v, want pitched_at %v and its window ending 2025-01-18T10:00:00Z", ps, p["pitched_at"])
			}
			due := func() int {
				t.Helper()
				_, res := b.get("/api/v1/pitches?due=true")
				return len(items(res))
			}
			if n := due(); n != 0 {
				t.Errorf("%d pitches due inside the window, want 0", n)
			}
			clock.add(72 * time.Hour)
			if n := due(); n != 1 {
				t.Errorf("%d pitches due once the clock passed the window, want 1", n)
			}
			var audited int
			if err := b.openDB().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit WHERE action = 'pitch_created' AND target = $1`, id).Scan(&audited); err != nil || audited != 1 {
				t.Errorf("pitch_created audit entries: %d (%v), want 1", audited, err)
			}
		})
	}
}
