// Package store is StoryDesk's SQL store: one concrete type over
// database/sql that speaks both SQLite (the embedded default) and PostgreSQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// The dialects Store speaks.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// Store is the SQL store. Both drivers accept $1-style placeholders
// (modernc binds $NNN by ordinal), so every query is written once.
type Store struct {
	db      *sql.DB
	dialect string
	errs    *errHook // see OnError
}

// Open connects to the database named by rawURL: sqlite://PATH, sqlite:PATH,
// file:PATH, or postgres://… / postgresql://…. It pings before returning so
// a bad URL fails at start-up rather than on the first request.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	var (
		db      *sql.DB
		dialect string
		err     error
		hook    = &errHook{}
	)
	switch {
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		dialect = DialectPostgres
		db, err = openCounted("pgx", rawURL, hook)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		// As many idle as open: a pool that shrinks after each burst closes
		// connections only to open new ones at the next (a PostgreSQL
		// backend process each, 30 in a 10 s intake load with 10 idle).
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20)
		db.SetConnMaxIdleTime(5 * time.Minute)
		// Recycle connections so a failover or pgbouncer restart is picked up.
		db.SetConnMaxLifetime(30 * time.Minute)
	case strings.HasPrefix(rawURL, "sqlite:"), strings.HasPrefix(rawURL, "file:"):
		dialect = DialectSQLite
		dsn, err := sqliteDSN(rawURL)
		if err != nil {
			return nil, err
		}
		db, err = openCounted("sqlite", dsn, hook)
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		// WAL lets readers run beside the single writer; more connections
		// than cores only adds writers queueing on busy_timeout.
		n := max(4, runtime.NumCPU())
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
	default:
		return nil, fmt.Errorf("store: open: unsupported database URL scheme (want sqlite:// or postgres://)")
	}
	s := &Store{db: db, dialect: dialect, errs: hook}
	if err := s.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// sqliteDSN turns a sqlite URL into a modernc DSN with the pragmas every
// connection needs, and creates the file's directory. Immediate
// transactions take the write lock at BEGIN, so concurrent writers wait on
// busy_timeout instead of failing with SQLITE_BUSY when a read lock would
// have to be upgraded.
func sqliteDSN(rawURL string) (string, error) {
	path, extra := sqlitePath(rawURL)
	if path == "" || path == ":memory:" {
		// Each pooled connection would get its own empty in-memory database.
		return "", fmt.Errorf("store: open sqlite: a file path is required")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("store: open sqlite: create directory: %w", err)
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// Deleted rows (a withdrawn story, erased contact details) are
	// overwritten with zeros, not left in free pages of the file.
	q.Add("_pragma", "secure_delete(1)")
	// The write-ahead log keeps old page images, deleted rows included,
	// until a checkpoint rewrites it from the start: ForgetDeleted empties it
	// after deletions; these bound what it holds in between (about 4 MiB of
	// pages before a checkpoint, and the file cut back to 4 MiB after one).
	q.Add("_pragma", "wal_autocheckpoint(1000)")
	q.Add("_pragma", "journal_size_limit(4194304)")
	// Sorts and temporary tables stay in memory, not in files that would
	// hold rows outside the data directory's three database files.
	q.Add("_pragma", "temp_store(2)")
	q.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + q.Encode()
	if extra != "" {
		dsn += "&" + extra
	}
	return dsn, nil
}

// sqlitePath splits a sqlite URL into the file's path and extra DSN parameters.
func sqlitePath(rawURL string) (path, extra string) {
	path = rawURL
	for _, prefix := range []string{"sqlite://", "sqlite:", "file://", "file:"} {
		if strings.HasPrefix(path, prefix) {
			path = strings.TrimPrefix(path, prefix)
			break
		}
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path, extra = path[:i], path[i+1:]
	}
	return path, extra
}

// busyTimeout is how long, in milliseconds, a SQLite connection waits for
// a lock before it answers SQLITE_BUSY.
const busyTimeout = 10000

// Close closes the connection pool.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Ping checks that the database answers, for /readyz.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping %s: %w", s.dialect, err)
	}
	return nil
}

// inTx runs fn in one transaction and commits if fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// queryer is what *sql.DB and *sql.Tx share, so reads can run in or out of
// a transaction.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

var (
	_ queryer = (*sql.DB)(nil)
	_ queryer = (*sql.Tx)(nil)
)

// scanner is what *sql.Row and *sql.Rows share.
type scanner interface {
	Scan(dest ...any) error
}

// newID returns a UUIDv7: time-ordered, so ids also break ties in
// created_at ordering and keep B-tree inserts local.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// now is the current time at the precision stored (microseconds), so what a
// method returns equals what a later read returns.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Times are stored as BIGINT unix microseconds in both dialects: one
// representation, no driver-specific time parsing, and sortable.
func micros(t time.Time) int64 { return t.UnixMicro() }

// nullMicros stores a zero time as NULL ("not yet").
func nullMicros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

func fromNullMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMicros(v.Int64)
}

// nullString stores "" as NULL, for unique columns where "none" must not collide.
func nullString(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// rowsAffected returns the affected row count of res.
func rowsAffected(res sql.Result) (int64, error) {
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("rows affected: %w", err)
	}
	return n, nil
}

// notFound maps sql.ErrNoRows to ErrNotFound and leaves other errors alone.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
