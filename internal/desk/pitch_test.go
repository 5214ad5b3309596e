package desk

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/store"
)

// TestCheckPitchExclusivity walks a fake clock through outlet A's
// three-day window: a pitch in the same language elsewhere is refused,
// naming A and the day the window ends, until that moment; another
// language, or a pitch A declined, never blocks.
func TestCheckPitchExclusivity(t *testing.T) {
	start := time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC)
	a := store.Outlet{ID: "a", Name: "Outlet A", Language: "en", ExclusiveDays: 3, TakesOpEds: true}
	b := store.Outlet{ID: "b", Name: "Outlet B", Language: "en", TakesOpEds: true}
	sub := store.Submission{Kind: "oped", Status: store.StatusApproved, ConsentPublish: "name", BodyHTML: "<p>We came in 2015.</p><p>Our kids don't sleep.</p>"}
	held := store.Pitch{OutletID: a.ID, Outlet: a, Language: "en", Status: store.PitchPitched, PitchedAt: start}
	for _, tt := range []struct {
		name   string
		at     time.Time
		other  store.Pitch
		lang   string
		refuse string // part of the 409's message, "" when allowed
	}{
		{"inside the window", start.Add(47 * time.Hour), held, "", "Outlet A in en until 2026-03-04"},
		{"a second before it ends", start.Add(72*time.Hour - time.Second), held, "en", "until 2026-03-04"},
		{"once it has ended", start.Add(72 * time.Hour), held, "", ""},
		{"accepted holds too", start.Add(time.Hour), func() store.Pitch { p := held; p.Status = store.PitchAccepted; return p }(), "", "Outlet A"},
		{"declined frees the piece", start.Add(time.Hour), func() store.Pitch { p := held; p.Status = store.PitchDeclined; return p }(), "", ""},
		{"another language", start.Add(time.Hour), held, "es", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := CheckPitch(tt.at, sub, b, tt.lang, []store.Pitch{tt.other})
			if tt.refuse == "" {
				if err != nil || p.Status != store.PitchPitched || p.WordCount != 8 {
					t.Fatalf("CheckPitch = %+v %v, want a pitch", p, err)
				}
				return
			}
			var ce *ConflictError
			if !errors.As(err, &ce) || !strings.Contains(ce.Msg, tt.refuse) {
				t.Fatalf("CheckPitch = %v, want a conflict naming %q", err, tt.refuse)
			}
		})
	}
}

func TestCheckPitchPiece(t *testing.T) {
	o := store.Outlet{ID: "o", Name: "Letters Only", Language: "es", TakesLetters: true, TakesOpEds: true}
	ok := store.Submission{Kind: "oped", Status: store.StatusPublished, ConsentPublish: "anonymous"}
	for _, tt := range []struct {
		name   string
		change func(*store.Submission)
		refuse string
	}{
		{"published op-ed", func(*store.Submission) {}, ""},
		{"not approved", func(s *store.Submission) { s.Status = store.StatusReady }, "approved or published"},
		{"internal consent", func(s *store.Submission) { s.ConsentPublish = "internal" }, "internal"},
		{"a kind the outlet does not take", func(s *store.Submission) { s.Kind = "story" }, "does not take"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sub := ok
			tt.change(&sub)
			p, err := CheckPitch(time.Now(), sub, o, "", nil)
			if tt.refuse == "" {
				if err != nil || p.Language != "es" {
					t.Fatalf("CheckPitch = %+v %v, want a pitch in the outlet's language", p, err)
				}
				return
			}
			if !errors.Is(err, store.ErrConflict) || !strings.Contains(err.Error(), tt.refuse) {
				t.Fatalf("CheckPitch = %v, want a conflict with %q", err, tt.refuse)
			}
		})
	}
}

func TestApplyPitch(t *testing.T) {
	now := time.Date(2026, 5, 6, 23, 30, 0, 0, time.UTC)
	str := func(s string) *string { return &s }
	pitched := store.Pitch{Status: store.PitchPitched}
	for _, tt := range []struct {
		name     string
		cur      store.Pitch
		c        PitchChange
		field    string // the 400's field
		conflict bool
		want     store.Pitch
	}{
		{"accepted", pitched, PitchChange{Status: str("accepted")}, "", false, store.Pitch{Status: store.PitchAccepted}},
		{"published today", pitched, PitchChange{Status: str("published"), PublishedURL: str("https://news.example/a")}, "", false,
			store.Pitch{Status: store.PitchPublished, PublishedURL: "https://news.example/a", PublishedOn: "2026-05-06"}},
		{"published without a URL", pitched, PitchChange{Status: str("published")}, "published_url", false, store.Pitch{}},
		{"published with a javascript URL", pitched, PitchChange{Status: str("published"), PublishedURL: str("javascript:alert(1)")}, "published_url", false, store.Pitch{}},
		{"a bad date", pitched, PitchChange{PublishedOn: str("6 May")}, "published_on", false, store.Pitch{}},
		{"an unknown status", pitched, PitchChange{Status: str("lost")}, "status", false, store.Pitch{}},
		{"a withdrawn piece cannot be accepted", store.Pitch{Status: store.PitchPitched, Piece: store.PitchPiece{Status: store.StatusWithdrawn}},
			PitchChange{Status: str("accepted")}, "", true, store.Pitch{}},
		{"declined is over", store.Pitch{Status: store.PitchDeclined}, PitchChange{Status: str("accepted")}, "", true, store.Pitch{}},
		{"a note on a declined pitch", store.Pitch{Status: store.PitchDeclined}, PitchChange{Status: str("declined"), Note: str(" next year ")}, "", false,
			store.Pitch{Status: store.PitchDeclined, Note: "next year"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ApplyPitch(now, tt.cur, tt.c)
			var fe *FieldError
			switch {
			case tt.field != "":
				if !errors.As(err, &fe) || fe.Field != tt.field {
					t.Fatalf("ApplyPitch = %v, want a field error on %s", err, tt.field)
				}
			case tt.conflict:
				if !errors.Is(err, store.ErrConflict) {
					t.Fatalf("ApplyPitch = %v, want a conflict", err)
				}
			case err != nil || got != tt.want:
				t.Fatalf("ApplyPitch = %+v %v, want %+v", got, err, tt.want)
			}
		})
	}
}
