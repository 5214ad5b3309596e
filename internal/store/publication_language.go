package store

import (
	"context"
	"fmt"
	"time"
)

// A published piece is public in its original language and in every
// translation that is approved. Nothing is copied at publication for a
// translation: its public text is its approved revision, read when a page
// is served, so the database alone decides what is public. A translation
// approved after publication is public at once, one edited back to draft
// (which loses its approval) is off the public pages at once, and a
// withdrawal (the publication no longer live) takes every language down.

// PublishedVersion is one language of a live publication: the original, or
// an approved translation.
type PublishedVersion struct {
	SubmissionID string
	Slug         string
	BylineKind   string // the original's: one consent, one byline in every language
	Byline       string
	Language     string // this version's language
	Original     bool   // the piece's own language, at /stories/{slug}
	Title        string
	BodyHTML     string // sanitized
	// PublishedAt is the publication's time, or the translation's approval
	// when that came later.
	PublishedAt time.Time
}

// PublishedTranslations returns submission id's approved translations by
// language: the ones a live publication shows beside its original.
func (s *Store) PublishedTranslations(ctx context.Context, id string) ([]Translation, error) {
	all, err := s.Translations(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []Translation
	for _, t := range all {
		if t.Status == TranslationApproved {
			out = append(out, t)
		}
	}
	return out, nil
}

// liveVersions is every language of every live publication: its original
// and its approved translations (with their latest revision, the one the
// approval is about).
const liveVersions = `SELECT p.submission_id, p.slug, p.byline_kind, p.byline, p.language, 1 AS original,
		p.title, p.body_html, p.published_at
	FROM publications p JOIN submissions s ON s.id = p.submission_id
	WHERE p.unpublished_at IS NULL AND s.status = 'published'
	UNION ALL
	SELECT p.submission_id, p.slug, p.byline_kind, p.byline, t.language, 0 AS original, r.title, r.body_html,
		CASE WHEN t.approved_at > p.published_at THEN t.approved_at ELSE p.published_at END
	FROM publications p JOIN submissions s ON s.id = p.submission_id
	JOIN translations t ON t.submission_id = p.submission_id AND t.status = 'approved'
	JOIN translation_revisions r ON r.submission_id = t.submission_id AND r.language = t.language
		AND r.number = (SELECT MAX(number) FROM translation_revisions x WHERE x.submission_id = t.submission_id AND x.language = t.language)
	WHERE p.unpublished_at IS NULL AND s.status = 'published'`

// LiveVersions returns up to limit published versions in language (every
// language when ""), newest first, skipping offset. A piece with an
// approved translation is there once per language.
func (s *Store) LiveVersions(ctx context.Context, language string, limit, offset int) ([]PublishedVersion, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT submission_id, slug, byline_kind, byline, language, original, title, body_html, published_at
		FROM (`+liveVersions+`) v WHERE CAST($1 AS TEXT) = '' OR v.language = $2
		ORDER BY published_at DESC, submission_id DESC, original DESC, language LIMIT $3 OFFSET $4`,
		language, language, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("store: live versions: %w", err)
	}
	defer rows.Close()
	out := []PublishedVersion{}
	for rows.Next() {
		var (
			v         PublishedVersion
			original  int
			published int64
		)
		if err := rows.Scan(&v.SubmissionID, &v.Slug, &v.BylineKind, &v.Byline, &v.Language, &original,
			&v.Title, &v.BodyHTML, &published); err != nil {
			return nil, fmt.Errorf("store: live versions: %w", err)
		}
		v.Original, v.PublishedAt = original == 1, fromMicros(published)
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: live versions: %w", err)
	}
	return out, nil
}

// Path is where the version is read: /stories/{slug} for the original,
// /stories/{slug}/{language} for a translation.
func (v PublishedVersion) Path() string {
	if v.Original {
		return "/stories/" + v.Slug
	}
	return "/stories/" + v.Slug + "/" + v.Language
}

// VersionsOf returns the published versions of p: its original first,
// then each of ts (its approved translations) by language.
func VersionsOf(p Publication, ts []Translation) []PublishedVersion {
	out := []PublishedVersion{{SubmissionID: p.SubmissionID, Slug: p.Slug, BylineKind: p.BylineKind, Byline: p.Byline,
		Language: p.Language, Original: true, Title: p.Title, BodyHTML: p.BodyHTML, PublishedAt: p.PublishedAt}}
	for _, t := range ts {
		at := p.PublishedAt
		if t.ApprovedAt.After(at) {
			at = t.ApprovedAt
		}
		out = append(out, PublishedVersion{SubmissionID: p.SubmissionID, Slug: p.Slug, BylineKind: p.BylineKind, Byline: p.Byline,
			Language: t.Language, Title: t.Title, BodyHTML: t.BodyHTML, PublishedAt: at})
	}
	return out
}

// PublishedVersions returns the versions of publication p
// (VersionsOf with its approved translations), live or not: the caller
// checks Publication.Live.
func (s *Store) PublishedVersions(ctx context.Context, p Publication) ([]PublishedVersion, error) {
	ts, err := s.PublishedTranslations(ctx, p.SubmissionID)
	if err != nil {
		return nil, err
	}
	return VersionsOf(p, ts), nil
}
