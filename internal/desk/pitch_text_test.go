package desk

import (
	"errors"
	"strings"
	"testing"

	"github.com/storydesk/storydesk/internal/store"
)

// TestSendable: a package goes out only for an approved or published
// piece with consent to publish, on a pitch not withdrawn, in approved
// text within the outlet's limit; an over-limit refusal names the body
// and says by how many words.
func TestSendable(t *testing.T) {
	p := store.Pitch{Language: "es", Status: store.PitchAccepted, Outlet: store.Outlet{Name: "El Diario", WordLimit: 700}}
	s := store.Submission{Status: store.StatusPublished, ConsentPublish: "pseudonym"}
	c := PitchCopy{Approved: true, Words: 700, Limit: 700}
	for _, tt := range []struct {
		name        string
		change      func(*store.Pitch, *store.Submission, *PitchCopy)
		code, field string
		says        string
	}{
		{"at the limit", func(*store.Pitch, *store.Submission, *PitchCopy) {}, "", "", ""},
		{"no limit", func(_ *store.Pitch, _ *store.Submission, c *PitchCopy) { c.Limit, c.Words = 0, 5000 }, "", "", ""},
		{"over the limit", func(_ *store.Pitch, _ *store.Submission, c *PitchCopy) { c.Words, c.OverBy = 812, 112 }, "over_limit", "body", "812 words, 112 over the limit of 700"},
		{"no approved text", func(_ *store.Pitch, _ *store.Submission, c *PitchCopy) { c.Approved = false }, "no_approved_text", "", "no approved text in es"},
		{"withdrawn consent", func(_ *store.Pitch, s *store.Submission, _ *PitchCopy) { s.Status = store.StatusWithdrawn }, "withdrawn", "", "withdrew consent"},
		{"internal consent", func(_ *store.Pitch, s *store.Submission, _ *PitchCopy) { s.ConsentPublish = "internal" }, "internal", "", "internal only"},
		{"back in review", func(_ *store.Pitch, s *store.Submission, _ *PitchCopy) { s.Status = store.StatusReady }, "not_approved", "", "the piece is ready"},
		{"withdrawn pitch", func(p *store.Pitch, _ *store.Submission, _ *PitchCopy) { p.Status = store.PitchWithdrawn }, "pitch_withdrawn", "", "El Diario is withdrawn"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, s, c := p, s, c
			tt.change(&p, &s, &c)
			err := Sendable(p, s, c)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("Sendable = %v, want nil", err)
				}
				return
			}
			var ce *ConflictError
			if !errors.As(err, &ce) || ce.Code != tt.code || ce.Field != tt.field || !strings.Contains(ce.Msg, tt.says) || !errors.Is(err, store.ErrConflict) {
				t.Fatalf("Sendable = %#v, want code %s, field %q, saying %q", err, tt.code, tt.field, tt.says)
			}
		})
	}
}
