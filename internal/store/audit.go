package store

import (
	"context"
	"fmt"
	"time"
)

// AuditEntry is one line of the append-only audit log: logins, user changes,
// exports, contact-detail views, decisions. Detail never holds submitter
// personal data.
type AuditEntry struct {
	ID      string
	At      time.Time
	ActorID string // user id, "" for the system or a submitter
	Actor   string // e-mail of the user, "system" or "submitter"
	Action  string // e.g. "login", "login_failed", "user_created", "contact_viewed", "export"
	Target  string // what it concerns: a submission id, user id or export id
	Detail  string
}

// Audit appends an entry; ID and At are filled when empty.
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	if err := insertAudit(ctx, s.db, e); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// insertAudit appends e in q, for writes whose audit entry must commit or
// roll back with them; ID and At are filled when empty.
func insertAudit(ctx context.Context, q execer, e AuditEntry) error {
	if e.ID == "" {
		e.ID = newID()
	}
	if e.At.IsZero() {
		e.At = now()
	}
	_, err := q.ExecContext(ctx, `INSERT INTO audit (id, at, actor_id, actor, action, target, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.ID, micros(e.At), e.ActorID, e.Actor, e.Action, e.Target, e.Detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditLog returns entries newest first; target "" means all. limit caps the count.
func (s *Store) AuditLog(ctx context.Context, target string, limit int) ([]AuditEntry, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	q := `SELECT id, at, actor_id, actor, action, target, detail FROM audit`
	args := []any{}
	if target != "" {
		q += ` WHERE target = $1`
		args = append(args, target)
	}
	q += fmt.Sprintf(` ORDER BY at DESC, id DESC LIMIT %d`, limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.Actor, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, fmt.Errorf("store: audit log: %w", err)
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	return out, nil
}
