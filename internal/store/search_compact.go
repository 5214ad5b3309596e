package store

import (
	"context"
	"fmt"
)

// CompactSearch removes deleted submissions' words from the search index's
// storage, keeping the promise that a deleted story leaves nothing behind.
// Code that deletes submissions calls it once after its batch: the merge
// rewrites the whole index (~90-160 ms at 10,000 submissions on SQLite,
// whatever the batch size), so running it per row, as the delete trigger
// once did, made the retention job slow (BenchmarkPurgeBatch). It is safe
// to call at any time; an index already merged is left as it is.
//
// SQLite: the index is contentless, so a deletion only records the
// document as gone; its words stay on the index pages, readable in the
// shadow tables, until 'optimize' merges every segment into one without
// them. PostgreSQL: the tsvector is a column of the row itself, so a
// deleted row's words are unreachable to every query once the deletion
// commits, and autovacuum reclaims the heap and GIN entries as it does
// for every other column; there is nothing to do here.
func (s *Store) CompactSearch(ctx context.Context) error {
	if s.dialect != DialectSQLite {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO submission_search (submission_search) VALUES ('optimize')`); err != nil {
		return fmt.Errorf("store: compact search index: %w", err)
	}
	return nil
}
