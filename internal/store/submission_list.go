package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Page sizes for ListSubmissions and Queue.
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

var sortOrders = map[string]string{
	"":          "s.created_at DESC, s.id DESC",
	SortNewest:  "s.created_at DESC, s.id DESC",
	SortOldest:  "s.created_at ASC, s.id ASC",
	SortUpdated: "s.updated_at DESC, s.id DESC",
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

// QueuePage is one page of the editors' queue.
type QueuePage struct {
	Items  []QueueItem
	Total  int            // submissions matching the filter, over all pages
	Counts map[Status]int // per status, matching every filter but the status one
}

// excerptChars is how much of the body a queue row shows.
const excerptChars = 240

// args collects query arguments and hands out their placeholders.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return fmt.Sprintf("$%d", len(*a))
}

// conds returns the WHERE conditions of f on submissions aliased s; without
// withStatus the status filter is left out (for the per-status counts).
func (s *Store) conds(f Filter, a *args, withStatus bool) []string {
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
	if f.HasAttachments != nil {
		c = append(c, not(!*f.HasAttachments)+"EXISTS (SELECT 1 FROM attachments a WHERE a.submission_id = s.id)")
	}
	if f.HasFindings != nil {
		// The review job writes a JSON array, "[]" when it found nothing.
		c = append(c, "COALESCE(s.findings, '[]') "+not(*f.HasFindings)+"IN ('[]', 'null', '')")
	}
	switch f.Assignee {
	case "":
	case AssigneeNone:
		c = append(c, "NOT EXISTS (SELECT 1 FROM assignments x WHERE x.submission_id = s.id)")
	default:
		c = append(c, "EXISTS (SELECT 1 FROM assignments x WHERE x.submission_id = s.id AND x.user_id = "+a.add(f.Assignee)+")")
	}
	if terms := searchTerms(f.Query); len(terms) > 0 {
		ph := a.add(nil)
		cond, value := s.searchCond(terms, ph)
		(*a)[len(*a)-1] = value
		c = append(c, cond)
	}
	return c
}

func not(b bool) string {
	if b {
		return "NOT "
	}
	return ""
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

// Queue returns one page of the editors' queue in two queries: the
// per-status counts (which also give the total) and the page itself, with
// each row's assignee joined in, the body cut to an excerpt.
func (s *Store) Queue(ctx context.Context, f Filter) (QueuePage, error) {
	order, ok := sortOrders[f.Sort]
	if !ok {
		return QueuePage{}, fmt.Errorf("store: queue: unknown sort %q", f.Sort)
	}
	page, perPage := pageBounds(f)
	out := QueuePage{Items: []QueueItem{}}
	var err error
	if out.Counts, err = s.statusCounts(ctx, f); err != nil {
		return QueuePage{}, fmt.Errorf("store: queue: %w", err)
	}
	for st, n := range out.Counts {
		if len(f.Status) == 0 || hasStatus(f.Status, st) {
			out.Total += n
		}
	}
	if out.Total == 0 {
		return out, nil
	}
	var a args
	w := where(s.conds(f, &a, true))
	findings := "json_array_length(s.findings)"
	if s.dialect == DialectPostgres {
		findings = "json_array_length(s.findings::json)"
	}
	q := `SELECT s.id, s.kind, s.status, s.title, substr(s.body, 1, ` + fmt.Sprint(excerptChars) + `), s.language, s.site,
		s.author_role, s.word_count, s.reading_minutes,
		CASE WHEN s.findings IS NULL OR s.findings NOT LIKE '[%' THEN -1 ELSE ` + findings + ` END,
		CASE WHEN EXISTS (SELECT 1 FROM attachments a WHERE a.submission_id = s.id) THEN 1 ELSE 0 END,
		s.created_at, s.updated_at, COALESCE(x.user_id, ''), COALESCE(u.name, ''), COALESCE(u.email, '')
		FROM submissions s
		LEFT JOIN assignments x ON x.submission_id = s.id
		LEFT JOIN users u ON u.id = x.user_id` + w +
		` ORDER BY ` + order + ` LIMIT ` + a.add(perPage) + ` OFFSET ` + a.add((page-1)*perPage)
	rows, err := s.db.QueryContext(ctx, q, a...)
	if err != nil {
		return QueuePage{}, fmt.Errorf("store: queue: %w", err)
	}
	defer rows.Close()
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
			return QueuePage{}, fmt.Errorf("store: queue: %w", err)
		}
		it.Status = Status(status)
		it.WordCount, it.ReadingMinutes, it.Findings = int(words), int(minutes), int(finds)
		it.HasAttachments = att == 1
		it.CreatedAt, it.UpdatedAt = fromMicros(created), fromMicros(updated)
		out.Items = append(out.Items, it)
	}
	if err := rows.Err(); err != nil {
		return QueuePage{}, fmt.Errorf("store: queue: %w", err)
	}
	return out, nil
}

func hasStatus(list []Status, st Status) bool {
	for _, s := range list {
		if s == st {
			return true
		}
	}
	return false
}

// statusCounts counts the submissions matching f but its status filter, by status.
func (s *Store) statusCounts(ctx context.Context, f Filter) (map[Status]int, error) {
	var a args
	rows, err := s.db.QueryContext(ctx, `SELECT s.status, COUNT(*) FROM submissions s`+
		where(s.conds(f, &a, false))+` GROUP BY s.status`, a...)
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

// ListSubmissions returns one page of the submissions matching f (sorted by
// f.Sort, newest first by default) without attachments, and the number of
// all matching submissions. It loads whole rows; the queue uses Queue.
func (s *Store) ListSubmissions(ctx context.Context, f Filter) ([]Submission, int, error) {
	order, ok := sortOrders[f.Sort]
	if !ok {
		return nil, 0, fmt.Errorf("store: list submissions: unknown sort %q", f.Sort)
	}
	page, perPage := pageBounds(f)
	var a args
	w := where(s.conds(f, &a, true))
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM submissions s`+w, a...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: list submissions: count: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+submissionColumns+` FROM submissions s`+w+
		` ORDER BY `+order+` LIMIT `+a.add(perPage)+` OFFSET `+a.add((page-1)*perPage), a...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list submissions: %w", err)
	}
	defer rows.Close()
	items := []Submission{}
	for rows.Next() {
		sub, err := scanSubmission(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: list submissions: %w", err)
		}
		items = append(items, sub)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: list submissions: %w", err)
	}
	return items, total, nil
}

// Counts returns the number of submissions in each status; statuses with
// none are absent.
func (s *Store) Counts(ctx context.Context) (map[Status]int, error) {
	out, err := s.statusCounts(ctx, Filter{})
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return out, nil
}
