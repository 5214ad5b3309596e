package server

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/store"
)

// pitchView is what desk_pitch.html shows of one pitch.
type pitchView struct {
	ID, PieceID, PieceTitle, Outlet string
	Status, Language                string
	// The text that goes out (Source: shorter, translation or original),
	// which the form for the shorter version starts from.
	Source, Title, Body  string
	BodyHTML             template.HTML
	Approved             bool
	Words, Limit, OverBy int
	Under                int                  // words left under the limit
	Named                *store.NamedRevision // the shorter version, if any
	Refusal              string               // why no package can be made (err.pitch_CODE), "" when it can
	Editable             bool                 // a shorter version may be written
}

// pitchURL is the desk page of pitch id.
func pitchURL(id string) string { return "/desk/pitches/" + url.PathEscape(id) }

// showPitch renders the pitch page with st, adding what a refused post
// left (errs, values) under status.
func (h *pitchDesk) showPitch(c *gin.Context, st pitchState, status int, errs, values map[string]string) error {
	p, cp := st.pitch, st.copy
	v := pitchView{ID: p.ID, PieceID: p.SubmissionID, PieceTitle: st.piece.Title, Outlet: p.Outlet.Name,
		Status: string(p.Status), Language: p.Language, Source: cp.Source, Title: cp.Title, Body: cp.Body,
		// Safe: every text's HTML is written only from sanitize.Body's output.
		BodyHTML: template.HTML(cp.BodyHTML), Approved: cp.Approved, Words: cp.Words, Limit: cp.Limit, OverBy: cp.OverBy,
		Named:    cp.Named,
		Editable: p.Status != store.PitchWithdrawn && st.piece.Status != store.StatusWithdrawn}
	if cp.Limit > cp.Words {
		v.Under = cp.Limit - cp.Words
	}
	var ce *desk.ConflictError
	if err := desk.Sendable(p, st.piece, cp); errors.As(err, &ce) {
		v.Refusal = ce.Code
	}
	pg := staffPage(c, h.render)
	pg.Data, pg.Errors, pg.Values = v, errs, values
	return renderPage(c, h.render, status, "desk_pitch", pg)
}

// page is GET /desk/pitches/{id}.
func (h *pitchDesk) page(c *gin.Context) error {
	st, err := h.load(c)
	if err != nil {
		return err
	}
	return h.showPitch(c, st, http.StatusOK, nil, nil)
}

// textPage is the page's form for the shorter version.
func (h *pitchDesk) textPage(c *gin.Context) error {
	u := currentUser(c)
	title, body := c.PostForm("title"), c.PostForm("body")
	_, changed, err := h.desk.PitchText(c.Request.Context(), u, c.Param("id"), title, body, pitchVisible(u))
	errs, status, refused := pageErrors(err)
	if err != nil && !refused {
		if classify(err).status != http.StatusConflict {
			return err
		}
		errs, status = map[string]string{"": "pitch_conflict"}, http.StatusConflict
	}
	if errs != nil {
		st, lerr := h.load(c)
		if lerr != nil {
			return lerr
		}
		return h.showPitch(c, st, status, errs, map[string]string{"title": title, "body": body})
	}
	notice := "desk_unchanged"
	if changed {
		notice = "pitch_text_saved"
	}
	return h.flash.redirect(c, pitchURL(c.Param("id")), flash{Notice: notice})
}

// packagePage is the page's "Download pitch package" button: the ZIP, or
// the page again with the refusal (409) said in the page's language.
func (h *pitchDesk) packagePage(c *gin.Context) error {
	st, err := h.load(c)
	if err != nil {
		return err
	}
	var ce *desk.ConflictError
	if err := desk.Sendable(st.pitch, st.piece, st.copy); errors.As(err, &ce) {
		return h.showPitch(c, st, http.StatusConflict, map[string]string{"": "pitch_" + ce.Code}, nil)
	}
	return h.sendPackage(c, st)
}
