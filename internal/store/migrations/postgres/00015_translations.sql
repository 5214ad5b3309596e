-- A translation of a piece into another language (issue 14): its own
-- status and revisions, linked to the submission and deleted with it (the
-- cascades), so retention and withdrawal treat it as part of the piece.
-- approved_by is 'author' (through the receipt code) or the id of the
-- editor who approved instead, whose reason is kept beside it.

-- +goose Up
CREATE TABLE translations (
    submission_id   TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    language        TEXT NOT NULL,
    status          TEXT NOT NULL,
    approved_by     TEXT NOT NULL DEFAULT '',
    approval_reason TEXT NOT NULL DEFAULT '',
    approved_at     BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (submission_id, language)
);

CREATE TABLE translation_revisions (
    id            TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL,
    language      TEXT NOT NULL,
    number        BIGINT NOT NULL,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    body_html     TEXT NOT NULL,
    author_id     TEXT,
    author_name   TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    UNIQUE (submission_id, language, number),
    FOREIGN KEY (submission_id, language) REFERENCES translations (submission_id, language) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE translation_revisions;
DROP TABLE translations;
