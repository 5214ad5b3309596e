package store

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// DueCount counts the pitches of site's pieces ("" for every site) still
// unanswered when their outlet's window ended by until (due), and of those
// the ones whose window ended after since (newly due: not yet chased).
func (s *Store) DueCount(ctx context.Context, site string, since, until time.Time) (due, newly int, err error) {
	end := "p.pitched_at + o.exclusive_days * " + strconv.FormatInt(day, 10)
	q := `SELECT COUNT(*), COALESCE(SUM(CASE WHEN ` + end + ` > $1 THEN 1 ELSE 0 END), 0)
		FROM pitches p JOIN outlets o ON o.id = p.outlet_id JOIN submissions s ON s.id = p.submission_id
		WHERE p.status = $2 AND ` + end + ` <= $3`
	args := []any{micros(since), string(PitchPitched), micros(until)}
	if site != "" {
		q += ` AND LOWER(s.site) = LOWER($4)`
		args = append(args, site)
	}
	if err := s.db.QueryRowContext(ctx, q, args...).Scan(&due, &newly); err != nil {
		return 0, 0, fmt.Errorf("store: due pitches: %w", err)
	}
	return due, newly, nil
}
