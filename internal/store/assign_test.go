package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestAssign(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		ids := seedQueue(t, s, searchSeeds)
		ana, err := s.CreateUser(ctx, User{Email: "ana@example.org", Name: "Ana", Role: "editor"})
		if err != nil {
			t.Fatal(err)
		}
		ben, err := s.CreateUser(ctx, User{Email: "ben@example.org", Name: "Ben", Role: "editor", Site: "Austin"})
		if err != nil {
			t.Fatal(err)
		}
		id := ids["Our garden"]
		if _, err := s.Assignment(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Fatalf("before: %v", err)
		}
		nobody := ""
		if prev, changed, err := s.Assign(ctx, id, AssignRequest{UserID: ana.ID, By: ana, Expect: &nobody}); err != nil || !changed || prev != "" {
			t.Fatalf("claim: %q %v %v", prev, changed, err)
		}
		if _, changed, err := s.Assign(ctx, id, AssignRequest{UserID: ana.ID, By: ana}); err != nil || changed {
			t.Errorf("claim again: %v %v", changed, err)
		}
		// Ben saw it unclaimed; Ana was faster.
		if _, _, err := s.Assign(ctx, id, AssignRequest{UserID: ben.ID, By: ben, Expect: &nobody}); !errors.Is(err, ErrConflict) {
			t.Errorf("stale claim: %v", err)
		}
		a, err := s.Assignment(ctx, id)
		if err != nil || a.UserID != ana.ID || a.Name != "Ana" || a.Email != "ana@example.org" || a.AssignedBy != ana.ID {
			t.Errorf("assignment: %+v %v", a, err)
		}
		if prev, changed, err := s.Assign(ctx, id, AssignRequest{UserID: ben.ID, By: ana}); err != nil || !changed || prev != ana.ID {
			t.Errorf("assign to ben: %q %v %v", prev, changed, err)
		}
		mine, err := s.Queue(ctx, Filter{Assignee: ben.ID})
		if err != nil || len(mine.Items) != 1 || mine.Items[0].AssigneeName != "Ben" || mine.Items[0].AssigneeEmail != "ben@example.org" {
			t.Errorf("assigned to ben: %+v %v", mine.Items, err)
		}
		if free, _ := s.Queue(ctx, Filter{Assignee: AssigneeNone}); free.Total != 4 {
			t.Errorf("unassigned: %d, want 4", free.Total)
		}
		evs, err := s.Events(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var details []string
		for _, e := range evs {
			if e.Action == "assigned" {
				details = append(details, e.Actor+": "+e.Detail)
			}
		}
		if len(details) != 2 || details[0] != "ana@example.org: claimed" || details[1] != "ana@example.org: assigned to "+ben.ID {
			t.Errorf("events: %q", details)
		}
		if _, changed, err := s.Assign(ctx, id, AssignRequest{By: ben}); err != nil || !changed {
			t.Errorf("unassign: %v %v", changed, err)
		}
		if _, err := s.Assignment(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("after unassign: %v", err)
		}
		if _, _, err := s.Assign(ctx, "no-such-id", AssignRequest{UserID: ana.ID, By: ana}); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown submission: %v", err)
		}
		// A rejected piece is settled: nobody is put on it, nobody taken off.
		other := ids["Court day"]
		if _, _, err := s.Assign(ctx, other, AssignRequest{UserID: ana.ID, By: ana}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Transition(ctx, other, []Status{StatusReady}, StatusRejected, Event{Actor: "ana", Action: "status"}); err != nil {
			t.Fatal(err)
		}
		for _, to := range []string{ben.ID, ""} {
			if _, _, err := s.Assign(ctx, other, AssignRequest{UserID: to, By: ana}); !errors.Is(err, ErrConflict) {
				t.Errorf("final status, assign %q: %v", to, err)
			}
		}
		// Deleting the submission takes its assignment with it.
		if _, err := s.DeleteSubmission(ctx, other, revokeTask); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, s, "assignments"); n != 0 {
			t.Errorf("%d assignments left", n)
		}
		users, err := s.Assignees(ctx, "editor")
		if err != nil || len(users) != 2 || users[0].Name != "Ana" || users[1].Name != "Ben" {
			t.Errorf("assignees: %+v %v", users, err)
		}
	})
}

func TestVisitQueue(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		seedQueue(t, s, searchSeeds) // created 2025-06-01 00:00 to 00:04
		u, err := s.CreateUser(ctx, User{Email: "v@example.org", Role: "editor"})
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2025, 6, 1, 0, 2, 30, 0, time.UTC)
		gap := 30 * time.Minute
		visits := []struct {
			at   time.Time
			want time.Time
		}{
			{t0, time.Time{}},                            // first visit ever
			{t0.Add(time.Minute), time.Time{}},           // same visit: baseline unchanged
			{t0.Add(2 * time.Hour), t0.Add(time.Minute)}, // a new visit: counts from the end of the last
			{t0.Add(2*time.Hour + time.Minute), t0.Add(time.Minute)},
		}
		for i, v := range visits {
			got, err := s.VisitQueue(ctx, u.ID, v.at, gap)
			if err != nil || !got.Equal(v.want) {
				t.Errorf("visit %d: %v %v, want %v", i, got, err, v.want)
			}
		}
		if n, err := s.CountNewSince(ctx, t0, ""); err != nil || n != 2 {
			t.Errorf("new since: %d %v, want 2", n, err)
		}
		if n, err := s.CountNewSince(ctx, t0, "el paso"); err != nil || n != 1 {
			t.Errorf("new since in el paso: %d %v, want 1", n, err)
		}
	})
}
