-- The automated review's findings of each translation (issue 14): a
-- translator can type an A-number or an address the original never had.
-- findings is the JSON array the scan found in the text of revision
-- findings_revision of the translation (0: not checked yet), written by the
-- translation_findings job, a compare-and-set on that number.

-- +goose Up
ALTER TABLE translations ADD COLUMN findings TEXT;
ALTER TABLE translations ADD COLUMN findings_revision INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE translations DROP COLUMN findings_revision;
ALTER TABLE translations DROP COLUMN findings;
