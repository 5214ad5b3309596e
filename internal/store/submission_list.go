package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Page sizes of the queue.
const (
	DefaultPerPage = 25
	MaxPerPage     = 100
)

// Filter.Assignee value for submissions nobody is working on.
const AssigneeNone = "none"

// Orders of Filter.Sort.
const (
	SortNewest  = "newest"  // created, newest first (the default)
	SortOldest  = "oldest"  // created, oldest first: who has waited longest
	SortUpdated = "updated" // recently updated first
)

// sortOrder is a Filter.Sort as SQL: a time column and a direction, with
// the id breaking ties.
type sortOrder struct{ col, dir string }

var sortOrders = map[string]sortOrder{
	"":          {"created_at", "DESC"},
	SortNewest:  {"created_at", "DESC"},
	SortOldest:  {"created_at", "ASC"},
	SortUpdated: {"updated_at", "DESC"},
}

// sql returns the ORDER BY list on the submissions aliased t.
func (o sortOrder) sql(t string) string {
	return t + "." + o.col + " " + o.dir + ", " + t + ".id " + o.dir
}

// ValidSort reports whether sort is a known Filter.Sort.
func ValidSort(sort string) bool { _, ok := sortOrders[sort]; return ok }

// QueueItem is one row of the editors' queue: what the list shows, without
// the body, the contact details or the findings themselves.
type QueueItem struct {
	ID             string
	Kind           string
	Status         Status
	Title          string
	Excerpt        string // the first characters of the body source
	Language       string
	Site           string
	AuthorRole     string
	WordCount      int
	ReadingMinutes int
	Findings       int // number of findings; -1 before the automated review
	HasAttachments bool
	AssigneeID     string // "" when nobody is working on it
	AssigneeName   string
	AssigneeEmail  string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// QueueCountCap is where the queue stops counting a search's matches. An
// exact count costs a lookup per match (~25 ms for 30,000 matches at
// 100,000 submissions on SQLite, growing with the table) and tells an
// editor no more than "2,000+" would; below it, the one pass that counts
// the matches also gives the page.
const QueueCountCap = 2000

// QueuePage is one page of the editors' queue.
type QueuePage struct {
	Items  []QueueItem
	Total  int            // submissions matching the filter, over all pages
	Counts map[Status]int // per status, matching every filter but the status one

	// CountsCapped reports that the search matched more than QueueCountCap
	// submissions (in every status, the other filters applied), so counting
	// stopped: Counts is then empty, and Total is exact below QueueCountCap
	// and QueueCountCap otherwise, to be shown as "2,000+".
	CountsCapped bool
}

// ExcerptChars is how much of the body source a queue row reads: an
// Excerpt this long may have been cut mid-word.
const ExcerptChars = 240

// args collects query arguments and hands out their placeholders.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return fmt.Sprintf("$%d", len(*a))
}

// conds returns the WHERE conditions of f on submissions aliased s, the
// search met as use says; without withStatus the status filter is left out
// (for the per-status counts). Every column they filter on is in the queue's
// covering indexes (migration 00010), so a count never reads the wide rows.
func (s *Store) conds(f Filter, a *args, withStatus bool, use searchUse) []string {
	var c []string
	if withStatus && len(f.Status) > 0 {
		ph := make([]string, len(f.Status))
		for i, st := range f.Status {
			ph[i] = a.add(string(st))
		}
		c = append(c, "s.status IN ("+strings.Join(ph, ", ")+")")
	}
	if f.Kind != "" {
		c = append(c, "s.kind = "+a.add(f.Kind))
	}
	if f.Site != "" {
		// Sites are typed by submitters: "austin" and "Austin" are one site.
		c = append(c, "lower(s.site) = lower("+a.add(f.Site)+")")
	}
	if f.Language != "" {
		c = append(c, "s.language = "+a.add(f.Language))
	}
	if f.AuthorRole != "" {
		c = append(c, "s.author_role = "+a.add(f.AuthorRole))
	}
	// Both flags are kept by the database: has_attachments by triggers on
	// attachments, has_findings generated from findings (a JSON array, "[]"
	// when the review found nothing; false before the review).
	if f.HasAttachments != nil {
		c = append(c, "s.has_attachments = "+boolSQL(*f.HasAttachments))
	}
	if f.HasFindings != nil {
		c = append(c, "s.has_findings = "+boolSQL(*f.HasFindings))
	}
	switch f.Assignee {
	case "":
	case AssigneeNone:
		c = append(c, "s.assigned = FALSE") // kept by triggers on assignments
	default:
		// One person holds few submissions: the planner can start from them.
		c = append(c, "s.id IN (SELECT x.submission_id FROM assignments x WHERE x.user_id = "+a.add(f.Assignee)+")")
	}
	if cond := translationCond(f.Translation); cond != "" {
		c = append(c, cond)
	}
	if terms := searchTerms(f.Query); len(terms) > 0 {
		ph := a.add(nil)
		cond, value := s.searchCond(terms, ph, use)
		(*a)[len(*a)-1] = value
		c = append(c, cond)
	}
	return c
}

// TranslationNeeds is the Filter.Translation of approved and published
// pieces with no translation into another language yet.
const TranslationNeeds = "needs"

// TranslationFilters are the values Filter.Translation may take.
var TranslationFilters = []string{TranslationNeeds, string(TranslationAwaitingAuthor), string(TranslationApproved)}

// translationCond is the condition of Filter.Translation on submissions
// aliased s; "" for none. The values are constants, never the caller's text.
func translationCond(filter string) string {
	switch filter {
	case TranslationNeeds:
		return "s.status IN ('" + string(StatusApproved) + "', '" + string(StatusPublished) + "')" +
			" AND NOT EXISTS (SELECT 1 FROM translations x WHERE x.submission_id = s.id AND x.language <> s.language)"
	case string(TranslationAwaitingAuthor), string(TranslationApproved):
		return "EXISTS (SELECT 1 FROM translations x WHERE x.submission_id = s.id AND x.status = '" + filter + "')"
	}
	return ""
}

// boolSQL spells b so that both dialects compare it with a flag column
// (SQLite reads TRUE and FALSE as 1 and 0).
func boolSQL(b bool) string {
	if b {
		return "TRUE"
	}
	return "FALSE"
}

func where(c []string) string {
	if len(c) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(c, " AND ")
}

// pageBounds applies the defaults and caps to f's paging.
func pageBounds(f Filter) (page, perPage int) {
	page, perPage = max(f.Page, 1), f.PerPage
	if perPage <= 0 {
		perPage = DefaultPerPage
	}
	return page, min(perPage, MaxPerPage)
}

// pageWalkMin is how many matching rows make reading rows in page order,
// testing each, cheaper than collecting the matches and sorting them: from
// 2,000 on, one row in 50 or more matches at 100,000 submissions, so a page
// is found within a few thousand rows. A search past QueueCountCap walks.
const pageWalkMin = QueueCountCap

// pageFrom returns the FROM clause of a queue page. SQLite's planner has no
// statistics, and without them it would sort every row matching a filter
// no index leads with (a language, a flag) to keep 25: it is told to read
// the covering index in page order when many rows match, and to read it
// whole (tests in the index, then at most pageWalkMin rows sorted) when few
// do and no site or status narrows them. PostgreSQL's planner knows.
func (s *Store) pageFrom(f Filter, o sortOrder, walk bool) string {
	switch {
	case s.dialect != DialectSQLite, !walk && (f.Site != "" || len(f.Status) > 0):
		return "submissions s"
	case walk && o.col == "updated_at":
		return "submissions s INDEXED BY submissions_updated"
	default:
		return "submissions s INDEXED BY submissions_queue_created"
	}
}

// Queue returns one page of the editors' queue: the per-status counts
// (which also give the total; a search's are capped, see QueueCountCap) and
// the page itself, with each row's assignee joined in, the body cut to an
// excerpt. Under the cap, one pass over a search's matches gives both.
func (s *Store) Queue(ctx context.Context, f Filter) (QueuePage, error) {
	o, ok := sortOrders[f.Sort]
	if !ok {
		return QueuePage{}, fmt.Errorf("store: queue: unknown sort %q", f.Sort)
	}
	page, perPage := pageBounds(f)
	out := QueuePage{Items: []QueueItem{}}
	keys, err := s.queueTotals(ctx, f, &out, o, perPage, (page-1)*perPage)
	if err != nil {
		return QueuePage{}, fmt.Errorf("store: queue: %w", err)
	}
	if out.Total == 0 || keys != nil && len(keys) == 0 {
		return out, nil
	}
	var (
		a          args
		from, rest string
	)
	if keys != nil {
		ph := make([]string, len(keys))
		for i, k := range keys {
			ph[i] = a.add(k)
		}
		from, rest = "submissions s", " WHERE "+s.rowKey("s")+" IN ("+strings.Join(ph, ", ")+")"
	} else {
		walk, use := out.Total >= pageWalkMin, searchPlanned
		if walk {
			use = searchProbe
		}
		from = s.pageFrom(f, o, walk)
		rest = where(s.conds(f, &a, true, use))
	}
	rest += " ORDER BY " + o.sql("s")
	if keys == nil {
		rest += " LIMIT " + a.add(perPage) + " OFFSET " + a.add((page-1)*perPage)
	}
	if out.Items, err = s.queueItems(ctx, from, rest, a); err != nil {
		return QueuePage{}, fmt.Errorf("store: queue: %w", err)
	}
	return out, nil
}

// queueItems reads the queue rows of the submissions s that from and rest
// (WHERE on) select, with their assignees.
func (s *Store) queueItems(ctx context.Context, from, rest string, a args) ([]QueueItem, error) {
	findings := "json_array_length(s.findings)"
	if s.dialect == DialectPostgres {
		findings = "json_array_length(s.findings::json)"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT s.id, s.kind, s.status, s.title,
		substr(s.body, 1, `+fmt.Sprint(ExcerptChars)+`), s.language, s.site, s.author_role, s.word_count, s.reading_minutes,
		CASE WHEN s.findings IS NULL OR s.findings NOT LIKE '[%' THEN -1 ELSE `+findings+` END,
		CASE WHEN s.has_attachments THEN 1 ELSE 0 END,
		s.created_at, s.updated_at, COALESCE(x.user_id, ''), COALESCE(u.name, ''), COALESCE(u.email, '')
		FROM `+from+`
		LEFT JOIN assignments x ON x.submission_id = s.id
		LEFT JOIN users u ON u.id = x.user_id`+rest, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	items := []QueueItem{}
	for rows.Next() {
		var (
			it                         QueueItem
			status                     string
			words, minutes, finds, att int64
			created, updated           int64
		)
		if err := rows.Scan(&it.ID, &it.Kind, &status, &it.Title, &it.Excerpt, &it.Language, &it.Site,
			&it.AuthorRole, &words, &minutes, &finds, &att, &created, &updated,
			&it.AssigneeID, &it.AssigneeName, &it.AssigneeEmail); err != nil {
			return nil, err
		}
		it.Status = Status(status)
		it.WordCount, it.ReadingMinutes, it.Findings = int(words), int(minutes), int(finds)
		it.HasAttachments = att == 1
		it.CreatedAt, it.UpdatedAt = fromMicros(created), fromMicros(updated)
		items = append(items, it)
	}
	return items, rows.Err()
}

// queueTotals fills p's Counts, Total and CountsCapped, and returns the row
// keys of f's page (in no order, non-nil) when counting read them too, nil
// when the page is still to be found. Without a search the counts are
// exact, from the covering indexes; a search's are capped (searchTotals).
func (s *Store) queueTotals(ctx context.Context, f Filter, p *QueuePage, o sortOrder, perPage, offset int) ([]any, error) {
	if len(searchTerms(f.Query)) > 0 {
		return s.searchTotals(ctx, f, p, o, perPage, offset)
	}
	counts, err := s.statusCounts(ctx, f)
	p.Counts, p.Total = counts, selected(f, counts)
	return nil, err
}

// selected adds up the counts of f's statuses (all without a status filter).
func selected(f Filter, counts map[Status]int) int {
	n := 0
	for st, c := range counts {
		if len(f.Status) == 0 || slices.Contains(f.Status, st) {
			n += c
		}
	}
	return n
}

// statusCounts counts the submissions matching f but its status filter, by
// status, f searching for nothing. The filtered columns all come from one
// covering index: the site one when f names a site, else the status one.
func (s *Store) statusCounts(ctx context.Context, f Filter) (map[Status]int, error) {
	var a args
	rows, err := s.db.QueryContext(ctx, `SELECT s.status, COUNT(*) FROM submissions s`+
		where(s.conds(f, &a, false, searchPlanned))+` GROUP BY s.status`, a...)
	if err != nil {
		return nil, fmt.Errorf("counts: %w", err)
	}
	defer rows.Close()
	out := map[Status]int{}
	for rows.Next() {
		var (
			st string
			n  int
		)
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("counts: %w", err)
		}
		out[Status(st)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("counts: %w", err)
	}
	return out, nil
}
