-- A webhook delivery per notice (issue 14): the publication's notice keeps
-- language '' and a translation approved after publication has a notice
-- of its own, keyed by its language, so each is delivered once. SQLite
-- cannot change a primary key in place: the table is rebuilt.

-- +goose Up
CREATE TABLE webhook_deliveries_new (
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    language      TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_status   INTEGER NOT NULL DEFAULT 0,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (submission_id, language)
) STRICT;
INSERT INTO webhook_deliveries_new (submission_id, language, state, attempts, last_status, updated_at)
    SELECT submission_id, '', state, attempts, last_status, updated_at FROM webhook_deliveries;
DROP TABLE webhook_deliveries;
ALTER TABLE webhook_deliveries_new RENAME TO webhook_deliveries;

-- +goose Down
CREATE TABLE webhook_deliveries_old (
    submission_id TEXT PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,
    state         TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_status   INTEGER NOT NULL DEFAULT 0,
    updated_at    INTEGER NOT NULL
) STRICT;
INSERT INTO webhook_deliveries_old (submission_id, state, attempts, last_status, updated_at)
    SELECT submission_id, state, attempts, last_status, updated_at FROM webhook_deliveries WHERE language = '';
DROP TABLE webhook_deliveries;
ALTER TABLE webhook_deliveries_old RENAME TO webhook_deliveries;
