package server

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/store"
)

// knownStatuses are the statuses a queue filter may name.
var knownStatuses = []store.Status{store.StatusReceived, store.StatusReady, store.StatusChangesRequested,
	store.StatusApproved, store.StatusPublished, store.StatusRejected, store.StatusWithdrawn}

// statusAll is the page's "every status" choice; without a status the page
// shows what waits for editors (ready), while the API shows everything.
const statusAll = "all"

// queueFilter reads the queue's query parameters, shared by the page and
// GET /api/v1/submissions. A site-scoped account only ever sees its site.
// Each bad value is a 400 naming its parameter.
func queueFilter(c *gin.Context, u store.User, defaultStatus store.Status) (store.Filter, error) {
	f := store.Filter{Kind: c.Query("kind"), Site: strings.TrimSpace(c.Query("site")), Language: c.Query("language"),
		AuthorRole: c.Query("author_role"), Query: c.Query("q"), Sort: c.Query("sort")}
	f.Translation = c.Query("translation")
	if f.Translation != "" && !slices.Contains(store.TranslationFilters, f.Translation) {
		return store.Filter{}, fieldErr(http.StatusBadRequest, "translation", "must be needs, awaiting_author or approved")
	}
	all := false
	for _, v := range c.QueryArray("status") {
		for _, st := range strings.Split(v, ",") {
			switch st = strings.TrimSpace(st); {
			case st == "":
			case st == statusAll:
				all = true
			case !slices.Contains(knownStatuses, store.Status(st)):
				return store.Filter{}, fieldErr(http.StatusBadRequest, "status", "must be a comma-separated list of received, ready, changes_requested, approved, published, rejected, withdrawn")
			default:
				f.Status = append(f.Status, store.Status(st))
			}
		}
	}
	// The translation filters are about approved and published pieces, not
	// what waits for a decision: they look at every status.
	if len(f.Status) == 0 && !all && defaultStatus != "" && f.Translation == "" {
		f.Status = []store.Status{defaultStatus}
	}
	if !store.ValidSort(f.Sort) {
		return store.Filter{}, fieldErr(http.StatusBadRequest, "sort", "must be newest, oldest or updated")
	}
	var err error
	if f.HasAttachments, err = boolParam(c, "has_attachments"); err != nil {
		return store.Filter{}, err
	}
	if f.HasFindings, err = boolParam(c, "has_findings"); err != nil {
		return store.Filter{}, err
	}
	switch a := c.Query("assigned"); a {
	case "", "any":
	case "me":
		f.Assignee = u.ID
	case store.AssigneeNone:
		f.Assignee = store.AssigneeNone
	default:
		f.Assignee = a // a user id; an unknown one simply matches nothing
	}
	if f.Page, err = intParam(c, "page", 1, 1, 1_000_000); err != nil {
		return store.Filter{}, err
	}
	if f.PerPage, err = intParam(c, "per_page", store.DefaultPerPage, 1, store.MaxPerPage); err != nil {
		return store.Filter{}, err
	}
	if len(f.Query) > 500 {
		return store.Filter{}, fieldErr(http.StatusBadRequest, "q", "must be at most 500 characters")
	}
	if u.Site != "" {
		f.Site = u.Site
	}
	return f, nil
}

// boolParam reads an optional true/false parameter: nil when absent or empty.
func boolParam(c *gin.Context, name string) (*bool, error) {
	switch c.Query(name) {
	case "":
		return nil, nil
	case "true", "1", "yes":
		v := true
		return &v, nil
	case "false", "0", "no":
		v := false
		return &v, nil
	}
	return nil, fieldErr(http.StatusBadRequest, name, "must be true or false")
}
