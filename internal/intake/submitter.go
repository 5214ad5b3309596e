package intake

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/storydesk/storydesk/internal/deletion"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// Reply is what a submitter sends back from the status page: a message, and
// optionally a new version of the piece (Title and Body).
type Reply struct {
	Message     string
	Title, Body string
	// Automatic names the line that stands in for a message the submitter
	// did not write (MessageRevisionSent); Message is then left empty.
	Automatic string
}

// MessageRevisionSent is the automatic message of a revision sent from the
// status page, whose form has no message box.
const MessageRevisionSent = "revision_sent"

// automaticText is what an automatic message says to readers that do not
// know its kind (the desk, the API's body); the submitter's pages show it in
// the reader's language from its kind.
var automaticText = map[string]string{MessageRevisionSent: "I sent a new version of my piece."}

// Revision reports whether the reply carries a new version.
func (r Reply) Revision() bool { return r.Title != "" || r.Body != "" }

// Refusals of a submitter's change; each wraps store.ErrConflict (409).
var (
	// ErrWithdrawn: the submission was withdrawn; nothing more can be sent.
	ErrWithdrawn = fmt.Errorf("intake: the submission was withdrawn: %w", store.ErrConflict)
	// ErrDecided: editors decided on the piece; a new version would reach readers unreviewed.
	ErrDecided = fmt.Errorf("intake: the submission has been decided on: %w", store.ErrConflict)
	// ErrRejected: a rejected submission cannot be withdrawn (it is deleted on schedule).
	ErrRejected = fmt.Errorf("intake: a rejected submission cannot be withdrawn: %w", store.ErrConflict)
)

// revisable are the statuses in which a submitter may still change the
// piece: once approved, a revision would reach readers unreviewed.
var revisable = []store.Status{store.StatusReceived, store.StatusReady, store.StatusChangesRequested}

// Answer records a submitter's reply to the editors, and with a title or
// body a revision (the original is kept); a submission in
// changes_requested goes back to ready. The message, the revision, the move
// and the revision's findings task are stored in one transaction, so a
// failure stores none of them. Unknown and malformed codes return
// ErrUnknownReceipt; a reply to a withdrawn submission, or a revision after
// a decision, an error wrapping store.ErrConflict.
func (s *Service) Answer(ctx context.Context, code string, r Reply) (store.Submission, error) {
	// A browser's text box sends CRLF; stored as LF like the original, so
	// diffs and "nothing changed" compare the text, not the line endings.
	r.Body = sanitize.NormalizeNewlines(r.Body)
	if text, ok := automaticText[r.Automatic]; ok && r.Message == "" {
		r.Message = text
	} else {
		r.Automatic = ""
	}
	if verr := validateReply(&r); verr != nil {
		return store.Submission{}, verr
	}
	v, err := s.Lookup(ctx, code)
	if err != nil {
		return store.Submission{}, err
	}
	id := v.Submission.ID
	if v.Submission.Status == store.StatusWithdrawn {
		return store.Submission{}, ErrWithdrawn
	}
	if r.Revision() && !slices.Contains(revisable, v.Submission.Status) {
		return store.Submission{}, ErrDecided
	}
	reply := store.Reply{Message: r.Message, MessageKind: r.Automatic}
	if r.Revision() {
		rev, err := BuildRevision(s.san, s.san.Line(r.Title), r.Body, store.User{Name: "submitter"})
		if err != nil {
			return store.Submission{}, err
		}
		reply.Revision = &rev
		reply.Edited = store.Event{Actor: "submitter", Action: "edited", Detail: "revision from the submitter"}
		// Checked again under the row lock: an editor may decide meanwhile,
		// and then their decision stands.
		reply.Revisable = revisable
		reply.Next = task.FindingsFollowUp(id)
	}
	sub, tasks, err := s.store.AddReply(ctx, id, reply)
	if errors.Is(err, store.ErrConflict) {
		return store.Submission{}, ErrDecided
	}
	if err != nil {
		return store.Submission{}, wrapUnavailable("store reply", err)
	}
	s.dispatch.AfterCommit(ctx, tasks...)
	s.log.Info("submitter replied", "submission", sub.ID, "revision", r.Revision())
	return sub, nil
}

// Withdraw records that the submitter withdrew consent: from any status but
// rejected (an error wrapping store.ErrConflict), the submission becomes
// withdrawn, is never published or exported, and its files go on the
// retention schedule. Withdrawing twice is not an error.
func (s *Service) Withdraw(ctx context.Context, code string) (store.Submission, error) {
	v, err := s.Lookup(ctx, code)
	if err != nil {
		return store.Submission{}, err
	}
	// Logged first: a restored backup must not bring the piece back as it
	// was. An entry left by a withdrawal that then fails only withdraws,
	// on the next start, what its submitter asked to withdraw.
	if err := deletion.New(s.blob).AppendWithdrawal(ctx, v.Submission.ID, time.Now()); err != nil {
		return store.Submission{}, wrapUnavailable("withdraw", err)
	}
	w, err := s.store.Withdraw(ctx, v.Submission.ID, task.ExportRevoke, task.Unpublish(v.Submission.ID))
	if errors.Is(err, store.ErrConflict) {
		return store.Submission{}, ErrRejected
	}
	if err != nil {
		return store.Submission{}, wrapUnavailable("withdraw", err)
	}
	if w.Changed {
		s.log.Info("submission withdrawn", "submission", w.Submission.ID)
		// The pages and export downloads answer 410 at once (they check
		// the status); the jobs remove the files.
		s.dispatch.AfterCommit(ctx, w.Tasks...)
	}
	return w.Submission, nil
}

// validateReply checks the message and, for a revision, the title and body,
// reporting every problem at once.
func validateReply(r *Reply) *ValidationError {
	r.Message, r.Title = strings.TrimSpace(r.Message), strings.TrimSpace(r.Title)
	e := &ValidationError{}
	for name, v := range map[string]string{"message": r.Message, "title": r.Title, "body": r.Body} {
		if sanitize.CheckText(v) != nil {
			e.add(name, CodeInvalidText)
		}
	}
	if !e.empty() {
		return e
	}
	switch {
	case r.Message == "":
		e.add("message", CodeRequired)
	case utf8.RuneCountInString(r.Message) > MaxMessageRunes:
		e.add("message", CodeTooLong)
	}
	if r.Revision() {
		if code := TitleProblem(r.Title); code != "" {
			e.add("title", code)
		}
		if code := BodyProblem(r.Body); code != "" {
			e.add("body", code)
		}
	}
	if e.empty() {
		return nil
	}
	return e
}
