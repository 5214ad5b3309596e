package server

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/store"
)

// decisionButton is one decision the page offers, straight from
// desk.Available: a new rule in desk.Rules gets its button (labelled by
// desk.decide.NAME in the locales) without a change here.
type decisionButton struct {
	Name    string
	Style   string // primary | secondary | danger: desk.css gives each its look and icon
	Confirm bool   // the decision cannot be undone: ask first
}

// decisionButtons are the decisions open to a piece in status st. A final
// decision looks dangerous, one that needs a message is secondary, and the
// others (moving the piece on) are primary.
func decisionButtons(st store.Status) []decisionButton {
	var out []decisionButton
	for _, r := range desk.Available(st) {
		b := decisionButton{Name: r.Name, Style: "primary", Confirm: r.Final}
		switch {
		case r.Final:
			b.Style = "danger"
		case r.NeedsMessage:
			b.Style = "secondary"
		}
		out = append(out, b)
	}
	return out
}

// afterDecision fills in, on the page a decision redirected to, the next
// piece to read: editors go through the queue one piece after another.
func (h *deskSubmission) afterDecision(c *gin.Context, s store.Submission, v *deskView, notice string) error {
	name, ok := strings.CutPrefix(notice, "desk_")
	if !ok || !desk.IsDecision(name) {
		return nil
	}
	v.Decided = true
	next, err := h.nextPiece(c, s)
	v.Next = next
	return err
}

// nextPiece is the piece after s in the queue's own order (what waits for
// editors, newest first, the editor's site only), or "" when none comes
// after it: the page then leads back to the queue. s itself has just left
// the queue, so "after" is by its place in that order.
func (h *deskSubmission) nextPiece(c *gin.Context, s store.Submission) (string, error) {
	u := currentUser(c)
	qp, err := h.store.Queue(c.Request.Context(), store.Filter{Status: []store.Status{store.StatusReady},
		Site: u.Site, Page: 1, PerPage: store.MaxPerPage})
	if err != nil {
		return "", err
	}
	for _, it := range qp.Items {
		if it.ID == s.ID {
			continue
		}
		if it.CreatedAt.Before(s.CreatedAt) || it.CreatedAt.Equal(s.CreatedAt) && it.ID < s.ID {
			return pieceURL(it.ID), nil
		}
	}
	return "", nil
}
