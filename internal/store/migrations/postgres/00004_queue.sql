-- The editors' queue: full-text search over titles and bodies, who is
-- working on each submission, and when each editor last looked at the queue.

-- +goose Up

-- Search vector, kept in sync by PostgreSQL itself. The 'simple'
-- configuration (no stemming, no stop words) treats Spanish and English
-- alike. unaccent is an extension a managed database may not offer, so
-- accents are folded with translate() (immutable, always there); the list
-- must stay equal to foldAccents in internal/store/search.go.
ALTER TABLE submissions ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', translate(title || ' ' || body,
        'áàâäãåéèêëíìîïóòôöõúùûüñçýÿÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÇÝ',
        'aaaaaaeeeeiiiiooooouuuuncyyaaaaaaeeeeiiiiooooouuuuncy'))
) STORED;
CREATE INDEX submissions_search ON submissions USING GIN (search);

-- Sites are compared case-insensitively ("Austin" = "austin").
CREATE INDEX submissions_site_lower ON submissions (lower(site), status);
CREATE INDEX submissions_updated ON submissions (updated_at);

-- Who is working on a submission: at most one person at a time.
CREATE TABLE assignments (
    submission_id TEXT PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    assigned_by   TEXT NOT NULL DEFAULT '',
    assigned_at   BIGINT NOT NULL
);
CREATE INDEX assignments_user ON assignments (user_id);

-- When each person last looked at the queue. baseline is the end of their
-- previous visit: "new since your last visit" counts from it, and it only
-- moves after a pause, so paging through one visit keeps the same marks.
CREATE TABLE queue_visits (
    user_id  TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    seen_at  BIGINT NOT NULL,
    baseline BIGINT NOT NULL
);

-- +goose Down
DROP TABLE queue_visits;
DROP TABLE assignments;
DROP INDEX submissions_updated;
DROP INDEX submissions_site_lower;
DROP INDEX submissions_search;
ALTER TABLE submissions DROP COLUMN search;
