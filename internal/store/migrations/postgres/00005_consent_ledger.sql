-- The consent ledger: what each submitter was shown and chose, and every
-- later change (withdrawal). Append-only: a trigger refuses UPDATE, so a
-- record of consent can never be rewritten; rows go only with their
-- submission (ON DELETE CASCADE) when retention deletes it.

-- +goose Up
CREATE TABLE consent_ledger (
    id            TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    action        TEXT NOT NULL,
    version       TEXT NOT NULL,
    language      TEXT NOT NULL,
    text_sha256   TEXT NOT NULL,
    byline        TEXT NOT NULL,
    photos        BOOLEAN NOT NULL,
    contact_given BOOLEAN NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX consent_ledger_submission ON consent_ledger (submission_id, created_at);

-- +goose StatementBegin
CREATE FUNCTION consent_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'consent_ledger is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER consent_ledger_append_only BEFORE UPDATE ON consent_ledger
    FOR EACH ROW EXECUTE FUNCTION consent_ledger_append_only();

-- +goose Down
DROP TRIGGER consent_ledger_append_only ON consent_ledger;
DROP FUNCTION consent_ledger_append_only();
DROP TABLE consent_ledger;
