package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
)

// submissionsHandler is the editors' read access to submissions.
type submissionsHandler struct {
	store *store.Store
	blob  *blob.Store
	san   *sanitize.Sanitizer
	links *linkSigner
}

// visible hides submissions of other sites from a site-scoped account.
// It answers 404, not 403, so ids of other sites' submissions are not confirmed.
func visible(u store.User, s store.Submission) error {
	if u.Site != "" && !strings.EqualFold(u.Site, s.Site) {
		return fmt.Errorf("submission %s: %w", s.ID, store.ErrNotFound)
	}
	return nil
}

func (h *submissionsHandler) list(c *gin.Context) error {
	// The queue's filters and store query (desk_queue_filter.go).
	f, err := queueFilter(c, currentUser(c), "")
	if err != nil {
		return err
	}
	qp, err := h.store.Queue(c.Request.Context(), f)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": queueItemsJSON(qp.Items), "total": qp.Total, "counts": qp.Counts,
		"counts_capped": qp.CountsCapped, "page": f.Page, "per_page": f.PerPage})
	return nil
}

func intParam(c *gin.Context, name string, def, lo, hi int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fieldErr(http.StatusBadRequest, name, fmt.Sprintf("must be a whole number from %d to %d", lo, hi))
	}
	return n, nil
}

func (h *submissionsHandler) get(c *gin.Context) error {
	ctx := c.Request.Context()
	s, err := h.store.Submission(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	if err := visible(currentUser(c), s); err != nil {
		return err
	}
	revs, err := h.store.Revisions(ctx, s.ID)
	if err != nil {
		return err
	}
	events, err := h.store.Events(ctx, s.ID)
	if err != nil {
		return err
	}
	msgs, err := h.store.Messages(ctx, s.ID)
	if err != nil {
		return err
	}
	notes, err := h.store.Notes(ctx, s.ID)
	if err != nil {
		return err
	}
	rec := h.record(s, revs, events, msgs, notes)
	if err := h.addPublication(ctx, rec, s.ID); err != nil {
		return err
	}
	if err := h.addAssignee(ctx, rec, s.ID); err != nil {
		return err
	}
	if err := h.addOutletsToTell(ctx, rec, s.ID); err != nil {
		return err
	}
	if err := h.addTranslations(ctx, rec, s.ID); err != nil {
		return err
	}
	if err := h.addNamedRevisions(ctx, rec, s.ID); err != nil {
		return err
	}
	c.JSON(http.StatusOK, rec)
	return nil
}

func (h *submissionsHandler) record(s store.Submission, revs []store.Revision, events []store.Event, msgs []store.Message, notes []store.Note) gin.H {
	atts := make([]gin.H, len(s.Attachments))
	for i, a := range s.Attachments {
		path := "/api/v1/submissions/" + s.ID + "/attachments/" + a.ID
		atts[i] = gin.H{"id": a.ID, "filename": attachmentName(a), "content_type": a.ContentType, "size": a.Size,
			"sha256": a.SHA256, "download_url": h.links.url(path, downloadLife)}
	}
	rj := make([]gin.H, len(revs))
	for i, r := range revs {
		rj[i] = gin.H{"number": r.Number, "title": r.Title, "body": r.Body, "body_html": r.BodyHTML,
			"author": r.AuthorName, "author_id": r.AuthorID, "created_at": r.CreatedAt}
	}
	hist := make([]gin.H, len(events))
	for i, e := range events {
		hist[i] = gin.H{"action": e.Action, "actor": e.Actor, "from": e.FromStatus, "to": e.ToStatus,
			"detail": e.Detail, "at": e.CreatedAt}
	}
	mj := make([]gin.H, len(msgs))
	for i, m := range msgs {
		from := "submitter"
		if m.FromEditor {
			from = "editor"
		}
		mj[i] = gin.H{"from": from, "body": m.Body, "at": m.CreatedAt}
		if m.Kind != "" {
			mj[i]["kind"] = m.Kind // "revision_sent", or "translation:es" for the author's message about that translation
		}
	}
	nj := make([]gin.H, len(notes))
	for i, n := range notes {
		nj[i] = gin.H{"id": n.ID, "author": n.Author, "author_id": n.AuthorID, "text": n.Body, "created_at": n.CreatedAt}
	}
	findings := json.RawMessage(s.Findings)
	if len(findings) == 0 {
		findings = json.RawMessage("null")
	}
	var reviewed *time.Time
	if !s.ReviewedAt.IsZero() {
		reviewed = &s.ReviewedAt
	}
	return gin.H{
		"id": s.ID, "kind": s.Kind, "status": s.Status, "title": s.Title,
		"body": s.Body, "body_html": s.BodyHTML, "body_text": sanitize.Text(s.BodyHTML),
		"language": s.Language, "author_name": s.AuthorName, "author_role": s.AuthorRole, "site": s.Site,
		"has_contact": s.ContactEmail != "" || s.ContactPhone != "",
		"consent":     gin.H{"publish": s.ConsentPublish, "pseudonym": s.Pseudonym, "photos": s.ConsentPhotos},
		"word_count":  s.WordCount, "reading_minutes": s.ReadingMinutes, "findings": findings,
		"attachments": atts, "revisions": rj, "notes": nj, "history": hist, "messages": mj,
		"created_at": s.CreatedAt, "updated_at": s.UpdatedAt, "reviewed_at": reviewed,
	}
}

// download streams an attachment through the app after the auth check, as a
// download that the browser will not render or sniff.
func (h *submissionsHandler) download(c *gin.Context) error {
	if !h.links.valid(c.Request.URL.Path, c.Query("exp"), c.Query("sig")) {
		return errorf(http.StatusForbidden, "the download link has expired; reload the submission")
	}
	ctx := c.Request.Context()
	s, err := h.store.Submission(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	if err := visible(currentUser(c), s); err != nil {
		return err
	}
	for _, a := range s.Attachments {
		if a.ID != c.Param("aid") {
			continue
		}
		return serveObject(c, h.blob, object{key: a.ObjectKey, what: "attachment " + a.ID, contentType: a.ContentType,
			disposition: disposition("attachment", attachmentName(a)), cache: "no-store", sandbox: true})
	}
	return fmt.Errorf("attachment: %w", store.ErrNotFound)
}
