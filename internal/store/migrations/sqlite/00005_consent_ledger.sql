-- The consent ledger: what each submitter was shown and chose, and every
-- later change (withdrawal). Append-only: a trigger refuses UPDATE, so a
-- record of consent can never be rewritten; rows go only with their
-- submission (ON DELETE CASCADE) when retention deletes it.

-- +goose Up
CREATE TABLE consent_ledger (
    id            TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    action        TEXT NOT NULL,             -- given | withdrawn
    version       TEXT NOT NULL,             -- consent text version (store.ConsentVersion)
    language      TEXT NOT NULL,             -- language the text was shown in
    text_sha256   TEXT NOT NULL,             -- hex SHA-256 of the exact text of that version and language
    byline        TEXT NOT NULL,             -- name | pseudonym | anonymous | internal
    photos        INTEGER NOT NULL,          -- 1 = photos may be published
    contact_given INTEGER NOT NULL,          -- 1 = may we contact you: a way to reach them was left
    created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX consent_ledger_submission ON consent_ledger (submission_id, created_at);

-- +goose StatementBegin
CREATE TRIGGER consent_ledger_append_only BEFORE UPDATE ON consent_ledger
BEGIN
    SELECT RAISE(ABORT, 'consent_ledger is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER consent_ledger_append_only;
DROP TABLE consent_ledger;
