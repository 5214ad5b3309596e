package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/export"
	"github.com/storydesk/storydesk/internal/render"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/web"
)

// pitchDesk is one pitch on the desk (issue 15): the text it sends out,
// the shorter version an editor writes for its outlet, and the package
// that goes to the outlet.
type pitchDesk struct {
	store  *store.Store
	desk   *desk.Service
	export *export.Writer
	render *web.Renderer
	flash  *flasher
}

// pitchState is a pitch with its piece and the text it sends out.
type pitchState struct {
	pitch store.Pitch
	piece store.Submission
	copy  desk.PitchCopy
}

// load reads the pitch the route names, hidden (404) from an account of
// another site.
func (h *pitchDesk) load(c *gin.Context) (pitchState, error) {
	ctx := c.Request.Context()
	p, err := h.store.Pitch(ctx, c.Param("id"))
	if err != nil {
		return pitchState{}, err
	}
	if err := pitchVisible(currentUser(c))(p); err != nil {
		return pitchState{}, err
	}
	s, err := h.store.Submission(ctx, p.SubmissionID)
	if err != nil {
		return pitchState{}, err
	}
	cp, err := h.desk.Copy(ctx, p, s)
	if err != nil {
		return pitchState{}, err
	}
	return pitchState{pitch: p, piece: s, copy: cp}, nil
}

// namedRevisionJSON is a named revision as the API shows it.
func namedRevisionJSON(r store.NamedRevision) gin.H {
	return gin.H{"name": r.Name, "outlet_name": r.Outlet, "pitch_id": r.PitchID, "language": r.Language, "number": r.Number,
		"title": r.Title, "body": r.Body, "body_html": r.BodyHTML,
		"author": r.AuthorName, "author_id": r.AuthorID, "created_at": r.CreatedAt}
}

// pitchDetailJSON is a pitch with the text it sends out ("text") and
// whether its package can be made ("package").
func pitchDetailJSON(st pitchState) gin.H {
	out := pitchJSON(st.pitch)
	cp := st.copy
	text := gin.H{"source": cp.Source, "language": cp.Language, "title": cp.Title, "body": cp.Body, "body_html": cp.BodyHTML,
		"word_count": cp.Words, "word_limit": cp.Limit, "over_limit_by": cp.OverBy, "approved": cp.Approved, "revision": nil}
	if cp.Named != nil {
		text["revision"] = namedRevisionJSON(*cp.Named)
	}
	out["text"] = text
	pkg := gin.H{"ready": true, "url": "/api/v1/pitches/" + st.pitch.ID + "/package"}
	if err := desk.Sendable(st.pitch, st.piece, cp); err != nil {
		pkg = gin.H{"ready": false, "refusal": classify(err).msg}
	}
	out["package"] = pkg
	return out
}

// getAPI is GET /api/v1/pitches/{id}.
func (h *pitchDesk) getAPI(c *gin.Context) error {
	st, err := h.load(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, pitchDetailJSON(st))
	return nil
}

// textAPI is PUT /api/v1/pitches/{id}/text {"title","body"}: the pitch's
// shorter version, as a named revision of the piece.
func (h *pitchDesk) textAPI(c *gin.Context) error {
	var req struct {
		Title string `json:"title"`
		Body  string `json:"body"`
	}
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u := currentUser(c)
	_, changed, err := h.desk.PitchText(c.Request.Context(), u, c.Param("id"), req.Title, req.Body, pitchVisible(u))
	if err != nil {
		return err
	}
	st, err := h.load(c)
	if err != nil {
		return err
	}
	out := pitchDetailJSON(st)
	out["changed"] = changed
	c.JSON(http.StatusOK, out)
	return nil
}

// packageAPI is GET /api/v1/pitches/{id}/package: the ZIP for the outlet.
func (h *pitchDesk) packageAPI(c *gin.Context) error {
	st, err := h.load(c)
	if err != nil {
		return err
	}
	return h.sendPackage(c, st)
}

// sendPackage answers with st's package, or the refusal of desk.Sendable.
// The archive is spooled to a temporary file (one piece and its photos)
// so that memory stays flat and a failure is still an error answer, not
// a cut download.
func (h *pitchDesk) sendPackage(c *gin.Context, st pitchState) error {
	if err := desk.Sendable(st.pitch, st.piece, st.copy); err != nil {
		return err
	}
	ctx := c.Request.Context()
	var published time.Time
	if st.piece.Status == store.StatusPublished {
		pub, err := h.store.PublicationOf(ctx, st.piece.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		published = pub.PublishedAt
	}
	f, err := os.CreateTemp("", "pitch-*.zip")
	if err != nil {
		return fmt.Errorf("pitch package: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	err = h.export.WritePitch(ctx, f, export.Pitch{Piece: st.piece, PublishedAt: published, PitchID: st.pitch.ID,
		Outlet: st.pitch.Outlet.Name, Language: st.pitch.Language, Source: st.copy.Source, Title: st.copy.Title,
		BodyHTML: st.copy.BodyHTML, Words: st.copy.Words, WordLimit: st.copy.Limit})
	if err != nil {
		return err
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		return fmt.Errorf("pitch package: %w", err)
	}
	name := "pitch-" + render.Slug(st.pitch.Outlet.Name) + "-" + st.pitch.Language + ".zip"
	c.DataFromReader(http.StatusOK, size, "application/zip", f, map[string]string{
		"Content-Disposition": disposition("attachment", name), "X-Content-Type-Options": "nosniff"})
	return nil
}

// addNamedRevisions puts on an editors' record the named revisions of the
// piece's pitches ("named_revisions", oldest first): versions made for an
// outlet, which never replace the piece's text ("revisions").
func (h *submissionsHandler) addNamedRevisions(ctx context.Context, rec gin.H, id string) error {
	revs, err := h.store.NamedRevisions(ctx, id)
	if err != nil {
		return err
	}
	out := make([]gin.H, len(revs))
	for i, r := range revs {
		out[i] = namedRevisionJSON(r)
	}
	rec["named_revisions"] = out
	return nil
}
