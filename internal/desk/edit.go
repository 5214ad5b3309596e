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
	if sanitize.CheckText(title) != nil {
		return rev, false, Invalid("title", "invalid_text")
	}
	title = d.san.Line(title)
	if code := intake.TitleProblem(title); code != "" {
		return rev, false, Invalid("title", code)
	}
	if sanitize.CheckText(body) != nil {
		return rev, false, Invalid("body", "invalid_text")
	}
	body = sanitize.NormalizeNewlines(body)
	if code := intake.BodyProblem(body); code != "" {
		return rev, false, Invalid("body", code)
	}
	// A withdrawn piece's consent is gone: editors stop working on it.
	if s.Status == store.StatusWithdrawn {
		return rev, false, conflictf("cannot edit: status is withdrawn")
	}
	if title == s.Title && body == s.Body {
		return store.Revision{Title: title, Body: body, BodyHTML: s.BodyHTML}, false, nil
	}
	rev, err = intake.BuildRevision(d.san, title, body, u)
	var ve *intake.ValidationError
	if errors.Is(err, sanitize.ErrTooComplex) || errors.As(err, &ve) {
		return store.Revision{}, false, Invalid("body", "too_complex")
	}
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
