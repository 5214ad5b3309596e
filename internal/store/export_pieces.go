package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// ExportFilter selects the pieces of an export. Withdrawn pieces and pieces
// whose consent is internal are never selected, whatever the filter says.
type ExportFilter struct {
	Status []Status  `json:"status"` // default approved, published
	Since  time.Time `json:"since"`  // submitted at or after; zero = no bound
	Until  time.Time `json:"until"`  // submitted before; zero = no bound
	Site   string    `json:"site"`   // case-insensitive
	Kind   string    `json:"kind"`
}

// ExportCursor is where the previous batch ended (keyset pagination).
type ExportCursor struct {
	CreatedAt time.Time
	ID        string
}

// ExportPiece is one submission of an export, with its attachments, its
// publication time (zero when not published) and its approved
// translations, by language.
type ExportPiece struct {
	Submission
	PublishedAt  time.Time
	Translations []ExportTranslation
}

// extraScanner scans the submission columns followed by extra ones.
type extraScanner struct {
	r     scanner
	extra []any
}

func (e extraScanner) Scan(dest ...any) error { return e.r.Scan(append(dest, e.extra...)...) }

func (f ExportFilter) where() (string, []any) {
	statuses := f.Status
	if len(statuses) == 0 {
		statuses = []Status{StatusApproved, StatusPublished}
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	ph := make([]string, len(statuses))
	for i, st := range statuses {
		ph[i] = arg(string(st))
	}
	conds := []string{"status IN (" + strings.Join(ph, ", ") + ")",
		"status <> " + arg(string(StatusWithdrawn)), "consent_publish <> " + arg("internal")}
	if !f.Since.IsZero() {
		conds = append(conds, "created_at >= "+arg(micros(f.Since)))
	}
	if !f.Until.IsZero() {
		conds = append(conds, "created_at < "+arg(micros(f.Until)))
	}
	if f.Site != "" {
		conds = append(conds, "lower(site) = lower("+arg(f.Site)+")")
	}
	if f.Kind != "" {
		conds = append(conds, "kind = "+arg(f.Kind))
	}
	return strings.Join(conds, " AND "), args
}

// CountExport counts the pieces f selects, for progress.
func (s *Store) CountExport(ctx context.Context, f ExportFilter) (int, error) {
	where, args := f.where()
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM submissions WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count export: %w", err)
	}
	return n, nil
}

// ExportBatchFor returns up to limit pieces that f selects after cursor,
// oldest first, with attachments. Batches keep memory flat however many
// pieces there are, and hold no cursor open while the caller writes to S3.
// For a staff export (exportID not empty) the pieces are recorded as the
// export's before they are returned, in the same transaction as the read,
// so a withdrawal either commits first (and the piece is not selected) or
// finds the export and revokes it. On PostgreSQL the rows are share-locked
// to make that so: a withdrawal's update waits for the record to commit,
// and the read waits for a withdrawal in flight and then sees the piece
// withdrawn.
func (s *Store) ExportBatchFor(ctx context.Context, exportID string, f ExportFilter, after ExportCursor, limit int) ([]ExportPiece, error) {
	where, args := f.where()
	if after.ID != "" {
		n := len(args)
		where += fmt.Sprintf(" AND (created_at > $%d OR (created_at = $%d AND id > $%d))", n+1, n+2, n+3)
		args = append(args, micros(after.CreatedAt), micros(after.CreatedAt), after.ID)
	}
	args = append(args, limit)
	q := `SELECT ` + submissionColumns("submissions") + `,
		(SELECT published_at FROM publications p WHERE p.submission_id = submissions.id)
		FROM submissions WHERE ` + where + fmt.Sprintf(` ORDER BY created_at, id LIMIT $%d`, len(args))
	var (
		out []ExportPiece
		err error
	)
	if exportID == "" {
		out, err = exportRows(ctx, s.db, q, args)
	} else {
		if s.dialect == DialectPostgres {
			q += ` FOR SHARE OF submissions`
		}
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			var err error
			if out, err = exportRows(ctx, tx, q, args); err != nil {
				return err
			}
			ids := make([]string, len(out))
			for i, p := range out {
				ids[i] = p.ID
			}
			return recordExportPieces(ctx, tx, exportID, ids)
		})
	}
	if err != nil {
		return nil, fmt.Errorf("store: export batch: %w", err)
	}
	// Attachments and translations after the rows are closed: SQLite's pool
	// may be small. A piece withdrawn meanwhile is recorded as the export's
	// already, so its withdrawal revokes the archive, translations and all.
	ids := make([]string, len(out))
	for i := range out {
		if out[i].Attachments, err = attachments(ctx, s.db, out[i].ID); err != nil {
			return nil, fmt.Errorf("store: export batch: %w", err)
		}
		ids[i] = out[i].ID
	}
	translations, err := approvedTranslations(ctx, s.db, ids)
	if err != nil {
		return nil, fmt.Errorf("store: export batch: %w", err)
	}
	for i := range out {
		out[i].Translations = translations[out[i].ID]
	}
	return out, nil
}

// exportRows runs an export batch query.
func exportRows(ctx context.Context, q queryer, query string, args []any) ([]ExportPiece, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ExportPiece
	for rows.Next() {
		var published sql.NullInt64
		sub, err := scanSubmission(extraScanner{r: rows, extra: []any{&published}})
		if err != nil {
			return nil, err
		}
		out = append(out, ExportPiece{Submission: sub, PublishedAt: fromNullMicros(published)})
	}
	return out, rows.Err()
}
