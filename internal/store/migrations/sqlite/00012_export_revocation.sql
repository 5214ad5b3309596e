-- Which pieces each staff export holds, who downloaded it and when, and
-- why it was revoked: a piece withdrawn (or deleted) after the export was
-- built must reach the archive, and staff must know whom to ask to delete
-- the copies that went out. submission_id has no foreign key on purpose:
-- the record must outlive the submission, whose id is no personal data.

-- +goose Up
CREATE TABLE export_pieces (
    export_id     TEXT NOT NULL REFERENCES exports (id) ON DELETE CASCADE,
    submission_id TEXT NOT NULL,
    PRIMARY KEY (export_id, submission_id)
) STRICT;
CREATE INDEX export_pieces_submission ON export_pieces (submission_id);

CREATE TABLE export_downloads (
    export_id     TEXT NOT NULL REFERENCES exports (id) ON DELETE CASCADE,
    user_id       TEXT NOT NULL,
    account       TEXT NOT NULL,
    downloaded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX export_downloads_export ON export_downloads (export_id, downloaded_at);

ALTER TABLE exports ADD COLUMN revoked_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE exports ADD COLUMN revoked_at INTEGER;

-- +goose Down
ALTER TABLE exports DROP COLUMN revoked_at;
ALTER TABLE exports DROP COLUMN revoked_reason;
DROP TABLE export_downloads;
DROP TABLE export_pieces;
