package export

import (
	"strings"
	"time"

	"github.com/storydesk/storydesk/internal/store"
)

// FilterError names the field of an export request that is wrong.
type FilterError struct {
	Field   string
	Problem string
}

func (e *FilterError) Error() string { return e.Field + " " + e.Problem }

// ParseFilter validates the fields of an export request (the API's JSON,
// the page's form and the command's flags). status is a comma-separated
// list of approved and published (both when empty): the archive is for
// publication, and nothing else has been cleared for that. since and until
// are days (YYYY-MM-DD, UTC, both inclusive) on which pieces were submitted.
func ParseFilter(status, since, until, site, kind string) (store.ExportFilter, error) {
	var f store.ExportFilter
	for _, s := range strings.Split(status, ",") {
		switch s = strings.TrimSpace(s); s {
		case "":
		case string(store.StatusApproved), string(store.StatusPublished):
			f.Status = append(f.Status, store.Status(s))
		default:
			return f, &FilterError{"status", "must be a comma-separated list of approved, published"}
		}
	}
	if len(f.Status) == 0 {
		f.Status = []store.Status{store.StatusApproved, store.StatusPublished}
	}
	var err error
	if f.Since, err = parseDay("since", since); err != nil {
		return f, err
	}
	if f.Until, err = parseDay("until", until); err != nil {
		return f, err
	}
	if !f.Until.IsZero() {
		f.Until = f.Until.AddDate(0, 0, 1) // the whole last day
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		return f, &FilterError{"until", "must not be before since"}
	}
	if f.Site = strings.TrimSpace(site); len(f.Site) > 100 {
		return f, &FilterError{"site", "must be at most 100 characters"}
	}
	switch f.Kind = strings.TrimSpace(kind); f.Kind {
	case "", "story", "oped":
	default:
		return f, &FilterError{"kind", "must be story or oped"}
	}
	return f, nil
}

func parseDay(field, v string) (time.Time, error) {
	if v = strings.TrimSpace(v); v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, &FilterError{field, "must be a date as YYYY-MM-DD"}
	}
	return t, nil
}
