package store

import (
	"context"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// Dialect is DialectSQLite or DialectPostgres.
func (s *Store) Dialect() string { return s.dialect }

// SQLiteFile returns the database file of a sqlite URL, and false for any
// other URL.
func SQLiteFile(rawURL string) (string, bool) {
	if !strings.HasPrefix(rawURL, "sqlite:") && !strings.HasPrefix(rawURL, "file:") {
		return "", false
	}
	path, _ := sqlitePath(rawURL)
	return path, path != ""
}

// SchemaVersion is the last migration applied to the database, 0 before any.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return v, nil
}

// LatestSchema is the last migration this build knows: a backup taken at a
// later one cannot be restored by it.
func LatestSchema() int64 {
	var latest int64
	entries, _ := fs.ReadDir(migrations, "migrations/sqlite")
	for _, e := range entries {
		num, _, _ := strings.Cut(e.Name(), "_")
		if n, err := strconv.ParseInt(num, 10, 64); err == nil && n > latest {
			latest = n
		}
	}
	return latest
}

// SnapshotSQLite writes a consistent copy of the SQLite database to path
// with VACUUM INTO, while the database stays in use: only live rows are
// copied (no free pages that held deleted ones) and the copy has no
// write-ahead log.
func (s *Store) SnapshotSQLite(ctx context.Context, path string) error {
	if s.dialect != DialectSQLite {
		return fmt.Errorf("store: snapshot: not a SQLite database")
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("store: snapshot: %w", err)
	}
	return nil
}

// Tables counts the tables in the database (its current schema on
// PostgreSQL): zero means a restore may write into it.
func (s *Store) Tables(ctx context.Context) (int, error) {
	q := `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()`
	if s.dialect == DialectSQLite {
		q = `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'`
	}
	var n int
	if err := s.db.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count tables: %w", err)
	}
	return n, nil
}

// ResetSchema drops every table, view and function in the PostgreSQL
// database's current schema and recreates the schema empty: what
// "restore --force" replaces.
func (s *Store) ResetSchema(ctx context.Context) error {
	if s.dialect != DialectPostgres {
		return fmt.Errorf("store: reset schema: not a PostgreSQL database")
	}
	var name string
	if err := s.db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&name); err != nil {
		return fmt.Errorf("store: reset schema: %w", err)
	}
	q := `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
	if _, err := s.db.ExecContext(ctx, `DROP SCHEMA `+q+` CASCADE`); err != nil {
		return fmt.Errorf("store: reset schema: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `CREATE SCHEMA `+q); err != nil {
		return fmt.Errorf("store: reset schema: %w", err)
	}
	return nil
}
