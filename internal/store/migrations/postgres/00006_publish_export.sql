-- Publishing, webhook deliveries and staff exports. Times are BIGINT unix
-- microseconds (UTC); NULL means "not yet".

-- +goose Up
-- One row per published piece. After withdrawal the row stays (unpublished_at
-- set, title/byline/body cleared) so its slug answers 410 Gone, not 404.
CREATE TABLE publications (
    submission_id  TEXT PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,
    slug           TEXT NOT NULL UNIQUE,
    title          TEXT NOT NULL,
    byline_kind    TEXT NOT NULL,
    byline         TEXT NOT NULL DEFAULT '',
    language       TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL,
    body_html      TEXT NOT NULL,
    images         TEXT NOT NULL DEFAULT '[]',
    published_at   BIGINT NOT NULL,
    unpublished_at BIGINT
);
CREATE INDEX publications_published ON publications (published_at);

CREATE TABLE webhook_deliveries (
    submission_id TEXT PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,
    state         TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_status   INTEGER NOT NULL DEFAULT 0,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE exports (
    id           TEXT PRIMARY KEY,
    requested_by TEXT NOT NULL,
    status       TEXT NOT NULL,
    filter       TEXT NOT NULL,
    site_scope   TEXT NOT NULL DEFAULT '',
    done         INTEGER NOT NULL DEFAULT 0,
    total        INTEGER NOT NULL DEFAULT 0,
    count        INTEGER NOT NULL DEFAULT 0,
    object_key   TEXT NOT NULL DEFAULT '',
    size         BIGINT NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    finished_at  BIGINT
);
CREATE INDEX exports_created ON exports (created_at);

-- +goose Down
DROP TABLE exports;
DROP TABLE webhook_deliveries;
DROP TABLE publications;
