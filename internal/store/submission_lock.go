package store

import (
	"context"
	"database/sql"
)

// lockStatus reads submission id's status in tx and holds its row until
// commit, so a status decided on cannot change before the transaction
// writes: FOR UPDATE on PostgreSQL, while SQLite's immediate transaction
// already holds the database write lock. ErrNotFound for an unknown id.
func (s *Store) lockStatus(ctx context.Context, tx *sql.Tx, id string) (Status, error) {
	var cur string
	if err := tx.QueryRowContext(ctx, `SELECT status FROM submissions WHERE id = $1`+s.forUpdate(), id).Scan(&cur); err != nil {
		return "", notFound(err)
	}
	return Status(cur), nil
}

// forUpdate is the clause that locks the selected rows until commit on
// PostgreSQL; nothing on SQLite, whose immediate transaction already holds
// the database write lock.
func (s *Store) forUpdate() string {
	if s.dialect == DialectPostgres {
		return " FOR UPDATE"
	}
	return ""
}
