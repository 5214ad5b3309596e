package store

import (
	"context"
	"errors"
	"fmt"
)

// ErrLogBusy means a reader held the SQLite write-ahead log open, so the
// log could not be emptied: deleted rows may stay in it until the next
// ForgetDeleted, which the caller runs again later (the retention job does
// on its next run).
var ErrLogBusy = errors.New("store: checkpoint incomplete: a reader holds the write-ahead log")

// checkpointWait is how long ForgetDeleted waits for readers to leave the
// write-ahead log before it gives up until the next call.
const checkpointWait = 2000 // milliseconds

// ForgetDeleted makes deletions and erasures final in the database's
// files, for the promise that a deleted story leaves nothing behind. Code
// that deletes submissions or blanks personal fields calls it once after
// its batch.
//
// It compacts the search index (CompactSearch), then on SQLite copies the
// write-ahead log into the database, whose deleted content secure_delete
// has zeroed, and truncates the log to zero bytes: until then the log
// holds the old page images, a deleted piece's e-mail and body included.
// A reader in the middle of a transaction keeps the log from being
// emptied; after checkpointWait the call returns ErrLogBusy and leaves the
// rest to the next call. PostgreSQL keeps no such copy that a file scan
// could find in StoryDesk's data directory: its WAL and dead tuples are
// the server's, recycled by checkpoints and autovacuum.
func (s *Store) ForgetDeleted(ctx context.Context) error {
	if err := s.CompactSearch(ctx); err != nil {
		return err
	}
	if s.dialect != DialectSQLite {
		return nil
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: checkpoint: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, checkpointWait)); err != nil {
		return fmt.Errorf("store: checkpoint: %w", err)
	}
	var busy, logPages, copied int
	err = conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logPages, &copied)
	// The pool's connections all wait the same; put this one back as it was.
	if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA busy_timeout = %d`, busyTimeout)); rerr != nil {
		err = errors.Join(err, rerr)
	}
	if err != nil {
		return fmt.Errorf("store: checkpoint: %w", err)
	}
	if busy != 0 {
		return ErrLogBusy
	}
	return nil
}
