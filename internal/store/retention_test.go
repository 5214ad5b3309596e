package store

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestRetentionRules checks each rule's selection and that every change is a
// compare-and-set that only one of several concurrent callers makes.
func TestRetentionRules(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		mk := func(title string, to Status, consent string) *Submission {
			sub := newSubmission(title)
			sub.ConsentPublish = consent
			sub.ContactPhone = "+1 512 555 0100"
			create(t, s, sub)
			if to != StatusReceived {
				if _, err := s.Transition(ctx, sub.ID, []Status{StatusReceived}, to, Event{Actor: "system", Action: "status"}); err != nil {
					t.Fatal(err)
				}
			}
			return sub
		}
		rejected := mk("rejected", StatusRejected, "pseudonym")
		withdrawn := mk("withdrawn", StatusWithdrawn, "anonymous")
		ready := mk("ready", StatusReady, "pseudonym")
		approved := mk("approved", StatusApproved, "name")
		pubAnon := mk("published anonymous", StatusPublished, "anonymous")
		pubName := mk("published with name", StatusPublished, "name")

		now := time.Now()
		early := RetentionCutoffs{ContactBefore: now.Add(-time.Hour), ClosedBefore: now.Add(-time.Hour), UnreviewedBefore: now.Add(-time.Hour)}
		w, err := s.RetentionDue(ctx, early)
		if err != nil {
			t.Fatal(err)
		}
		if len(w.Delete) != 0 || len(w.DropContact) != 0 {
			t.Errorf("nothing is old enough yet, got %+v", w)
		}
		if !slices.Equal(w.DropIdentity, []string{pubAnon.ID}) {
			t.Errorf("DropIdentity = %v, want only the anonymous published piece", w.DropIdentity)
		}
		// Not due: the compare-and-set refuses.
		if _, err := s.PurgeSubmission(ctx, rejected.ID, early, revokeTask); !errors.Is(err, ErrNotFound) {
			t.Errorf("PurgeSubmission before its time: %v, want ErrNotFound", err)
		}

		late := RetentionCutoffs{ContactBefore: now.Add(time.Hour), ClosedBefore: now.Add(time.Hour), UnreviewedBefore: now.Add(time.Hour)}
		w, err = s.RetentionDue(ctx, late)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(w.Delete)
		want := []string{rejected.ID, withdrawn.ID, ready.ID}
		slices.Sort(want)
		if !slices.Equal(w.Delete, want) {
			t.Errorf("Delete = %v, want %v", w.Delete, want)
		}
		if len(w.DropContact) != 5 { // all decided ones: rejected, withdrawn, approved and both published
			t.Errorf("DropContact = %v, want 5 ids", w.DropContact)
		}

		// Three workers race on every change: exactly one wins each.
		var mu sync.Mutex
		wins := map[string]int{}
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, id := range w.Delete {
					if _, err := s.PurgeSubmission(ctx, id, late, revokeTask); err == nil {
						mu.Lock()
						wins["delete "+id]++
						mu.Unlock()
					} else if !errors.Is(err, ErrNotFound) {
						t.Errorf("PurgeSubmission: %v", err)
					}
				}
				for _, id := range []string{approved.ID, pubName.ID} {
					if ok, err := s.DropContact(ctx, id, late); err != nil {
						t.Errorf("DropContact: %v", err)
					} else if ok {
						mu.Lock()
						wins["contact "+id]++
						mu.Unlock()
					}
				}
				if ok, err := s.DropIdentity(ctx, pubAnon.ID); err != nil {
					t.Errorf("DropIdentity: %v", err)
				} else if ok {
					mu.Lock()
					wins["identity"]++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		for k, n := range wins {
			if n != 1 {
				t.Errorf("%s made by %d callers, want 1", k, n)
			}
		}
		if len(wins) != 6 {
			t.Errorf("changes made: %v, want 6", wins)
		}
		if got := countRows(t, s, "submissions"); got != 3 {
			t.Errorf("%d submissions left, want 3", got)
		}
		a, _ := s.Submission(ctx, approved.ID)
		if a.ContactPhone != "" || a.ContactEmail != "" || a.AuthorName == "" {
			t.Errorf("approved, name byline: contact %q/%q name %q; want contact gone, name kept", a.ContactEmail, a.ContactPhone, a.AuthorName)
		}
		p, _ := s.Submission(ctx, pubAnon.ID)
		if p.AuthorName != "" || p.ContactPhone != "" || p.ContactEmail != "" {
			t.Errorf("published anonymous piece keeps identity: %+v", p)
		}
		n, _ := s.Submission(ctx, pubName.ID)
		if n.AuthorName == "" {
			t.Error("published with a name byline lost its name")
		}
	})
}
