-- Deleting a submission no longer merges the whole search index on every
-- row: at 10,000 submissions that cost ~88 ms a deletion and made the
-- retention job crawl. The trigger now only removes the document; the
-- deleted words leave the index pages when the deleting code calls
-- Store.CompactSearch, once per batch (search_compact.go).
--
-- findings_revision is the revision whose text the stored findings describe,
-- so that re-checking them after a revision is a compare-and-set (0: the
-- automated review's findings of the text as first reviewed).

-- +goose Up
DROP TRIGGER submissions_search_delete;
-- +goose StatementBegin
CREATE TRIGGER submissions_search_delete AFTER DELETE ON submissions BEGIN
    DELETE FROM submission_search WHERE rowid = (SELECT doc FROM submission_search_docs WHERE submission_id = old.id);
    DELETE FROM submission_search_docs WHERE submission_id = old.id;
END;
-- +goose StatementEnd
ALTER TABLE submissions ADD COLUMN findings_revision INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE submissions DROP COLUMN findings_revision;
DROP TRIGGER submissions_search_delete;
-- +goose StatementBegin
CREATE TRIGGER submissions_search_delete AFTER DELETE ON submissions BEGIN
    DELETE FROM submission_search WHERE rowid = (SELECT doc FROM submission_search_docs WHERE submission_id = old.id);
    DELETE FROM submission_search_docs WHERE submission_id = old.id;
    INSERT INTO submission_search (submission_search) VALUES ('optimize');
END;
-- +goose StatementEnd
