package desk

import (
	"context"
	"errors"
	"fmt"

	"github.com/storydesk/storydesk/internal/finding"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
)

// Where the text a pitch sends out comes from (PitchCopy.Source).
const (
	CopyShorter     = "shorter"     // the pitch's own named revision
	CopyTranslation = "translation" // the piece's translation into the pitch's language
	CopyOriginal    = "original"    // the piece's current text
)

// PitchCopy is the text a pitch sends out and how it stands against the
// outlet's word limit.
type PitchCopy struct {
	Source                string // CopyShorter, CopyTranslation or CopyOriginal
	Language              string // the pitch's
	Title, Body, BodyHTML string
	Words, Limit, OverBy  int // OverBy: words over Limit, 0 within it or with no limit
	// Approved: the pitch's language has text the author's consent covers:
	// it is the original's, or its translation is approved. A shorter
	// version is an editor's cut of that text, like an edit of the piece.
	Approved bool
	Named    *store.NamedRevision // the newest named revision, if any
}

// RevisionName is the name of a pitch's shorter versions.
func RevisionName(outlet string) string { return "for " + outlet }

// Copy works out the text pitch p of piece s sends out: its newest named
// revision, else the approved translation into its language, else the
// piece's current text.
func (d *Service) Copy(ctx context.Context, p store.Pitch, s store.Submission) (PitchCopy, error) {
	c := PitchCopy{Source: CopyOriginal, Language: p.Language, Title: s.Title, Body: s.Body, BodyHTML: s.BodyHTML,
		Limit: p.Outlet.WordLimit, Approved: p.Language == s.Language}
	if !c.Approved {
		t, err := d.store.Translation(ctx, s.ID, p.Language)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return c, err
		}
		if err == nil && t.Status == store.TranslationApproved {
			c.Source, c.Title, c.Body, c.BodyHTML, c.Approved = CopyTranslation, t.Title, t.Body, t.BodyHTML, true
		}
	}
	revs, err := d.store.PitchRevisions(ctx, p.ID)
	if err != nil {
		return c, err
	}
	if n := len(revs); n > 0 {
		r := revs[n-1]
		c.Source, c.Title, c.Body, c.BodyHTML, c.Named = CopyShorter, r.Title, r.Body, r.BodyHTML, &r
	}
	c.Words = finding.WordCount(sanitize.Text(c.BodyHTML))
	if c.Limit > 0 && c.Words > c.Limit {
		c.OverBy = c.Words - c.Limit
	}
	return c, nil
}

// Sendable says why pitch p of piece s cannot go out as the package c,
// or nil: a withdrawn or internal-only piece never goes out, nor one no
// longer approved or published, nor a withdrawn pitch; the text must be
// approved in the outlet's language and within its word limit.
func Sendable(p store.Pitch, s store.Submission, c PitchCopy) error {
	refuse := func(code, format string, args ...any) error {
		return &ConflictError{Msg: fmt.Sprintf(format, args...), Code: code}
	}
	switch {
	case s.Status == store.StatusWithdrawn:
		return refuse("withdrawn", "the author withdrew consent: this piece is never sent to an outlet")
	case s.ConsentPublish == "internal":
		return refuse("internal", "the author's consent is internal only: this piece may not be sent to an outlet")
	case s.Status != store.StatusApproved && s.Status != store.StatusPublished:
		return refuse("not_approved", "the piece is %s: only an approved or published piece is sent to an outlet", s.Status)
	case p.Status == store.PitchWithdrawn:
		return refuse("pitch_withdrawn", "the pitch to %s is withdrawn", p.Outlet.Name)
	case !c.Approved:
		return refuse("no_approved_text", "the piece has no approved text in %s, the language of the pitch to %s: approve a translation into %s first",
			p.Language, p.Outlet.Name, p.Language)
	case c.OverBy > 0:
		err := refuse("over_limit", "body has %d words, %d over the limit of %d words of %s: write a shorter version for this pitch",
			c.Words, c.OverBy, c.Limit, p.Outlet.Name).(*ConflictError)
		err.Field, err.Problem = "body", fmt.Sprintf("is %d words over the outlet's limit of %d", c.OverBy, c.Limit)
		return err
	}
	return nil
}

// PitchText records u's shorter version of pitch id's piece, in the
// pitch's language, as a named revision ("for <outlet>") that the pitch's
// package sends; the piece's current text stays as it is. The title and
// body are checked and rendered like any edit of the piece (checkPiece,
// build). visible refuses a pitch u may not see (its error is returned).
// changed is false when the text is the newest version's, and nothing is
// added.
func (d *Service) PitchText(ctx context.Context, u store.User, id, title, body string, visible func(store.Pitch) error) (rev store.NamedRevision, changed bool, err error) {
	p, err := d.store.Pitch(ctx, id)
	if err != nil {
		return rev, false, err
	}
	if err := visible(p); err != nil {
		return rev, false, err
	}
	title, body, err = d.checkPiece(title, body)
	if err != nil {
		return rev, false, err
	}
	revs, err := d.store.PitchRevisions(ctx, id)
	if err != nil {
		return rev, false, err
	}
	if n := len(revs); n > 0 && revs[n-1].Title == title && revs[n-1].Body == body {
		return revs[n-1], false, nil
	}
	built, err := d.build(u, title, body)
	if err != nil {
		return rev, false, err
	}
	words := finding.WordCount(sanitize.Text(built.BodyHTML))
	rev, err = d.store.RevisePitch(ctx, id, words, func(cur store.Pitch) (store.NamedRevision, error) {
		switch {
		case cur.Piece.Status == store.StatusWithdrawn:
			return rev, conflictf("cannot write a version for %s: the author withdrew consent", cur.Outlet.Name)
		case cur.Status == store.PitchWithdrawn:
			return rev, conflictf("cannot write a version for %s: the pitch is withdrawn", cur.Outlet.Name)
		}
		return store.NamedRevision{Revision: built, Name: RevisionName(cur.Outlet.Name)}, nil
	}, store.Event{ActorID: u.ID, Actor: u.Email, Action: "pitch_text", Detail: RevisionName(p.Outlet.Name) + " (" + p.Language + ")"})
	return rev, err == nil, err
}
