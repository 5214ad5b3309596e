package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Outlet is a newspaper or site staff pitch pieces to.
type Outlet struct {
	ID            string
	Name          string
	Language      string // en | es
	WordLimit     int    // 0: no limit
	ExclusiveDays int    // days a pitch keeps the piece exclusive; 0: none
	ContactEmail  string
	Notes         string
	TakesStories  bool
	TakesOpEds    bool
	TakesLetters  bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

const outletColumns = `id, name, language, word_limit, exclusive_days, contact_email, notes,
	takes_stories, takes_opeds, takes_letters, created_at, updated_at`

func scanOutlet(r scanner) (Outlet, error) {
	var (
		o                Outlet
		created, updated int64
	)
	if err := r.Scan(&o.ID, &o.Name, &o.Language, &o.WordLimit, &o.ExclusiveDays, &o.ContactEmail, &o.Notes,
		&o.TakesStories, &o.TakesOpEds, &o.TakesLetters, &created, &updated); err != nil {
		return Outlet{}, err
	}
	o.CreatedAt, o.UpdatedAt = fromMicros(created), fromMicros(updated)
	return o, nil
}

// Outlets lists every outlet by name.
func (s *Store) Outlets(ctx context.Context) ([]Outlet, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+outletColumns+` FROM outlets ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("store: outlets: %w", err)
	}
	defer rows.Close()
	var out []Outlet
	for rows.Next() {
		o, err := scanOutlet(rows)
		if err != nil {
			return nil, fmt.Errorf("store: outlets: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: outlets: %w", err)
	}
	return out, nil
}

// Outlet returns outlet id; ErrNotFound if there is none.
func (s *Store) Outlet(ctx context.Context, id string) (Outlet, error) {
	o, err := scanOutlet(s.db.QueryRowContext(ctx, `SELECT `+outletColumns+` FROM outlets WHERE id = $1`, id))
	if err != nil {
		return Outlet{}, fmt.Errorf("store: outlet %s: %w", id, notFound(err))
	}
	return o, nil
}

// CreateOutlet stores o, with the audit entry audit returns for it (nil
// for none) in the same transaction; ID and the times are filled.
func (s *Store) CreateOutlet(ctx context.Context, o Outlet, audit func(Outlet) AuditEntry) (Outlet, error) {
	o.ID, o.CreatedAt = newID(), now()
	o.UpdatedAt = o.CreatedAt
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO outlets (`+outletColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			o.ID, o.Name, o.Language, o.WordLimit, o.ExclusiveDays, o.ContactEmail, o.Notes,
			o.TakesStories, o.TakesOpEds, o.TakesLetters, micros(o.CreatedAt), micros(o.UpdatedAt))
		return auditIn(ctx, tx, err, audit, o, o.CreatedAt)
	})
	if err != nil {
		return Outlet{}, fmt.Errorf("store: create outlet: %w", err)
	}
	return o, nil
}

// UpdateOutlet replaces the fields of outlet o.ID with o's, with the audit
// entry audit returns for it (nil for none) in the same transaction;
// UpdatedAt is filled. ErrNotFound if there is no such outlet.
func (s *Store) UpdateOutlet(ctx context.Context, o Outlet, audit func(Outlet) AuditEntry) (Outlet, error) {
	o.UpdatedAt = now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outlets SET name = $1, language = $2, word_limit = $3, exclusive_days = $4,
			contact_email = $5, notes = $6, takes_stories = $7, takes_opeds = $8, takes_letters = $9, updated_at = $10
			WHERE id = $11`, o.Name, o.Language, o.WordLimit, o.ExclusiveDays, o.ContactEmail, o.Notes,
			o.TakesStories, o.TakesOpEds, o.TakesLetters, micros(o.UpdatedAt), o.ID)
		if err == nil {
			err = mustAffect(res)
		}
		return auditIn(ctx, tx, err, audit, o, o.UpdatedAt)
	})
	if err != nil {
		return Outlet{}, fmt.Errorf("store: update outlet %s: %w", o.ID, err)
	}
	return o, nil
}

// auditIn writes, after a write that returned err, the audit entry audit
// returns for o at t in tx; nothing when the write failed or audit is nil.
func auditIn(ctx context.Context, tx *sql.Tx, err error, audit func(Outlet) AuditEntry, o Outlet, t time.Time) error {
	if err != nil || audit == nil {
		return err
	}
	e := audit(o)
	e.At = t
	return insertAudit(ctx, tx, e)
}
