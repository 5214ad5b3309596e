-- Editors' internal notes on a submission. A table of their own (not
-- events.detail) because a note may quote the story, and event details must
-- never hold submitter personal data; notes are never shown to the submitter.

-- +goose Up
CREATE TABLE notes (
    id            TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    author_id     TEXT NOT NULL,
    author        TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX notes_submission ON notes (submission_id, created_at);

-- +goose Down
DROP TABLE notes;
