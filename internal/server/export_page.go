package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/store"
)

// ExportsView is the data of the /desk/exports page.
type ExportsView struct {
	Items []ExportRow
	// Running asks the page to keep its list fresh (web/static/exports.js).
	Running bool
}

// ExportRow is one export as the page lists it.
type ExportRow struct {
	ID, Status, DownloadURL string
	Filter                  *ExportForm // what it holds, which the page words in its language
	Percent, Count, Total   int
	CreatedAt               time.Time
	// Downloads of a revoked export: whom to ask to delete their copy.
	Downloads []store.ExportDownload
	// Again is a revoked export's filter as the form takes it, to build
	// the archive again without the piece that went.
	Again *ExportForm
}

// ExportForm is an export's filter as the page's form sends it.
type ExportForm struct {
	Status                   []string
	Since, Until, Site, Kind string
}

// formOf is f as the page's form would send it.
func formOf(f store.ExportFilter) *ExportForm {
	r := &ExportForm{Site: f.Site, Kind: f.Kind}
	for _, s := range f.Status {
		r.Status = append(r.Status, string(s))
	}
	if !f.Since.IsZero() {
		r.Since = f.Since.Format(time.DateOnly)
	}
	if !f.Until.IsZero() {
		r.Until = f.Until.AddDate(0, 0, -1).Format(time.DateOnly) // stored as the day after the last
	}
	return r
}

func (h *exportsHandler) page(c *gin.Context) error {
	return h.renderPage(c, http.StatusOK, nil, nil)
}

// createPage is the page's form: start an export, then back to the list.
func (h *exportsHandler) createPage(c *gin.Context) error {
	req := exportRequest{Status: strings.Join(c.PostFormArray("status"), ","), Since: c.PostForm("since"),
		Until: c.PostForm("until"), Site: c.PostForm("site"), Kind: c.PostForm("kind")}
	if _, err := h.start(c, req); err != nil {
		he := classify(err)
		if he.status != http.StatusBadRequest {
			return err
		}
		values := map[string]string{"since": req.Since, "until": req.Until, "site": req.Site, "kind": req.Kind}
		errs := map[string]string{}
		for field := range he.fields {
			errs[field] = "export." + field + ".invalid"
		}
		return h.renderPage(c, http.StatusBadRequest, values, errs)
	}
	return h.flash.redirect(c, "/desk/exports", flash{Notice: "export_started"})
}

func (h *exportsHandler) renderPage(c *gin.Context, status int, values, errs map[string]string) error {
	u := currentUser(c)
	list, err := h.store.Exports(c.Request.Context(), u.Site, 50)
	if err != nil {
		return err
	}
	v := ExportsView{}
	for _, e := range list {
		e = withExpiry(e)
		row := ExportRow{ID: e.ID, Status: e.Status, Filter: formOf(e.Filter),
			DownloadURL: h.downloadURL(e), Percent: int(e.Progress() * 100), Count: e.Count, Total: e.Total, CreatedAt: e.CreatedAt}
		if e.Status == store.ExportRevoked {
			if row.Downloads, err = h.store.ExportDownloads(c.Request.Context(), e.ID); err != nil {
				return err
			}
			row.Again = formOf(e.Filter)
		}
		v.Items = append(v.Items, row)
		if e.Status == store.ExportQueued || e.Status == store.ExportRunning {
			v.Running = true
		}
	}
	p := staffPage(c, h.render)
	p.Data, p.Values, p.Errors = v, values, errs
	return renderPage(c, h.render, status, "desk_exports", p)
}
