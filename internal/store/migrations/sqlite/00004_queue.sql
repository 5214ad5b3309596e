-- The editors' queue: full-text search over titles and bodies, who is
-- working on each submission, and when each editor last looked at the queue.

-- +goose Up

-- Search index. Contentless (the text lives once, in submissions) and keyed
-- by a stable integer of its own: submissions' implicit rowid may change on
-- VACUUM, so it cannot be the link. unicode61 with remove_diacritics folds
-- case and accents, so "jardin" finds "JARDÍN" in English and Spanish alike.
CREATE TABLE submission_search_docs (
    doc           INTEGER PRIMARY KEY,
    submission_id TEXT NOT NULL UNIQUE
) STRICT;
CREATE VIRTUAL TABLE submission_search USING fts5 (
    title, body, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
-- A deleted story must leave no words behind in the index (retention and
-- withdrawal promise full deletion), not merely be marked deleted.
INSERT INTO submission_search (submission_search, rank) VALUES ('secure-delete', 1);

INSERT INTO submission_search_docs (submission_id) SELECT id FROM submissions ORDER BY created_at;
INSERT INTO submission_search (rowid, title, body)
    SELECT d.doc, s.title, s.body FROM submission_search_docs d JOIN submissions s ON s.id = d.submission_id;

-- +goose StatementBegin
CREATE TRIGGER submissions_search_insert AFTER INSERT ON submissions BEGIN
    INSERT INTO submission_search_docs (submission_id) VALUES (new.id);
    INSERT INTO submission_search (rowid, title, body)
        SELECT doc, new.title, new.body FROM submission_search_docs WHERE submission_id = new.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER submissions_search_update AFTER UPDATE OF title, body ON submissions BEGIN
    UPDATE submission_search SET title = new.title, body = new.body
        WHERE rowid = (SELECT doc FROM submission_search_docs WHERE submission_id = new.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER submissions_search_delete AFTER DELETE ON submissions BEGIN
    DELETE FROM submission_search WHERE rowid = (SELECT doc FROM submission_search_docs WHERE submission_id = old.id);
    DELETE FROM submission_search_docs WHERE submission_id = old.id;
    -- Even with secure-delete a term can stay on an index page until the
    -- segments are merged; merging now keeps the promise that a deleted
    -- story leaves no words behind (tested in search_test.go).
    INSERT INTO submission_search (submission_search) VALUES ('optimize');
END;
-- +goose StatementEnd

-- Sites are compared case-insensitively ("Austin" = "austin").
CREATE INDEX submissions_site_lower ON submissions (lower(site), status);
CREATE INDEX submissions_updated ON submissions (updated_at);

-- Who is working on a submission: at most one person at a time.
CREATE TABLE assignments (
    submission_id TEXT PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    assigned_by   TEXT NOT NULL DEFAULT '',
    assigned_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX assignments_user ON assignments (user_id);

-- When each person last looked at the queue. baseline is the end of their
-- previous visit: "new since your last visit" counts from it, and it only
-- moves after a pause, so paging through one visit keeps the same marks.
CREATE TABLE queue_visits (
    user_id  TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    seen_at  INTEGER NOT NULL,
    baseline INTEGER NOT NULL
) STRICT;

-- +goose Down
DROP TABLE queue_visits;
DROP TABLE assignments;
DROP INDEX submissions_updated;
DROP INDEX submissions_site_lower;
DROP TRIGGER submissions_search_delete;
DROP TRIGGER submissions_search_update;
DROP TRIGGER submissions_search_insert;
DROP TABLE submission_search;
DROP TABLE submission_search_docs;
