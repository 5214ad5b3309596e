-- A shorter version of a piece for one pitch (issue 15): a named revision
-- ("for <outlet>") in the pitch's language, kept beside the piece's own
-- revisions but never its current text, and used for that pitch's
-- package. It goes with its pitch and its piece (the cascades).

-- +goose Up
CREATE TABLE pitch_revisions (
    id            TEXT PRIMARY KEY,
    pitch_id      TEXT NOT NULL REFERENCES pitches (id) ON DELETE CASCADE,
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    language      TEXT NOT NULL,
    number        INTEGER NOT NULL,
    name          TEXT NOT NULL,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    body_html     TEXT NOT NULL,
    author_id     TEXT,
    author_name   TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    UNIQUE (pitch_id, number)
) STRICT;
CREATE INDEX pitch_revisions_submission ON pitch_revisions (submission_id, created_at);

-- +goose Down
DROP TABLE pitch_revisions;
