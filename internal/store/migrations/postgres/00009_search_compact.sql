-- The SQLite half of this migration takes the search-index merge out of the
-- delete trigger; PostgreSQL's tsvector column is part of the row, so there
-- is nothing to change for search here (see Store.CompactSearch).
--
-- findings_revision is the revision whose text the stored findings describe,
-- so that re-checking them after a revision is a compare-and-set (0: the
-- automated review's findings of the text as first reviewed).

-- +goose Up
ALTER TABLE submissions ADD COLUMN findings_revision INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE submissions DROP COLUMN findings_revision;
