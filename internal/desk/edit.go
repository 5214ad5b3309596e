package desk

import (
	"context"
	"errors"

	"github.com/storydesk/storydesk/internal/intake"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// Edit records an editor's new version of s's title and body. The title is
// sanitized as a short field and the body bounded and rendered by the same
// builder as a submitter's revision (intake.BuildRevision); revision 1, the
// submitter's original, is never touched. changed is false when the text is
// the current one, and no revision is added.
func (d *Service) Edit(ctx context.Context, u store.User, s store.Submission, title, body string) (rev store.Revision, changed bool, err error) {
	title, body, err = d.checkPiece(title, body)
	if err != nil {
		return rev, false, err
	}
	// A withdrawn piece's consent is gone: editors stop working on it.
	if s.Status == store.StatusWithdrawn {
		return rev, false, conflictf("cannot edit: status is withdrawn")
	}
	if title == s.Title && body == s.Body {
		return store.Revision{Title: title, Body: body, BodyHTML: s.BodyHTML}, false, nil
	}
	rev, err = d.build(u, title, body)
	if err != nil {
		return store.Revision{}, false, err
	}
	// The findings re-check goes to the outbox with the revision, so it
	// cannot be lost; until it has run the page re-checks the new text
	// itself.
	rev, tasks, err := d.store.Revise(ctx, s.ID, rev,
		store.Event{ActorID: u.ID, Actor: u.Email, Action: "edited"}, task.FindingsFollowUp(s.ID))
	if err != nil {
		return rev, false, err
	}
	d.dispatch.AfterCommit(ctx, tasks...)
	return rev, true, nil
}

// checkPiece checks and cleans a title and body for a piece or one of its
// translations: the title sanitized as a short field, the body's newlines
// normalized, both within the form's limits.
func (d *Service) checkPiece(title, body string) (string, string, error) {
	if sanitize.CheckText(title) != nil {
		return "", "", Invalid("title", "invalid_text")
	}
	title = d.san.Line(title)
	if code := intake.TitleProblem(title); code != "" {
		return "", "", Invalid("title", code)
	}
	if sanitize.CheckText(body) != nil {
		return "", "", Invalid("body", "invalid_text")
	}
	body = sanitize.NormalizeNewlines(body)
	if code := intake.BodyProblem(body); code != "" {
		return "", "", Invalid("body", code)
	}
	return title, body, nil
}

// build renders a checked title and body into a revision by u, with the
// same policy and budget as the submitter's text (intake.BuildRevision).
func (d *Service) build(u store.User, title, body string) (store.Revision, error) {
	rev, err := intake.BuildRevision(d.san, title, body, u)
	var ve *intake.ValidationError
	if errors.Is(err, sanitize.ErrTooComplex) || errors.As(err, &ve) {
		return store.Revision{}, Invalid("body", "too_complex")
	}
	return rev, err
}
