package store

import (
	"context"
	"fmt"
	"time"
)

// ExpiringExports returns up to limit done exports that finished before
// cutoff, oldest first: their archives are due for deletion.
func (s *Store) ExpiringExports(ctx context.Context, cutoff time.Time, limit int) ([]Export, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+exportColumns+` FROM exports
		WHERE status = $1 AND finished_at < $2 ORDER BY finished_at, id LIMIT $3`, ExportDone, micros(cutoff), limit)
	if err != nil {
		return nil, fmt.Errorf("store: expiring exports: %w", err)
	}
	defer rows.Close()
	var out []Export
	for rows.Next() {
		e, err := scanExport(rows)
		if err != nil {
			return nil, fmt.Errorf("store: expiring exports: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: expiring exports: %w", err)
	}
	return out, nil
}

// ExpireExport moves a done export to expired once its archive is deleted.
// It reports false when the export was no longer done: another worker
// expired it first, which is not an error.
func (s *Store) ExpireExport(ctx context.Context, id string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE exports SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4`,
		ExportExpired, micros(now()), id, ExportDone)
	if err != nil {
		return false, fmt.Errorf("store: expire export %s: %w", id, err)
	}
	n, err := rowsAffected(res)
	if err != nil {
		return false, fmt.Errorf("store: expire export %s: %w", id, err)
	}
	return n == 1, nil
}
