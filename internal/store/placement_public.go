package store

import (
	"context"
	"fmt"
)

// Placement is where a piece ran, as its author may see it: the outlet's
// name, the address and the day. Nothing of the pitching (other outlets,
// declines, notes, who pitched) is in it.
type Placement struct {
	Outlet      string
	URL         string // http(s), checked when the pitch was marked published
	PublishedOn string // YYYY-MM-DD
	Language    string
}

// PublishedPlacements lists the pitches of piece id that an outlet
// published, oldest first (empty for an unknown id). It reads only
// published pitches, so the author's page and API cannot show any other.
func (s *Store) PublishedPlacements(ctx context.Context, id string) ([]Placement, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT o.name, p.published_url, p.published_on, p.language
		FROM pitches p JOIN outlets o ON o.id = p.outlet_id
		WHERE p.submission_id = $1 AND p.status = $2 ORDER BY p.published_on, p.id`, id, string(PitchPublished))
	if err != nil {
		return nil, fmt.Errorf("store: placements of %s: %w", id, err)
	}
	defer rows.Close()
	var out []Placement
	for rows.Next() {
		var p Placement
		if err := rows.Scan(&p.Outlet, &p.URL, &p.PublishedOn, &p.Language); err != nil {
			return nil, fmt.Errorf("store: placements of %s: %w", id, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: placements of %s: %w", id, err)
	}
	return out, nil
}
