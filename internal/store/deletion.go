package store

import (
	"context"
	"fmt"
)

// OnPurge is told, inside the purging transaction, which submission goes
// and which object keys went with it: the deletion log records it there,
// so no row is deleted without its entry (an error keeps the row).
type OnPurge func(id string, keys []string) error

// PurgeSubmissionLogged is PurgeSubmission with logged called before the
// deletion commits.
func (s *Store) PurgeSubmissionLogged(ctx context.Context, id string, c RetentionCutoffs, revoke RevokeTask, logged OnPurge) ([]string, error) {
	q, args := dueDelete(c, 2)
	return s.purge(ctx, id, q, args, revoke, logged)
}

// PurgeLogged deletes submission id whatever its status: the deletion log
// says it was deleted once already, and a restored backup or database
// brought it back. It returns the object keys as PurgeSubmission does, or
// ErrNotFound when the database does not hold it.
func (s *Store) PurgeLogged(ctx context.Context, id string, revoke RevokeTask) ([]string, error) {
	return s.purge(ctx, id, "1 = 1", nil, revoke, nil)
}

// SubmissionIDs returns the id of every submission: the deletion log names
// submissions by a hash of their id, so a start matches them all (an
// index-only scan, milliseconds for a hundred thousand rows).
func (s *Store) SubmissionIDs(ctx context.Context) ([]string, error) {
	ids, err := s.ids(ctx, `SELECT id FROM submissions`)
	if err != nil {
		return nil, fmt.Errorf("store: submission ids: %w", err)
	}
	return ids, nil
}
