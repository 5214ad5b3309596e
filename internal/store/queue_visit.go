package store

import (
	"context"
	"fmt"
	"time"
)

// VisitQueue records that user looked at the queue at time at and returns
// the end of their previous visit: submissions created after it are "new
// since your last visit". A look within gap of the one before belongs to the
// same visit and keeps the same baseline, so paging or filtering does not
// clear the marks. The first visit ever returns the zero time.
func (s *Store) VisitQueue(ctx context.Context, userID string, at time.Time, gap time.Duration) (time.Time, error) {
	var baseline int64
	err := s.db.QueryRowContext(ctx, `INSERT INTO queue_visits (user_id, seen_at, baseline) VALUES ($1, $2, 0)
		ON CONFLICT (user_id) DO UPDATE SET
			baseline = CASE WHEN excluded.seen_at - queue_visits.seen_at > $3 THEN queue_visits.seen_at ELSE queue_visits.baseline END,
			seen_at = excluded.seen_at
		RETURNING baseline`, userID, micros(at), gap.Microseconds()).Scan(&baseline)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: visit queue: %w", err)
	}
	if baseline == 0 {
		return time.Time{}, nil
	}
	return fromMicros(baseline), nil
}

// CountNewSince counts the submissions created after since, in site ("" =
// every site, compared case-insensitively).
func (s *Store) CountNewSince(ctx context.Context, since time.Time, site string) (int, error) {
	var a args
	q := `SELECT COUNT(*) FROM submissions s WHERE s.created_at > ` + a.add(micros(since))
	if site != "" {
		q += ` AND lower(s.site) = lower(` + a.add(site) + `)`
	}
	var n int
	if err := s.db.QueryRowContext(ctx, q, a...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count new: %w", err)
	}
	return n, nil
}
