package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Publication is a published piece as the public pages show it.
type Publication struct {
	SubmissionID string
	Slug         string
	Title        string
	BylineKind   string // name | pseudonym | anonymous
	Byline       string // the name or pseudonym; "" for anonymous
	Language     string
	Kind         string
	BodyHTML     string // sanitized
	Images       []PublishedImage
	PublishedAt  time.Time
	// Live is false once the piece is withdrawn: its slug then answers 410.
	Live bool
}

// PublishedImage is a photo published with a piece (only with consent_photos).
type PublishedImage struct {
	Name        string `json:"name"` // file name under published/<id>/images/
	ContentType string `json:"content_type"`
	// Width and Height are the photo's size in pixels, for the page to
	// reserve its room; 0 for a piece published before they were recorded.
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
	// SmallWidth is the width of the narrower copy for phones
	// (blob.PublishedImageWidthKey); 0 when the photo is small already.
	SmallWidth int `json:"small_width,omitempty"`
}

const publicationColumns = `p.submission_id, p.slug, p.title, p.byline_kind, p.byline, p.language, p.kind,
	p.body_html, p.images, p.published_at, (p.unpublished_at IS NULL AND s.status = 'published')`

// Publish records the publication of p and moves its submission from
// approved to published in one transaction, with a "published" event and
// the outbox row taskID (the publish task) marked done; tasks (e.g. the
// webhook) are added to the outbox. A slug already taken by another piece gets a numeric
// suffix; the stored publication is returned. It is the publish job's
// compare-and-set: when the submission is already published it changes
// nothing and returns the existing publication with false; any other status
// returns an error wrapping ErrConflict.
func (s *Store) Publish(ctx context.Context, p Publication, taskID string, tasks ...OutboxTask) (Publication, bool, error) {
	var changed bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.lockStatus(ctx, tx, p.SubmissionID)
		if err != nil {
			return err
		}
		if cur == StatusPublished {
			existing, err := publicationWhere(ctx, tx, "p.submission_id = $1", p.SubmissionID)
			if err != nil {
				return err
			}
			p = existing
			return markDoneIfAny(ctx, tx, taskID)
		}
		if cur != StatusApproved {
			return fmt.Errorf("status is %s, not approved: %w", cur, ErrConflict)
		}
		slug, err := freeSlug(ctx, tx, p.Slug, p.SubmissionID)
		if err != nil {
			return err
		}
		p.Slug = slug
		p.PublishedAt = now()
		images, err := json.Marshal(p.Images)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO publications
			(submission_id, slug, title, byline_kind, byline, language, kind, body_html, images, published_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			p.SubmissionID, p.Slug, p.Title, p.BylineKind, p.Byline, p.Language, p.Kind, p.BodyHTML, string(images), micros(p.PublishedAt)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE submissions SET status = $1, updated_at = $2 WHERE id = $3`,
			string(StatusPublished), micros(p.PublishedAt), p.SubmissionID); err != nil {
			return err
		}
		ev := Event{SubmissionID: p.SubmissionID, Actor: "system", Action: "published",
			FromStatus: StatusApproved, ToStatus: StatusPublished, Detail: "/stories/" + p.Slug, CreatedAt: p.PublishedAt}
		if err := insertEvent(ctx, tx, &ev); err != nil {
			return err
		}
		for i := range tasks {
			if err := insertOutbox(ctx, tx, &tasks[i], true); err != nil {
				return err
			}
		}
		changed, p.Live = true, true
		return markDoneIfAny(ctx, tx, taskID)
	})
	if err != nil {
		return Publication{}, false, fmt.Errorf("store: publish %s: %w", p.SubmissionID, err)
	}
	return p, changed, nil
}

// freeSlug returns base, or base-2, base-3 … when another piece holds it.
func freeSlug(ctx context.Context, tx *sql.Tx, base, id string) (string, error) {
	for n := 1; ; n++ {
		slug := base
		if n > 1 {
			slug = base + "-" + strconv.Itoa(n)
		}
		var owner string
		err := tx.QueryRowContext(ctx, `SELECT submission_id FROM publications WHERE slug = $1`, slug).Scan(&owner)
		if errors.Is(err, sql.ErrNoRows) || owner == id {
			return slug, nil
		}
		if err != nil {
			return "", err
		}
	}
}

// markDoneIfAny marks an outbox row done; a missing row (a hand-enqueued
// task) is fine.
func markDoneIfAny(ctx context.Context, q queryer, taskID string) error {
	if err := markDone(ctx, q, taskID); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}

// Unpublish takes a piece off the public pages for good: the publication
// keeps its slug (which then answers 410) but loses its title, byline, body
// and images, and the outbox row taskID (the unpublish task) is marked done
// (the caller deletes the files under published/<id>/). Unpublishing twice
// is harmless; ErrNotFound if it was never published.
func (s *Store) Unpublish(ctx context.Context, id, taskID string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE publications
			SET title = '', byline = '', body_html = '', images = '[]', unpublished_at = COALESCE(unpublished_at, $1)
			WHERE submission_id = $2`, micros(now()), id)
		if err != nil {
			return err
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		return markDoneIfAny(ctx, tx, taskID)
	})
	if err != nil {
		return fmt.Errorf("store: unpublish %s: %w", id, err)
	}
	return nil
}

// PublicationBySlug returns the publication with that slug, live or not.
func (s *Store) PublicationBySlug(ctx context.Context, slug string) (Publication, error) {
	p, err := publicationWhere(ctx, s.db, "p.slug = $1", slug)
	if err != nil {
		return Publication{}, fmt.Errorf("store: publication %q: %w", slug, err)
	}
	return p, nil
}

// PublicationOf returns the publication of submission id, live or not.
func (s *Store) PublicationOf(ctx context.Context, id string) (Publication, error) {
	p, err := publicationWhere(ctx, s.db, "p.submission_id = $1", id)
	if err != nil {
		return Publication{}, fmt.Errorf("store: publication of %s: %w", id, err)
	}
	return p, nil
}

// LivePublications returns up to limit live publications, newest first,
// skipping offset.
func (s *Store) LivePublications(ctx context.Context, limit, offset int) ([]Publication, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+publicationColumns+`
		FROM publications p JOIN submissions s ON s.id = p.submission_id
		WHERE p.unpublished_at IS NULL AND s.status = 'published'
		ORDER BY p.published_at DESC, p.submission_id DESC LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("store: live publications: %w", err)
	}
	defer rows.Close()
	out := []Publication{}
	for rows.Next() {
		p, err := scanPublication(rows)
		if err != nil {
			return nil, fmt.Errorf("store: live publications: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: live publications: %w", err)
	}
	return out, nil
}

func publicationWhere(ctx context.Context, q queryer, where string, arg any) (Publication, error) {
	row := q.QueryRowContext(ctx, `SELECT `+publicationColumns+`
		FROM publications p JOIN submissions s ON s.id = p.submission_id WHERE `+where, arg)
	p, err := scanPublication(row)
	if err != nil {
		return Publication{}, notFound(err)
	}
	return p, nil
}

func scanPublication(r scanner) (Publication, error) {
	var (
		p         Publication
		images    string
		published int64
	)
	if err := r.Scan(&p.SubmissionID, &p.Slug, &p.Title, &p.BylineKind, &p.Byline, &p.Language, &p.Kind,
		&p.BodyHTML, &images, &published, &p.Live); err != nil {
		return Publication{}, err
	}
	if err := json.Unmarshal([]byte(images), &p.Images); err != nil {
		return Publication{}, fmt.Errorf("images: %w", err)
	}
	p.PublishedAt = fromMicros(published)
	return p, nil
}
