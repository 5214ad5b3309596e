package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/blob"
	"github.com/storydesk/storydesk/internal/export"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
	"github.com/storydesk/storydesk/web"
)

// exportsHandler starts staff exports and hands out their archives.
type exportsHandler struct {
	store    *store.Store
	blob     *blob.Store
	dispatch *task.Dispatcher
	render   *web.Renderer
	links    *linkSigner
	flash    *flasher
	log      *slog.Logger
}

// exportRequest is the body of POST /api/v1/exports (and the page's form).
type exportRequest struct {
	Status string `json:"status" form:"status"`
	Since  string `json:"since" form:"since"`
	Until  string `json:"until" form:"until"`
	Site   string `json:"site" form:"site"`
	Kind   string `json:"kind" form:"kind"`
}

// parseExportFilter validates an export request; the error names the field.
func parseExportFilter(req exportRequest) (store.ExportFilter, error) {
	f, err := export.ParseFilter(req.Status, req.Since, req.Until, req.Site, req.Kind)
	var fe *export.FilterError
	if errors.As(err, &fe) {
		return f, fieldErr(http.StatusBadRequest, fe.Field, fe.Problem)
	}
	return f, err
}

// start validates, stores and queues an export for the signed-in user.
func (h *exportsHandler) start(c *gin.Context, req exportRequest) (store.Export, error) {
	f, err := parseExportFilter(req)
	if err != nil {
		return store.Export{}, err
	}
	u := currentUser(c)
	if u.Site != "" {
		f.Site = u.Site // a site's staff export their own site only
	}
	ctx := c.Request.Context()
	id := store.NewExportID()
	t := task.Export(id)
	e, err := h.store.CreateExport(ctx, store.Export{ID: id, RequestedBy: u.ID, Filter: f, SiteScope: u.Site}, t)
	if err != nil {
		return store.Export{}, err
	}
	h.dispatch.AfterCommit(ctx, t)
	if err := h.store.Audit(ctx, store.AuditEntry{ActorID: u.ID, Actor: u.Email, Action: "export", Target: e.ID}); err != nil {
		h.log.Error("audit", "action", "export", "err", err)
	}
	return e, nil
}

func (h *exportsHandler) create(c *gin.Context) error {
	var req exportRequest
	if c.Request.ContentLength != 0 {
		if err := bindJSON(c, &req); err != nil {
			return err
		}
	}
	e, err := h.start(c, req)
	if err != nil {
		return err
	}
	c.JSON(http.StatusAccepted, gin.H{"id": e.ID, "status": e.Status})
	return nil
}

// find returns an export the signed-in user may see (404 otherwise, so
// other sites' export ids are not confirmed).
func (h *exportsHandler) find(c *gin.Context) (store.Export, error) {
	e, err := h.store.ExportByID(c.Request.Context(), c.Param("id"))
	if err != nil {
		return store.Export{}, err
	}
	if u := currentUser(c); u.Site != "" && !strings.EqualFold(u.Site, e.SiteScope) {
		return store.Export{}, fmt.Errorf("export %s: %w", e.ID, store.ErrNotFound)
	}
	return withExpiry(e), nil
}

// withExpiry shows a done export past its life as expired from the moment
// it is, not from the next run of the job that deletes its archive.
func withExpiry(e store.Export) store.Export {
	if e.Status == store.ExportDone && export.Expired(e.FinishedAt, time.Now()) {
		e.Status = store.ExportExpired
	}
	return e
}

// expiresAt is when a finished archive goes, or nil.
func expiresAt(e store.Export) any {
	if e.Status != store.ExportDone && e.Status != store.ExportExpired {
		return nil
	}
	return e.FinishedAt.Add(export.ArchiveLife).UTC()
}

func (h *exportsHandler) downloadURL(e store.Export) string {
	if e.Status != store.ExportDone {
		return ""
	}
	return h.links.url("/api/v1/exports/"+e.ID+"/download", downloadLife)
}

func (h *exportsHandler) get(c *gin.Context) error {
	e, err := h.find(c)
	if err != nil {
		return err
	}
	var url any
	if u := h.downloadURL(e); u != "" {
		url = u
	}
	res := gin.H{"id": e.ID, "status": e.Status, "progress": e.Progress(), "count": e.Count,
		"total": e.Total, "download_url": url, "created_at": e.CreatedAt, "expires_at": expiresAt(e)}
	if e.Status == store.ExportRevoked {
		downloads, err := h.store.ExportDownloads(c.Request.Context(), e.ID)
		if err != nil {
			return err
		}
		list := make([]gin.H, len(downloads))
		for i, d := range downloads {
			list[i] = gin.H{"user_id": d.UserID, "account": d.Account, "at": d.At}
		}
		res["revoked_reason"], res["revoked_at"], res["downloads"] = e.RevokedReason, e.RevokedAt, list
	}
	c.JSON(http.StatusOK, res)
	return nil
}

// download streams the archive through the app after the auth check.
func (h *exportsHandler) download(c *gin.Context) error {
	if !h.links.valid(c.Request.URL.Path, c.Query("exp"), c.Query("sig")) {
		return errorf(http.StatusForbidden, "the download link has expired; open the export again")
	}
	e, err := h.find(c)
	if err != nil {
		return err
	}
	if e.Status == store.ExportExpired {
		return errorf(http.StatusGone, "the export has expired and its archive was deleted; start a new export")
	}
	if e.Status == store.ExportRevoked {
		return errorf(http.StatusGone, "the export was revoked and its archive deleted: "+e.RevokedReason+"; start a new export, which leaves the piece out")
	}
	if e.Status != store.ExportDone {
		return errorf(http.StatusConflict, "the export is not finished")
	}
	u := currentUser(c)
	return serveObject(c, h.blob, object{key: e.ObjectKey, what: "export archive", contentType: "application/zip",
		disposition: `attachment; filename="storydesk-export-` + e.CreatedAt.Format("2006-01-02") + `.zip"`, cache: "no-store",
		// Before the first byte: a copy that went out is on record even if
		// the transfer breaks, so staff can ask for it back should the
		// export be revoked.
		before: func() error { return h.store.RecordExportDownload(c.Request.Context(), e.ID, u.ID, u.Email) }})
}
