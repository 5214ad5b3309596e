package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// The dialects differ in column types (BOOLEAN, BIGINT, STRICT tables), so
// each has its own migration directory rather than one file with templating.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// migrationLockID is the PostgreSQL advisory lock key held while migrating
// (crc32 of "storydesk"), distinct from goose's default so another goose-using
// application on the same database cannot block us or be blocked.
const migrationLockID int64 = 0xecc19dd6

// Migrate applies the pending migrations. It is safe to call repeatedly and,
// on PostgreSQL, from several processes at once: the first takes a session
// advisory lock and the others wait for it, then find nothing to do.
func (s *Store) Migrate(ctx context.Context) error {
	dir, err := fs.Sub(migrations, "migrations/"+s.dialect)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	dialect := goose.DialectSQLite3
	opts := []goose.ProviderOption{
		goose.WithLogger(goose.NopLogger()),
		// Only our SQL files: a Go migration registered globally elsewhere must not leak in.
		goose.WithDisableGlobalRegistry(true),
	}
	if s.dialect == DialectPostgres {
		dialect = goose.DialectPostgres
		// Poll every second (goose's default is 5s) for up to 5 minutes, so
		// replicas starting together do not each wait 5s for a quick migration.
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrationLockID), lock.WithLockTimeout(1, 300))
		if err != nil {
			return fmt.Errorf("store: migrate: locker: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	// SQLite needs no locker: immediate transactions already serialise
	// writers, and the embedded default is a single process.
	p, err := goose.NewProvider(dialect, s.db, dir, opts...)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}
