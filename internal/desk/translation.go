package desk

import (
	"context"
	"errors"
	"slices"

	"github.com/storydesk/storydesk/internal/intake"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// Languages a piece can be translated into (the form's languages).
var Languages = []string{"en", "es"}

// CreateTranslation starts u's translation of s into lang, in draft with
// its first revision. The language must be one of Languages and not the
// original's; a piece has one translation per language.
func (d *Service) CreateTranslation(ctx context.Context, u store.User, s store.Submission, lang, title, body string) (store.Translation, error) {
	if !slices.Contains(Languages, lang) {
		return store.Translation{}, Invalid("language", "invalid_language")
	}
	title, body, err := d.checkPiece(title, body)
	if err != nil {
		return store.Translation{}, err
	}
	if err := translatable(s); err != nil {
		return store.Translation{}, err
	}
	if lang == s.Language {
		return store.Translation{}, conflictf("the piece is already in %s: that is its original language", lang)
	}
	rev, err := d.build(u, title, body)
	if err != nil {
		return store.Translation{}, err
	}
	// The findings check goes to the outbox with the revision, as for an
	// editor's edit of the original; until it has run the page checks the
	// text itself.
	t, tasks, err := d.store.CreateTranslation(ctx, store.Translation{SubmissionID: s.ID, Language: lang}, rev,
		store.Event{ActorID: u.ID, Actor: u.Email, Action: "translation_created", Detail: lang},
		task.TranslationFindingsFollowUp(s.ID, lang))
	if errors.Is(err, store.ErrConflict) {
		return store.Translation{}, conflictf("the piece already has a translation into %s", lang)
	}
	if err != nil {
		return store.Translation{}, err
	}
	d.dispatch.AfterCommit(ctx, tasks...)
	return t, nil
}

// EditTranslation records u's new version of s's translation into lang.
// Whatever its status, the edited translation goes back to draft and loses
// any approval: the author approves words, so new words need a new
// approval. changed is false when the text is the current one.
func (d *Service) EditTranslation(ctx context.Context, u store.User, s store.Submission, lang, title, body string) (t store.Translation, changed bool, err error) {
	title, body, err = d.checkPiece(title, body)
	if err != nil {
		return t, false, err
	}
	if err := translatable(s); err != nil {
		return t, false, err
	}
	t, err = d.store.Translation(ctx, s.ID, lang)
	if err != nil {
		return t, false, err
	}
	if t.Title == title && t.Body == body {
		return t, false, nil
	}
	rev, err := d.build(u, title, body)
	if err != nil {
		return store.Translation{}, false, err
	}
	t, tasks, err := d.store.ReviseTranslation(ctx, s.ID, lang, rev,
		store.Event{ActorID: u.ID, Actor: u.Email, Action: "translation_edited", Detail: lang},
		task.TranslationFindingsFollowUp(s.ID, lang))
	if err != nil {
		return store.Translation{}, false, err
	}
	d.dispatch.AfterCommit(ctx, tasks...)
	return t, true, nil
}

// SendTranslation asks the author to approve s's translation into lang: a
// draft becomes awaiting_author. A translation the author asked changes to
// is edited (back to draft) before it is sent again.
func (d *Service) SendTranslation(ctx context.Context, u store.User, s store.Submission, lang string) (store.Translation, error) {
	return d.moveTranslation(ctx, s, lang, store.TranslationMove{
		From: []store.TranslationStatus{store.TranslationDraft}, To: store.TranslationAwaitingAuthor,
		Event: store.Event{ActorID: u.ID, Actor: u.Email, Action: "translation_sent", Detail: lang},
	})
}

// ApproveTranslation is an editor approving s's translation into lang in
// the author's stead, which needs a reason; the record names the editor.
// A translation the author asked changes to, or already approved, is
// refused.
func (d *Service) ApproveTranslation(ctx context.Context, u store.User, s store.Submission, lang, reason string) (store.Translation, error) {
	reason, err := CheckText("reason", reason, intake.MaxMessageRunes)
	var fe *FieldError
	if errors.As(err, &fe) && fe.Code == "required" {
		return store.Translation{}, Invalid("reason", "reason_required")
	}
	if err != nil {
		return store.Translation{}, err
	}
	return d.moveTranslation(ctx, s, lang, store.TranslationMove{
		From: []store.TranslationStatus{store.TranslationDraft, store.TranslationAwaitingAuthor}, To: store.TranslationApproved,
		ApprovedBy: u.ID, ApprovalReason: reason,
		Event:       store.Event{ActorID: u.ID, Actor: u.Email, Action: "translation_approved", Detail: lang + ": approved by an editor"},
		IfPublished: []store.OutboxTask{task.WebhookLanguage(s.ID, lang)},
	})
}

// moveTranslation applies m to s's translation into lang and returns it as
// it now is; a status m does not move from is a 409 naming that status.
func (d *Service) moveTranslation(ctx context.Context, s store.Submission, lang string, m store.TranslationMove) (store.Translation, error) {
	if err := translatable(s); err != nil {
		return store.Translation{}, err
	}
	tasks, err := d.store.MoveTranslation(ctx, s.ID, lang, m)
	if errors.Is(err, store.ErrConflict) {
		cur, cerr := d.store.Translation(ctx, s.ID, lang)
		if cerr != nil {
			return store.Translation{}, cerr
		}
		return store.Translation{}, conflictf("cannot move the %s translation to %s: its status is %s", lang, m.To, cur.Status)
	}
	if err != nil {
		return store.Translation{}, err
	}
	d.dispatch.AfterCommit(ctx, tasks...)
	return d.store.Translation(ctx, s.ID, lang)
}

// translatable refuses work on a withdrawn piece: its consent is gone, and
// its translations with it.
func translatable(s store.Submission) error {
	if s.Status == store.StatusWithdrawn {
		return conflictf("cannot change a translation: the piece was withdrawn")
	}
	return nil
}
