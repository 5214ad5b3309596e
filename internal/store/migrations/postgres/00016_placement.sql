-- Op-ed placement: the outlets staff pitch approved pieces to, and each
-- pitch of a piece to an outlet with where it stands. A pitch goes with its
-- piece (retention purge, deletion); an outlet with pitches cannot be
-- deleted, so the placement report keeps its name.

-- +goose Up
CREATE TABLE outlets (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    language       TEXT NOT NULL,
    word_limit     BIGINT NOT NULL DEFAULT 0,
    exclusive_days BIGINT NOT NULL DEFAULT 0,
    contact_email  TEXT NOT NULL DEFAULT '',
    notes          TEXT NOT NULL DEFAULT '',
    takes_stories  BOOLEAN NOT NULL DEFAULT TRUE,
    takes_opeds    BOOLEAN NOT NULL DEFAULT TRUE,
    takes_letters  BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX outlets_name ON outlets (name);

CREATE TABLE pitches (
    id                TEXT PRIMARY KEY,
    submission_id     TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    outlet_id         TEXT NOT NULL REFERENCES outlets (id),
    language          TEXT NOT NULL,
    status            TEXT NOT NULL,
    word_count        BIGINT NOT NULL DEFAULT 0,
    published_url     TEXT NOT NULL DEFAULT '',
    published_on      TEXT NOT NULL DEFAULT '',
    note              TEXT NOT NULL DEFAULT '',
    -- set when the author withdrew consent while the outlet had the piece:
    -- the outlets staff must tell
    consent_withdrawn BOOLEAN NOT NULL DEFAULT FALSE,
    pitched_at        BIGINT NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    updated_by        TEXT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX pitches_submission ON pitches (submission_id, language, status);
CREATE INDEX pitches_status ON pitches (status, pitched_at);
CREATE INDEX pitches_outlet ON pitches (outlet_id);

-- +goose Down
DROP TABLE pitches;
DROP TABLE outlets;
