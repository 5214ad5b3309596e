package server

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/store"
)

// placementView is the piece page's "Placement" section: where the piece
// may be pitched and how each pitch stands.
type placementView struct {
	CanPitch     bool
	InternalOnly bool
	Words        int
	Outlets      []pitchOutlet
	Pitches      []pitchRow
	Problem      *pitchProblem // a refused pitch form, worded in the page's language
}

// pitchOutlet is one outlet the "Pitch to…" list offers: its word limit
// against the piece and, when the rules would refuse it now, why (another
// outlet's open exclusivity window, with the day it ends).
type pitchOutlet struct {
	ID, Name, Language string
	WordLimit, OverBy  int
	Refusal            *pitchProblem
}

// pitchRow is one pitch as the section lists it, with the steps it may
// take next.
type pitchRow struct {
	store.Pitch
	OverBy     int
	WindowEnds time.Time
	Moves      []store.PitchStatus
}

// pitchProblem is a refusal the page words: Key is its message
// ("pitch.exclusive", "pitch.invalid.published_url"), quoting Outlet and
// Until; Pitch is the pitch whose form was refused ("" for a new pitch).
type pitchProblem struct {
	Key, Outlet, Pitch string
	Until              time.Time
}

// problemOf is the page's wording of a refused pitch write, or nil for an
// error the error page answers (not found, internal).
func problemOf(err error, pitchID string) (*pitchProblem, int) {
	var ce *desk.ConflictError
	if errors.As(err, &ce) {
		key := ce.Code
		if key == "" {
			key = "pitch.conflict"
		}
		return &pitchProblem{Key: key, Outlet: ce.Outlet, Until: ce.Until, Pitch: pitchID}, http.StatusConflict
	}
	if fe, ok := asFieldError(err); ok {
		return &pitchProblem{Key: "pitch.invalid." + fe.Field, Pitch: pitchID}, http.StatusBadRequest
	}
	return nil, 0
}

// placement builds the section for s; nil for someone who may not pitch
// (a translator) or a piece that was never approved.
func (h *deskSubmission) placement(ctx context.Context, u store.User, s store.Submission, words int) (*placementView, error) {
	if !editorRoles.allows(u) {
		return nil, nil
	}
	ps, err := h.store.Pitches(ctx, store.PitchFilter{SubmissionID: s.ID})
	if err != nil {
		return nil, err
	}
	pitchable := s.Status == store.StatusApproved || s.Status == store.StatusPublished
	if !pitchable && len(ps) == 0 {
		return nil, nil
	}
	v := &placementView{InternalOnly: s.ConsentPublish == "internal", Words: words}
	v.CanPitch = pitchable && !v.InternalOnly
	for _, p := range ps {
		v.Pitches = append(v.Pitches, pitchRow{Pitch: p, OverBy: desk.OverLimitBy(p), WindowEnds: desk.WindowEnd(p), Moves: desk.Moves(p.Status)})
	}
	if !v.CanPitch {
		return v, nil
	}
	outlets, err := h.store.Outlets(ctx)
	if err != nil {
		return nil, err
	}
	now := h.place.Now()
	for _, o := range outlets {
		po := pitchOutlet{ID: o.ID, Name: o.Name, Language: o.Language, WordLimit: o.WordLimit}
		if o.WordLimit > 0 && words > o.WordLimit {
			po.OverBy = words - o.WordLimit
		}
		// The rules' own answer, so the list never disagrees with the form.
		if _, err := desk.CheckPitch(now, s, o, "", ps); err != nil {
			po.Refusal, _ = problemOf(err, "")
		}
		v.Outlets = append(v.Outlets, po)
	}
	return v, nil
}

// pitchPage is the section's "Pitch to…" form.
func (h *deskSubmission) pitchPage(c *gin.Context) error {
	s, err := h.load(c)
	if err != nil {
		return err
	}
	_, err = pitchAudited(c.Request.Context(), h.place, currentUser(c), s.ID, c.PostForm("outlet_id"), c.PostForm("language"))
	if err == nil {
		return h.flash.redirect(c, pieceURL(s.ID)+"#placement", flash{Notice: "pitch_created"})
	}
	return h.pitchRefused(c, s, err, "")
}

// pitchStepPage is one pitch's form: a step (accepted, declined, no
// response, published with its address and day, withdrawn) or its note.
func (h *deskSubmission) pitchStepPage(c *gin.Context) error {
	s, err := h.load(c)
	if err != nil {
		return err
	}
	url, on, note := c.PostForm("published_url"), c.PostForm("published_on"), c.PostForm("note")
	change := desk.PitchChange{PublishedURL: &url, PublishedOn: &on, Note: &note}
	if st := c.PostForm("status"); st != "" {
		change.Status = &st
	}
	u, pid := currentUser(c), c.Param("pid")
	visible := func(p store.Pitch) error {
		if p.SubmissionID != s.ID {
			return store.ErrNotFound
		}
		return pitchVisible(u)(p)
	}
	_, err = updateAudited(c.Request.Context(), h.place, u, pid, change, visible)
	if err == nil {
		return h.flash.redirect(c, pieceURL(s.ID)+"#pitch-"+pid, flash{Notice: "pitch_updated"})
	}
	return h.pitchRefused(c, s, err, pid)
}

// pitchRefused shows the piece again with the refusal in its section.
func (h *deskSubmission) pitchRefused(c *gin.Context, s store.Submission, err error, pitchID string) error {
	pr, status := problemOf(err, pitchID)
	if pr == nil {
		return err
	}
	cur, lerr := h.load(c)
	if lerr != nil {
		return lerr
	}
	return h.show(c, cur, viewState{status: status, pitch: pr})
}

// CanStep reports whether a pitch may move to st: the template offers
// only the steps the rules allow.
func (r pitchRow) CanStep(st string) bool { return slices.Contains(r.Moves, store.PitchStatus(st)) }
