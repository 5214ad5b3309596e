package server

import (
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
)

// queueView is what desk_queue.html shows.
type queueView struct {
	Tabs       []queueTab
	Rows       []queueRow
	Total      int
	Capped     bool // a search matched more than store.QueueCountCap: Total is a floor, tabs have no counts
	Page       int
	Pages      int
	PrevURL    string // "" on the first page
	NextURL    string // "" on the last page
	New        int    // created since the viewer's last visit
	HasVisited bool   // false on the first visit ever: nothing is "new"
	Form       url.Values
	SiteLocked string // the viewer's site when the account is scoped to one
	Self       string // this page's path and query, where forms come back to
	Statuses   []store.Status
	Roles      []string // the author roles of the submission form
	// Translations are the translation filters (store.TranslationFilters).
	Translations []string
}

// queueTab is one status with its count, a link to it and whether it is shown.
type queueTab struct {
	Status  string // "" for every status
	Count   int
	URL     string
	Current bool
}

// queueRow is one submission in the queue.
type queueRow struct {
	store.QueueItem
	Excerpt   string // the start of the body as plain words, in place of the item's Markdown
	URL       string
	New       bool
	Mine      bool
	Final     bool         // rejected or withdrawn: nobody is assigned any more
	Assignees []store.User // who else may be assigned: the site's and every site's editors
}

// excerptShown is how many characters of a body's words a queue row shows.
const excerptShown = 200

func newQueueView(c *gin.Context, u store.User, f store.Filter, qp store.QueuePage, since time.Time, fresh int, people []store.User) *queueView {
	form := url.Values{}
	for k, vs := range c.Request.URL.Query() {
		if k != "page" && k != "notice" && k != "lang" {
			form[k] = vs
		}
	}
	if u.Site != "" {
		form.Set("site", u.Site)
	}
	v := &queueView{Total: qp.Total, Page: f.Page, New: fresh, HasVisited: !since.IsZero(), Form: form,
		SiteLocked: u.Site, Self: c.Request.URL.RequestURI(), Statuses: knownStatuses,
		Roles: []string{"client", "faith_leader", "site_leadership", "volunteer", "other"}, Translations: store.TranslationFilters}
	v.Capped = qp.CountsCapped
	perPage := max(1, f.PerPage)
	v.Pages = max(1, (qp.Total+perPage-1)/perPage)
	link := func(key, val string) string {
		q := url.Values{}
		for k, vs := range form {
			q[k] = vs
		}
		if val == "" {
			q.Del(key)
		} else {
			q.Set(key, val)
		}
		if key != "page" {
			q.Del("page")
		}
		return "/desk?" + q.Encode()
	}
	if f.Page > 1 {
		v.PrevURL = link("page", strconv.Itoa(f.Page-1))
	}
	if f.Page < v.Pages {
		v.NextURL = link("page", strconv.Itoa(f.Page+1))
	}
	all := 0
	for _, st := range knownStatuses {
		all += qp.Counts[st]
	}
	v.Tabs = append(v.Tabs, queueTab{Status: "", Count: all, URL: link("status", statusAll), Current: len(f.Status) == 0})
	for _, st := range knownStatuses {
		v.Tabs = append(v.Tabs, queueTab{Status: string(st), Count: qp.Counts[st], URL: link("status", string(st)),
			Current: len(f.Status) == 1 && f.Status[0] == st})
	}
	for _, it := range qp.Items {
		cut := utf8.RuneCountInString(it.Excerpt) >= store.ExcerptChars
		r := queueRow{QueueItem: it, Excerpt: sanitize.Excerpt(it.Excerpt, excerptShown, cut), URL: "/desk/s/" + it.ID, New: !since.IsZero() && it.CreatedAt.After(since),
			Mine: it.AssigneeID == u.ID, Final: it.Status.Final()}
		for _, p := range people {
			if p.ID != it.AssigneeID && p.ID != u.ID && compatible(p, it.Site) {
				r.Assignees = append(r.Assignees, p)
			}
		}
		v.Rows = append(v.Rows, r)
	}
	return v
}

// Val is the current value of a filter, for re-filling the form.
func (v *queueView) Val(key string) string { return v.Form.Get(key) }

// StatusVal is the status the form shows: the single status filtered on,
// "all", or "" (the default, ready).
func (v *queueView) StatusVal() string { return v.Form.Get("status") }
