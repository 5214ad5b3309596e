package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Export job states.
const (
	ExportQueued  = "queued"
	ExportRunning = "running"
	ExportDone    = "done"
	ExportFailed  = "failed"
	// ExportExpired: the archive outlived its life and was deleted.
	ExportExpired = "expired"
)

// Export is one staff export job.
type Export struct {
	ID          string
	RequestedBy string // user id
	Status      string // queued | running | done | failed | expired | revoked
	Filter      ExportFilter
	SiteScope   string // the requester's site; "" = all sites. Only that scope sees it.
	Done, Total int    // pieces written so far, of Total
	Count       int    // pieces in the finished archive
	ObjectKey   string // exports/<id>.zip once done
	Size        int64
	Error       string // a short reason when failed, never personal data
	CreatedAt   time.Time
	UpdatedAt   time.Time
	FinishedAt  time.Time
	// RevokedReason says why the archive was deleted (status revoked).
	RevokedReason string
	RevokedAt     time.Time
}

// Progress is the share of pieces written, 0..1.
func (e Export) Progress() float64 {
	switch {
	case e.Status == ExportDone:
		return 1
	case e.Total <= 0:
		return 0
	}
	return min(1, float64(e.Done)/float64(e.Total))
}

const exportColumns = `id, requested_by, status, filter, site_scope, done, total, count, object_key, size, error,
	created_at, updated_at, finished_at, revoked_reason, revoked_at`

// CreateExport stores a queued export and its outbox task in one
// transaction. ID and times are filled; the stored export is returned.
func (s *Store) CreateExport(ctx context.Context, e Export, task OutboxTask) (Export, error) {
	if e.ID == "" {
		e.ID = newID()
	}
	e.Status, e.CreatedAt = ExportQueued, now()
	e.UpdatedAt = e.CreatedAt
	filter, err := json.Marshal(e.Filter)
	if err != nil {
		return Export{}, fmt.Errorf("store: create export: %w", err)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO exports (id, requested_by, status, filter, site_scope, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			e.ID, e.RequestedBy, e.Status, string(filter), e.SiteScope, micros(e.CreatedAt), micros(e.UpdatedAt)); err != nil {
			return err
		}
		return insertOutbox(ctx, tx, &task, true)
	})
	if err != nil {
		return Export{}, fmt.Errorf("store: create export: %w", err)
	}
	return e, nil
}

// StartExport moves a queued (or, after a crash, running) export to running
// with its total. ErrConflict when it already finished.
func (s *Store) StartExport(ctx context.Context, id string, total int) error {
	res, err := s.db.ExecContext(ctx, `UPDATE exports SET status = $1, total = $2, done = 0, updated_at = $3
		WHERE id = $4 AND status IN ('queued', 'running')`, ExportRunning, total, micros(now()), id)
	if err == nil {
		err = affectedOr(res, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: start export %s: %w", id, err)
	}
	return nil
}

// ExportProgress records how many pieces are written.
func (s *Store) ExportProgress(ctx context.Context, id string, done int) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE exports SET done = $1, updated_at = $2 WHERE id = $3 AND status = 'running'`,
		done, micros(now()), id); err != nil {
		return fmt.Errorf("store: export progress %s: %w", id, err)
	}
	return nil
}

// FinishExport records a finished export and marks its outbox row taskID done.
// ErrConflict when the export was revoked while it ran (a piece in it was
// withdrawn): the caller deletes the archive it just stored.
func (s *Store) FinishExport(ctx context.Context, id string, count int, key string, size int64, taskID string) error {
	revoked := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		t := micros(now())
		res, err := tx.ExecContext(ctx, `UPDATE exports SET status = $1, count = $2, done = $3, object_key = $4, size = $5,
			updated_at = $6, finished_at = $7 WHERE id = $8 AND status IN ('queued', 'running')`, ExportDone, count, count, key, size, t, t, id)
		if err != nil {
			return err
		}
		n, err := rowsAffected(res)
		if err != nil {
			return err
		}
		revoked = n == 0
		return markDoneIfAny(ctx, tx, taskID)
	})
	if err == nil && revoked {
		err = ErrConflict
	}
	if err != nil {
		return fmt.Errorf("store: finish export %s: %w", id, err)
	}
	return nil
}

// FailExport records a failed export and marks its outbox row taskID done.
func (s *Store) FailExport(ctx context.Context, id, reason, taskID string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		t := micros(now())
		if _, err := tx.ExecContext(ctx, `UPDATE exports SET status = $1, error = $2, updated_at = $3, finished_at = $4
			WHERE id = $5 AND status NOT IN ('done', 'expired', 'revoked')`, ExportFailed, reason, t, t, id); err != nil {
			return err
		}
		return markDoneIfAny(ctx, tx, taskID)
	})
	if err != nil {
		return fmt.Errorf("store: fail export %s: %w", id, err)
	}
	return nil
}

// ExportByID returns one export.
func (s *Store) ExportByID(ctx context.Context, id string) (Export, error) {
	e, err := scanExport(s.db.QueryRowContext(ctx, `SELECT `+exportColumns+` FROM exports WHERE id = $1`, id))
	if err != nil {
		return Export{}, fmt.Errorf("store: export %s: %w", id, notFound(err))
	}
	return e, nil
}

// Exports returns the latest exports, newest first; siteScope "" lists all.
func (s *Store) Exports(ctx context.Context, siteScope string, limit int) ([]Export, error) {
	q, args := `SELECT `+exportColumns+` FROM exports`, []any{}
	if siteScope != "" {
		q += ` WHERE lower(site_scope) = lower($1)`
		args = append(args, siteScope)
	}
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, q+fmt.Sprintf(` ORDER BY created_at DESC, id DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("store: exports: %w", err)
	}
	defer rows.Close()
	var out []Export
	for rows.Next() {
		e, err := scanExport(rows)
		if err != nil {
			return nil, fmt.Errorf("store: exports: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: exports: %w", err)
	}
	return out, nil
}

func scanExport(r scanner) (Export, error) {
	var (
		e                  Export
		filter             string
		done, total, count int64
		created, updated   int64
		finished, revoked  sql.NullInt64
	)
	if err := r.Scan(&e.ID, &e.RequestedBy, &e.Status, &filter, &e.SiteScope, &done, &total, &count, &e.ObjectKey, &e.Size,
		&e.Error, &created, &updated, &finished, &e.RevokedReason, &revoked); err != nil {
		return Export{}, err
	}
	if err := json.Unmarshal([]byte(filter), &e.Filter); err != nil {
		return Export{}, fmt.Errorf("filter: %w", err)
	}
	e.Done, e.Total, e.Count = int(done), int(total), int(count)
	e.CreatedAt, e.UpdatedAt, e.FinishedAt = fromMicros(created), fromMicros(updated), fromNullMicros(finished)
	e.RevokedAt = fromNullMicros(revoked)
	return e, nil
}

// NewExportID returns a fresh export id, so the caller can build the
// export's outbox task before CreateExport.
func NewExportID() string { return newID() }
