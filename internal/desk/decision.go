package desk

import (
	"context"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/storydesk/storydesk/internal/intake"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
)

// Rule is one decision an editor can take (see docs/statuses.md). The
// desk page shows a button for each rule Available in a piece's status.
type Rule struct {
	Name         string
	From         []store.Status
	To           store.Status
	NeedsMessage bool
	// Final: the decision cannot be undone (its status is final), so the
	// page asks for a confirmation before applying it.
	Final bool
}

// Rules is the decision table, the one place a new desk rule lands.
// Approve and reject also from changes_requested, so an editor can close a
// piece whose submitter never answers (or fix it themselves and approve)
// without waiting for a revision. Requesting changes again on a piece in
// changes_requested is a message, not a decision.
var Rules = []Rule{
	{Name: "approve", From: []store.Status{store.StatusReady, store.StatusChangesRequested}, To: store.StatusApproved},
	{Name: "reject", From: []store.Status{store.StatusReady, store.StatusChangesRequested}, To: store.StatusRejected, Final: true},
	{Name: "request_changes", From: []store.Status{store.StatusReady}, To: store.StatusChangesRequested, NeedsMessage: true},
}

// IsDecision reports whether name is a decision's name.
func IsDecision(name string) bool {
	return slices.ContainsFunc(Rules, func(r Rule) bool { return r.Name == name })
}

// Available returns the decisions that can move a piece in status st.
func Available(st store.Status) []Rule {
	var out []Rule
	for _, r := range Rules {
		if slices.Contains(r.From, st) {
			out = append(out, r)
		}
	}
	return out
}

// Decision is a checked decision: its rule and its trimmed message.
type Decision struct {
	Rule    Rule
	Message string
}

// ParseDecision checks a decision's name and message (invalid text, required
// for request_changes, too long) before anything is loaded.
func ParseDecision(name, message string) (Decision, error) {
	i := -1
	for j := range Rules {
		if Rules[j].Name == name {
			i = j
		}
	}
	if i < 0 {
		return Decision{}, Invalid("decision", "invalid_choice")
	}
	rule := Rules[i]
	if sanitize.CheckText(message) != nil {
		return Decision{}, Invalid("message", "invalid_text")
	}
	msg := strings.TrimSpace(message)
	if rule.NeedsMessage && msg == "" {
		return Decision{}, Invalid("message", "message_required")
	}
	if utf8.RuneCountInString(msg) > intake.MaxMessageRunes {
		return Decision{}, Invalid("message", "too_long")
	}
	return Decision{Rule: rule, Message: msg}, nil
}

// Decide applies an editor's decision on s as one compare-and-set; the
// message, if any, reaches the submitter in the same transaction. A piece
// whose consent is internal may be approved: publishing it is what is
// refused. A status the rule does not move from is a ConflictError naming
// the status the piece has now (another editor may just have moved it).
func (d *Service) Decide(ctx context.Context, u store.User, s store.Submission, dec Decision) (store.Submission, error) {
	r := dec.Rule
	out, err := d.store.Decide(ctx, s.ID, store.Decision{From: r.From, To: r.To,
		ActorID: u.ID, Actor: u.Email, Action: r.Name, Message: dec.Message})
	if errors.Is(err, store.ErrConflict) {
		return store.Submission{}, d.conflict(ctx, s.ID, strings.ReplaceAll(r.Name, "_", " "))
	}
	if err != nil {
		return store.Submission{}, err
	}
	d.log.Info("decision", "submission", s.ID, "user", u.ID, "decision", r.Name, "status", out.Status)
	return out, nil
}

// conflict explains a refused move with the status the submission has now.
func (d *Service) conflict(ctx context.Context, id, verb string) error {
	s, err := d.store.Submission(ctx, id)
	if err != nil {
		return err
	}
	return conflictf("cannot %s: status is %s", verb, s.Status)
}
