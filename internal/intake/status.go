package intake

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/storydesk/storydesk/internal/receipt"
	"github.com/storydesk/storydesk/internal/store"
)

// ErrUnknownReceipt means no submission has that receipt code. A malformed
// code and an unknown one are the same answer, so a guess learns nothing.
var ErrUnknownReceipt = errors.New("intake: unknown receipt")

// View is what a submitter may see of their submission.
type View struct {
	Submission store.Submission
	Messages   []store.Message
	// Story is the published piece's path (/stories/SLUG) while it is
	// published; "" otherwise.
	Story string
	// Translations are the piece's translations, for the author to read
	// and approve; none once the piece is withdrawn.
	Translations []store.Translation
	// Placements are the outlets that published the piece, and only those:
	// the author sees where it ran, never the desk's pitching.
	Placements []store.Placement
}

// Lookup finds a submission by its receipt code. Malformed and unknown codes
// both cost one HMAC and one indexed query, so their timing matches.
func (s *Service) Lookup(ctx context.Context, code string) (View, error) {
	c, perr := receipt.Parse(code)
	hash := s.hash.HashString("receipt-miss", code) // never a real receipt hash: another domain
	if perr == nil {
		hash = s.hash.Hash(c)
	}
	sub, err := s.store.SubmissionByReceipt(ctx, hash)
	if errors.Is(err, store.ErrNotFound) || (err == nil && perr != nil) {
		return View{}, ErrUnknownReceipt
	}
	if err != nil {
		return View{}, wrapUnavailable("look up receipt", err)
	}
	msgs, err := s.store.Messages(ctx, sub.ID)
	if err != nil {
		return View{}, fmt.Errorf("intake: messages: %w", err)
	}
	v := View{Submission: sub, Messages: msgs}
	if sub.Status != store.StatusWithdrawn {
		if v.Translations, err = s.store.Translations(ctx, sub.ID); err != nil {
			return View{}, fmt.Errorf("intake: translations: %w", err)
		}
	}
	if v.Placements, err = s.store.PublishedPlacements(ctx, sub.ID); err != nil {
		return View{}, fmt.Errorf("intake: placements: %w", err)
	}
	if sub.Status == store.StatusPublished {
		pub, err := s.store.PublicationOf(ctx, sub.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return View{}, fmt.Errorf("intake: publication: %w", err)
		}
		if pub.Slug != "" {
			v.Story = "/stories/" + url.PathEscape(pub.Slug)
		}
	}
	return v, nil
}
