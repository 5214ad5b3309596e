-- Times are BIGINT unix microseconds (UTC), as on SQLite, so both dialects
-- share one representation; NULL means "not yet".

-- +goose Up
CREATE TABLE submissions (
    id               TEXT PRIMARY KEY,
    receipt_hash     TEXT NOT NULL UNIQUE,
    idempotency_hash TEXT UNIQUE,
    kind             TEXT NOT NULL,
    status           TEXT NOT NULL,
    title            TEXT NOT NULL,
    body             TEXT NOT NULL,
    body_html        TEXT NOT NULL,
    language         TEXT NOT NULL DEFAULT '',
    author_name      TEXT NOT NULL DEFAULT '',
    author_role      TEXT NOT NULL DEFAULT '',
    site             TEXT NOT NULL DEFAULT '',
    contact_email    TEXT NOT NULL DEFAULT '',
    contact_phone    TEXT NOT NULL DEFAULT '',
    consent_publish  TEXT NOT NULL,
    pseudonym        TEXT NOT NULL DEFAULT '',
    consent_photos   BOOLEAN NOT NULL DEFAULT FALSE,
    word_count       INTEGER NOT NULL DEFAULT 0,
    reading_minutes  INTEGER NOT NULL DEFAULT 0,
    findings         TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    reviewed_at      BIGINT
);
CREATE INDEX submissions_status_created ON submissions (status, created_at);
CREATE INDEX submissions_site_status ON submissions (site, status);
CREATE INDEX submissions_kind ON submissions (kind);
CREATE INDEX submissions_language ON submissions (language);
CREATE INDEX submissions_created ON submissions (created_at);

CREATE TABLE attachments (
    id            TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    object_key    TEXT NOT NULL UNIQUE,
    filename      TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX attachments_submission ON attachments (submission_id);

CREATE TABLE revisions (
    id            TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    number        INTEGER NOT NULL,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    body_html     TEXT NOT NULL,
    author_id     TEXT,
    author_name   TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    UNIQUE (submission_id, number)
);

CREATE TABLE events (
    id            TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    actor_id      TEXT,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    from_status   TEXT NOT NULL DEFAULT '',
    to_status     TEXT NOT NULL DEFAULT '',
    detail        TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL
);
CREATE INDEX events_submission ON events (submission_id, created_at);

CREATE TABLE messages (
    id            TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    from_editor   BOOLEAN NOT NULL,
    author_id     TEXT,
    body          TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX messages_submission ON messages (submission_id, created_at);

CREATE TABLE outbox (
    id            TEXT PRIMARY KEY,
    submission_id TEXT REFERENCES submissions (id) ON DELETE CASCADE,
    task_type     TEXT NOT NULL,
    task_id       TEXT NOT NULL UNIQUE,
    payload       TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    enqueued_at   BIGINT,
    done_at       BIGINT,
    attempts      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox (created_at) WHERE done_at IS NULL;
CREATE INDEX outbox_submission ON outbox (submission_id);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL,
    site          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL
);

CREATE TABLE tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL DEFAULT '',
    hash         TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX tokens_user ON tokens (user_id);

-- +goose Down
DROP TABLE tokens;
DROP TABLE users;
DROP TABLE outbox;
DROP TABLE messages;
DROP TABLE events;
DROP TABLE revisions;
DROP TABLE attachments;
DROP TABLE submissions;
