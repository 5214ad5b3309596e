package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/storydesk/storydesk/internal/blob"
)

// ExportRevoked is the state of an export whose archive held a piece that
// was withdrawn or deleted after the archive was built: the archive is
// deleted and its download answers 410 with RevokedReason.
const ExportRevoked = "revoked"

// RevokeTask builds the outbox task that deletes a revoked export's archive
// (task.ExportRevoke). The store calls it for each export it revokes, in the
// revoking transaction; it never spells a task itself.
type RevokeTask func(exportID string) OutboxTask

// Why an export was revoked, as staff read it. No personal data: the
// reasons name what happened, never to whom.
const (
	RevokedWithdrawn = "a piece in it was withdrawn by its submitter"
	RevokedDeleted   = "a piece in it was deleted on the retention schedule"
)

// ExportDownload is one download of an export's archive.
type ExportDownload struct {
	UserID  string
	Account string // the account's e-mail address when it downloaded
	At      time.Time
}

// revokeExportsOf revokes every export that holds submission id and is
// queued, running, done or expired, in tx, and writes each one's
// archive-deletion task, revoke(export id), to the outbox. The download answers 410 from the
// moment tx commits; the task (re-enqueued by the reconciler if need be)
// deletes the archive. An expired export has no archive left, but its
// downloaded copies are still out there: revoked, it lists them for staff.
// It returns the archives' keys and the tasks.
func revokeExportsOf(ctx context.Context, tx *sql.Tx, id, reason string, revoke RevokeTask) ([]string, []OutboxTask, error) {
	t := micros(now())
	rows, err := tx.QueryContext(ctx, `UPDATE exports SET status = $1, revoked_reason = $2, revoked_at = $3, updated_at = $3
		WHERE status IN ('queued', 'running', 'done', 'expired')
		AND id IN (SELECT export_id FROM export_pieces WHERE submission_id = $4) RETURNING id`,
		ExportRevoked, reason, t, id)
	if err != nil {
		return nil, nil, fmt.Errorf("revoke exports: %w", err)
	}
	var ids []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("revoke exports: %w", err)
		}
		ids = append(ids, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("revoke exports: %w", err)
	}
	var keys []string
	var tasks []OutboxTask
	for _, e := range ids {
		task := revoke(e)
		if err := insertOutbox(ctx, tx, &task, true); err != nil {
			return nil, nil, fmt.Errorf("revoke exports: %w", err)
		}
		keys, tasks = append(keys, blob.ExportKey(e)), append(tasks, task)
	}
	return keys, tasks, nil
}

// recordExportPieces records that export exportID holds the pieces ids,
// in tx, before the pieces are written: a withdrawal that commits after
// this finds the export and revokes it.
func recordExportPieces(ctx context.Context, tx *sql.Tx, exportID string, ids []string) error {
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO export_pieces (export_id, submission_id) VALUES ($1, $2)
			ON CONFLICT DO NOTHING`, exportID, id); err != nil {
			return fmt.Errorf("record export pieces: %w", err)
		}
	}
	return nil
}

// RecordExportDownload records that account (userID) downloaded export id's
// archive now, so that, should the export be revoked, staff know whom to
// ask to delete the copy.
func (s *Store) RecordExportDownload(ctx context.Context, id, userID, account string) error {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO export_downloads (export_id, user_id, account, downloaded_at)
		VALUES ($1, $2, $3, $4)`, id, userID, account, micros(now())); err != nil {
		return fmt.Errorf("store: record export download %s: %w", id, err)
	}
	return nil
}

// ExportDownloads lists the downloads of export id's archive, oldest first.
func (s *Store) ExportDownloads(ctx context.Context, id string) ([]ExportDownload, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT user_id, account, downloaded_at FROM export_downloads
		WHERE export_id = $1 ORDER BY downloaded_at`, id)
	if err != nil {
		return nil, fmt.Errorf("store: export downloads %s: %w", id, err)
	}
	defer rows.Close()
	var out []ExportDownload
	for rows.Next() {
		var d ExportDownload
		var at int64
		if err := rows.Scan(&d.UserID, &d.Account, &at); err != nil {
			return nil, fmt.Errorf("store: export downloads %s: %w", id, err)
		}
		d.At = fromMicros(at)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: export downloads %s: %w", id, err)
	}
	return out, nil
}
