-- The editors' queue at 100,000 submissions: every column the queue filters
-- on is kept in the submissions row by the database itself, and the queue's
-- indexes cover them all, so counting and filtering read narrow index
-- entries instead of the wide rows (body, body_html), near a page each.

-- +goose Up

-- Whether the automated review found anything; false before the review.
-- The review writes a JSON array, "[]" when it found nothing.
ALTER TABLE submissions ADD COLUMN has_findings INTEGER GENERATED ALWAYS AS (
    COALESCE(findings, '[]') NOT IN ('[]', 'null', '')) VIRTUAL;
-- Kept by the attachment and assignment triggers below.
ALTER TABLE submissions ADD COLUMN has_attachments INTEGER NOT NULL DEFAULT 0;
ALTER TABLE submissions ADD COLUMN assigned INTEGER NOT NULL DEFAULT 0;
-- The submission's document in the search index (submission_search_docs),
-- so a search's matches are looked up by integer in an index holding every
-- filtered column, not through the text id and the table row.
ALTER TABLE submissions ADD COLUMN search_doc INTEGER;
UPDATE submissions SET
    has_attachments = EXISTS (SELECT 1 FROM attachments a WHERE a.submission_id = submissions.id),
    assigned = EXISTS (SELECT 1 FROM assignments x WHERE x.submission_id = submissions.id),
    search_doc = (SELECT d.doc FROM submission_search_docs d WHERE d.submission_id = submissions.id);

DROP TRIGGER submissions_search_insert;
-- +goose StatementBegin
CREATE TRIGGER submissions_search_insert AFTER INSERT ON submissions BEGIN
    INSERT INTO submission_search_docs (submission_id) VALUES (new.id);
    UPDATE submissions SET search_doc = (SELECT doc FROM submission_search_docs WHERE submission_id = new.id)
        WHERE id = new.id;
    INSERT INTO submission_search (rowid, title, body)
        SELECT doc, new.title, new.body FROM submission_search_docs WHERE submission_id = new.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER attachments_flag_insert AFTER INSERT ON attachments BEGIN
    UPDATE submissions SET has_attachments = 1 WHERE id = new.submission_id AND has_attachments = 0;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER attachments_flag_delete AFTER DELETE ON attachments BEGIN
    UPDATE submissions SET has_attachments = EXISTS (SELECT 1 FROM attachments WHERE submission_id = old.submission_id)
        WHERE id = old.submission_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER assignments_flag_insert AFTER INSERT ON assignments BEGIN
    UPDATE submissions SET assigned = 1 WHERE id = new.submission_id AND assigned = 0;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER assignments_flag_delete AFTER DELETE ON assignments BEGIN
    UPDATE submissions SET assigned = EXISTS (SELECT 1 FROM assignments WHERE submission_id = old.submission_id)
        WHERE id = old.submission_id;
END;
-- +goose StatementEnd

-- The queue's indexes, each holding every filtered column: by site (what a
-- site-bound editor always filters on), by status (the tabs' counts), by
-- search document (a search's matches) and by creation (pages in order).
-- Each but the search one leads with the columns of an index it replaces.
-- Single-column indexes on a language or a kind only tempted the planner,
-- which has no statistics here, into reading half the table row by row,
-- and nothing queries the site as typed.
DROP INDEX submissions_site_lower;
DROP INDEX submissions_site_status;
DROP INDEX submissions_status_created;
DROP INDEX submissions_created;
DROP INDEX submissions_language;
DROP INDEX submissions_kind;
CREATE INDEX submissions_queue_site ON submissions (lower(site), status, created_at,
    language, kind, author_role, has_attachments, has_findings, assigned, search_doc);
CREATE INDEX submissions_queue_status ON submissions (status, created_at,
    language, kind, author_role, has_attachments, has_findings, assigned, search_doc);
CREATE INDEX submissions_queue_search ON submissions (search_doc, status,
    lower(site), language, kind, author_role, has_attachments, has_findings, assigned,
    created_at, updated_at, id);
CREATE INDEX submissions_queue_created ON submissions (created_at, status,
    lower(site), language, kind, author_role, has_attachments, has_findings, assigned, search_doc);

-- +goose Down
DROP INDEX submissions_queue_created;
DROP INDEX submissions_queue_search;
DROP INDEX submissions_queue_status;
DROP INDEX submissions_queue_site;
CREATE INDEX submissions_kind ON submissions (kind);
CREATE INDEX submissions_language ON submissions (language);
CREATE INDEX submissions_site_status ON submissions (site, status);
CREATE INDEX submissions_created ON submissions (created_at);
CREATE INDEX submissions_status_created ON submissions (status, created_at);
CREATE INDEX submissions_site_lower ON submissions (lower(site), status);
DROP TRIGGER assignments_flag_delete;
DROP TRIGGER assignments_flag_insert;
DROP TRIGGER attachments_flag_delete;
DROP TRIGGER attachments_flag_insert;
DROP TRIGGER submissions_search_insert;
-- +goose StatementBegin
CREATE TRIGGER submissions_search_insert AFTER INSERT ON submissions BEGIN
    INSERT INTO submission_search_docs (submission_id) VALUES (new.id);
    INSERT INTO submission_search (rowid, title, body)
        SELECT doc, new.title, new.body FROM submission_search_docs WHERE submission_id = new.id;
END;
-- +goose StatementEnd
ALTER TABLE submissions DROP COLUMN search_doc;
ALTER TABLE submissions DROP COLUMN assigned;
ALTER TABLE submissions DROP COLUMN has_attachments;
ALTER TABLE submissions DROP COLUMN has_findings;
