package store

import (
	"context"
	"fmt"
	"strings"
)

// Page sizes for ListSubmissions.
const (
	DefaultPerPage = 25
	MaxPerPage     = 100
)

// ListSubmissions returns one page of the submissions matching f, newest
// first, without attachments, and the number of all matching submissions.
// Query is a case-insensitive substring match on title and body (SQLite
// folds ASCII letters only).
func (s *Store) ListSubmissions(ctx context.Context, f Filter) ([]Submission, int, error) {
	page, perPage := f.Page, f.PerPage
	if page < 1 {
		page = 1
	}
	if perPage <= 0 {
		perPage = DefaultPerPage
	}
	perPage = min(perPage, MaxPerPage)

	var (
		conds []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if len(f.Status) > 0 {
		ph := make([]string, len(f.Status))
		for i, st := range f.Status {
			ph[i] = arg(string(st))
		}
		conds = append(conds, "status IN ("+strings.Join(ph, ", ")+")")
	}
	if f.Kind != "" {
		conds = append(conds, "kind = "+arg(f.Kind))
	}
	if f.Site != "" {
		// Sites are typed by submitters: "austin" and "Austin" are one site.
		conds = append(conds, "lower(site) = lower("+arg(f.Site)+")")
	}
	if f.Language != "" {
		conds = append(conds, "language = "+arg(f.Language))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		// lower() on both sides rather than ILIKE, which SQLite lacks.
		p := arg("%" + escapeLike(strings.ToLower(q)) + "%")
		conds = append(conds, `(lower(title) LIKE `+p+` ESCAPE '\' OR lower(body) LIKE `+p+` ESCAPE '\')`)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}

	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM submissions`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: list submissions: count: %w", err)
	}
	limit, offset := arg(perPage), arg((page-1)*perPage)
	rows, err := s.db.QueryContext(ctx, `SELECT `+submissionColumns+` FROM submissions`+where+
		` ORDER BY created_at DESC, id DESC LIMIT `+limit+` OFFSET `+offset, args...)
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

// escapeLike makes %, _ and \ in user input match themselves.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Counts returns the number of submissions in each status; statuses with
// none are absent.
func (s *Store) Counts(ctx context.Context) (map[Status]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT status, COUNT(*) FROM submissions GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("store: counts: %w", err)
	}
	defer rows.Close()
	out := map[Status]int{}
	for rows.Next() {
		var (
			st string
			n  int
		)
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: counts: %w", err)
		}
		out[Status(st)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: counts: %w", err)
	}
	return out, nil
}
