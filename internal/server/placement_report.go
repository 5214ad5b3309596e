package server

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/export"
	"github.com/storydesk/storydesk/internal/render"
	"github.com/storydesk/storydesk/internal/store"
)

// placementsHandler is the placement report: where pieces were pitched and
// where they ran, for staff and admins.
type placementsHandler struct {
	store *store.Store
}

// placementColumns are the report's fields, in the CSV's order.
var placementColumns = []string{"piece_id", "title", "kind", "site", "outlet", "language", "status",
	"pitched_on", "published_on", "published_url", "byline", "byline_kind", "word_count"}

// placementRow is one pitch as the report shows it. The byline is what the
// consent allows, and anonymous once the author has withdrawn consent.
func placementRow(p store.Pitch) []string {
	b := render.BylineOf(p.Piece.ConsentPublish, p.Piece.AuthorName, p.Piece.Pseudonym)
	if p.Piece.Status == store.StatusWithdrawn {
		b = render.Byline{Kind: render.BylineAnonymous}
	}
	return []string{p.SubmissionID, p.Piece.Title, p.Piece.Kind, p.Piece.Site, p.Outlet.Name, p.Language,
		string(p.Status), p.PitchedAt.UTC().Format(time.DateOnly), p.PublishedOn, p.PublishedURL,
		b.Text(p.Language), b.Kind, strconv.Itoa(p.WordCount)}
}

// report answers GET /api/v1/placements: pitches made on since..until
// (days, UTC, inclusive) of one site's pieces, as JSON or CSV. A site-bound
// account gets its own site's whatever it asks for.
func (h *placementsHandler) report(c *gin.Context) error {
	f, err := parseExportFilter(exportRequest{Since: c.Query("since"), Until: c.Query("until"), Site: c.Query("site")})
	if err != nil {
		return err
	}
	format := c.DefaultQuery("format", "json")
	if format != "json" && format != "csv" {
		return fieldErr(http.StatusBadRequest, "format", "must be json or csv")
	}
	if u := currentUser(c); u.Site != "" {
		f.Site = u.Site
	}
	ps, err := h.store.Pitches(c.Request.Context(), store.PitchFilter{Site: f.Site, Since: f.Since, Until: f.Until, Limit: 100000})
	if err != nil {
		return err
	}
	if format == "json" {
		items := make([]gin.H, len(ps))
		for i, p := range ps {
			row := gin.H{}
			for j, v := range placementRow(p) {
				row[placementColumns[j]] = v
			}
			row["word_count"] = p.WordCount
			items[i] = row
		}
		c.JSON(http.StatusOK, gin.H{"items": items})
		return nil
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="placements.csv"`)
	c.Status(http.StatusOK)
	w := csv.NewWriter(c.Writer)
	if err := w.Write(placementColumns); err != nil {
		return err
	}
	for _, p := range ps {
		row := placementRow(p)
		for i := range row {
			row[i] = export.CSVCell(row[i])
		}
		if err := w.Write(row); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}
