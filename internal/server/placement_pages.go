package server

import (
	"net/http"
	"net/url"
	"sort"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/web"
)

// placementPages are the op-ed desk's own pages: the pitches to chase and
// the placement report.
type placementPages struct {
	store  *store.Store
	place  *desk.Placement
	render *web.Renderer
}

// FollowUpView is the data of /desk/follow-up.
type FollowUpView struct {
	Items []pitchRow
}

// followUpPage lists the pitches past their outlet's window without an
// answer, of the account's site, each with the way to the next outlet.
func (h *placementPages) followUpPage(c *gin.Context) error {
	ps, err := h.place.Due(c.Request.Context(), currentUser(c).Site)
	if err != nil {
		return err
	}
	v := FollowUpView{}
	for _, p := range ps {
		v.Items = append(v.Items, pitchRow{Pitch: p, OverBy: desk.OverLimitBy(p), WindowEnds: desk.WindowEnd(p)})
	}
	p := staffPage(c, h.render)
	p.Data = v
	return renderPage(c, h.render, http.StatusOK, "desk_follow_up", p)
}

// ReportView is the data of /desk/placements: the counts of each outlet
// and of all of them, over the period and site asked for.
type ReportView struct {
	Outlets   []outletCounts
	Total     outletCounts
	JSON, CSV string // the report's own links, with the same filter
}

// outletCounts are one outlet's pitches in the period: Accepted counts
// the accepted and the published, Placed the published only. The rate is
// accepted over answered-or-open pitches: a withdrawn pitch never reached
// an outlet's decision and does not count against it.
type outletCounts struct {
	Name                                                  string
	Pitched, Accepted, Placed, Declined, NoResponse, Open int
	withdrawn                                             int
}

// Rate is the acceptance rate in whole percent, or -1 when nothing counts.
func (o outletCounts) Rate() int {
	n := o.Pitched - o.withdrawn
	if n <= 0 {
		return -1
	}
	return (o.Accepted*100 + n/2) / n
}

func (o *outletCounts) add(p store.Pitch) {
	o.Pitched++
	switch p.Status {
	case store.PitchPublished:
		o.Placed++
		o.Accepted++
	case store.PitchAccepted:
		o.Accepted++
	case store.PitchDeclined:
		o.Declined++
	case store.PitchNoResponse:
		o.NoResponse++
	case store.PitchPitched:
		o.Open++
	case store.PitchWithdrawn:
		o.withdrawn++
	}
}

// reportPage is the placement report for staff: a refused filter re-shows
// the form naming the field.
func (h *placementPages) reportPage(c *gin.Context) error {
	values := map[string]string{"since": c.Query("since"), "until": c.Query("until"), "site": c.Query("site")}
	p := staffPage(c, h.render)
	p.Values = values
	f, err := parseExportFilter(exportRequest{Since: values["since"], Until: values["until"], Site: values["site"]})
	if err != nil {
		he := classify(err)
		if he.status != http.StatusBadRequest {
			return err
		}
		p.Errors = map[string]string{}
		for field := range he.fields {
			p.Errors[field] = "export." + field + ".invalid"
		}
		p.Data = ReportView{}
		return renderPage(c, h.render, http.StatusBadRequest, "desk_placements", p)
	}
	if u := currentUser(c); u.Site != "" {
		f.Site = u.Site
	}
	ps, err := h.store.Pitches(c.Request.Context(), store.PitchFilter{Site: f.Site, Since: f.Since, Until: f.Until, Limit: 100000})
	if err != nil {
		return err
	}
	v := ReportView{Total: outletCounts{}}
	by := map[string]*outletCounts{}
	for _, pi := range ps {
		oc := by[pi.OutletID]
		if oc == nil {
			oc = &outletCounts{Name: pi.Outlet.Name}
			by[pi.OutletID] = oc
		}
		oc.add(pi)
		v.Total.add(pi)
	}
	for _, oc := range by {
		v.Outlets = append(v.Outlets, *oc)
	}
	sort.Slice(v.Outlets, func(i, j int) bool { return v.Outlets[i].Name < v.Outlets[j].Name })
	q := url.Values{}
	for k, val := range values {
		if val != "" {
			q.Set(k, val)
		}
	}
	q.Set("format", "json")
	v.JSON = "/api/v1/placements?" + q.Encode()
	q.Set("format", "csv")
	v.CSV = "/api/v1/placements?" + q.Encode()
	p.Data = v
	return renderPage(c, h.render, http.StatusOK, "desk_placements", p)
}
