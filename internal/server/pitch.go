package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/store"
)

// pitchesHandler offers approved pieces to outlets and records the answers.
type pitchesHandler struct {
	store *store.Store
	place *desk.Placement
}

func pitchJSON(p store.Pitch) gin.H {
	return gin.H{"id": p.ID, "submission_id": p.SubmissionID, "title": p.Piece.Title,
		"outlet_id": p.OutletID, "outlet_name": p.Outlet.Name, "language": p.Language, "status": p.Status,
		"word_count": p.WordCount, "word_limit": p.Outlet.WordLimit, "over_limit_by": desk.OverLimitBy(p),
		"pitched_at": p.PitchedAt, "window_ends_at": desk.WindowEnd(p).UTC(),
		"published_url": p.PublishedURL, "published_on": p.PublishedOn, "note": p.Note,
		"consent_withdrawn": p.ConsentWithdrawn, "created_by": p.CreatedBy, "updated_by": p.UpdatedBy,
		"created_at": p.CreatedAt, "updated_at": p.UpdatedAt}
}

func pitchesJSON(ps []store.Pitch) []gin.H {
	out := make([]gin.H, len(ps))
	for i, p := range ps {
		out[i] = pitchJSON(p)
	}
	return out
}

// pitchVisible hides other sites' pitches from a site-bound account (404).
func pitchVisible(u store.User) func(store.Pitch) error {
	return func(p store.Pitch) error {
		if u.Site != "" && !strings.EqualFold(u.Site, p.Piece.Site) {
			return fmt.Errorf("pitch %s: %w", p.ID, store.ErrNotFound)
		}
		return nil
	}
}

// piece returns the piece of the route's id if the account may see it.
func (h *pitchesHandler) piece(c *gin.Context) (store.Submission, error) {
	s, err := h.store.Submission(c.Request.Context(), c.Param("id"))
	if err != nil {
		return store.Submission{}, err
	}
	return s, visible(currentUser(c), s)
}

func (h *pitchesHandler) create(c *gin.Context) error {
	var req struct {
		OutletID string `json:"outlet_id"`
		Language string `json:"language"`
	}
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	s, err := h.piece(c)
	if err != nil {
		return err
	}
	p, err := pitchAudited(c.Request.Context(), h.place, currentUser(c), s.ID, req.OutletID, req.Language)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, pitchJSON(p))
	return nil
}

func (h *pitchesHandler) listOf(c *gin.Context) error {
	s, err := h.piece(c)
	if err != nil {
		return err
	}
	ps, err := h.store.Pitches(c.Request.Context(), store.PitchFilter{SubmissionID: s.ID})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": pitchesJSON(ps)})
	return nil
}

// list is every pitch of the account's site, or with due=true only those
// to chase: unanswered past their outlet's window.
func (h *pitchesHandler) list(c *gin.Context) error {
	site := currentUser(c).Site
	var (
		ps  []store.Pitch
		err error
	)
	switch c.Query("due") {
	case "true":
		ps, err = h.place.Due(c.Request.Context(), site)
	case "", "false":
		ps, err = h.store.Pitches(c.Request.Context(), store.PitchFilter{Site: site})
	default:
		return fieldErr(http.StatusBadRequest, "due", "must be true or false")
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": pitchesJSON(ps)})
	return nil
}

func (h *pitchesHandler) patch(c *gin.Context) error {
	var req desk.PitchChange
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u := currentUser(c)
	p, err := updateAudited(c.Request.Context(), h.place, u, c.Param("id"), req, pitchVisible(u))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, pitchJSON(p))
	return nil
}

// addOutletsToTell adds to an editors' record the outlets that held the
// piece when its author withdrew consent ("outlets_to_tell": outlet, contact
// e-mail, language, status), for staff to tell them.
func (h *submissionsHandler) addOutletsToTell(ctx context.Context, rec gin.H, id string) error {
	ps, err := h.store.Pitches(ctx, store.PitchFilter{SubmissionID: id, ConsentWithdrawn: true})
	if err != nil {
		return err
	}
	tell := make([]gin.H, len(ps))
	for i, p := range ps {
		tell[i] = gin.H{"pitch_id": p.ID, "outlet_id": p.OutletID, "outlet_name": p.Outlet.Name,
			"contact_email": p.Outlet.ContactEmail, "language": p.Language, "status": p.Status}
	}
	rec["outlets_to_tell"] = tell
	return nil
}
