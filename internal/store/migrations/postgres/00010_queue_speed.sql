-- The editors' queue at 100,000 submissions: every column the queue filters
-- on is kept in the submissions row by the database itself, and the queue's
-- indexes cover them all, so counts are index-only scans.

-- +goose Up

-- A row over 2 kB (any real story) keeps only its short columns in the
-- table; the body, its HTML and its search vector move to TOAST, read only
-- when a page shows them. The table a search's matches are read from
-- shrinks about six times (at 100,000 benchmark rows: 195 MB to 31 MB).
-- It applies to rows written from now on.
ALTER TABLE submissions SET (toast_tuple_target = 128);

-- Whether the automated review found anything; false before the review.
-- The review writes a JSON array, "[]" when it found nothing.
ALTER TABLE submissions ADD COLUMN has_findings BOOLEAN GENERATED ALWAYS AS (
    COALESCE(findings, '[]') NOT IN ('[]', 'null', '')) STORED;
-- Kept by the attachment and assignment triggers below.
ALTER TABLE submissions ADD COLUMN has_attachments BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE submissions ADD COLUMN assigned BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE submissions s SET
    has_attachments = EXISTS (SELECT 1 FROM attachments a WHERE a.submission_id = s.id),
    assigned = EXISTS (SELECT 1 FROM assignments x WHERE x.submission_id = s.id);

-- +goose StatementBegin
CREATE FUNCTION attachments_flag_submission() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE submissions SET has_attachments = TRUE WHERE id = NEW.submission_id AND NOT has_attachments;
    ELSE
        UPDATE submissions SET has_attachments = EXISTS (SELECT 1 FROM attachments WHERE submission_id = OLD.submission_id)
            WHERE id = OLD.submission_id;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER attachments_flag_submission AFTER INSERT OR DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION attachments_flag_submission();
-- +goose StatementBegin
CREATE FUNCTION assignments_flag_submission() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE submissions SET assigned = TRUE WHERE id = NEW.submission_id AND NOT assigned;
    ELSE
        UPDATE submissions SET assigned = EXISTS (SELECT 1 FROM assignments WHERE submission_id = OLD.submission_id)
            WHERE id = OLD.submission_id;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER assignments_flag_submission AFTER INSERT OR DELETE ON assignments
    FOR EACH ROW EXECUTE FUNCTION assignments_flag_submission();

-- The queue's covering index by site, what a site-bound editor always
-- filters on; site is included beside lower(site) because an index-only
-- scan needs the column itself. It replaces the index it extends, and the
-- index on the site as typed, which nothing queries and which the planner
-- scanned whole to count one site. (status, created_at) stays narrow: it
-- counts the tabs. Single-column indexes on a language or a kind never beat
-- reading the table for the queue; they go.
DROP INDEX submissions_site_lower;
DROP INDEX submissions_site_status;
DROP INDEX submissions_language;
DROP INDEX submissions_kind;
CREATE INDEX submissions_queue_site ON submissions (lower(site), status, created_at)
    INCLUDE (site, language, kind, author_role, has_attachments, has_findings, assigned);

-- +goose Down
DROP INDEX submissions_queue_site;
CREATE INDEX submissions_kind ON submissions (kind);
CREATE INDEX submissions_language ON submissions (language);
CREATE INDEX submissions_site_status ON submissions (site, status);
CREATE INDEX submissions_site_lower ON submissions (lower(site), status);
DROP TRIGGER assignments_flag_submission ON assignments;
DROP FUNCTION assignments_flag_submission();
DROP TRIGGER attachments_flag_submission ON attachments;
DROP FUNCTION attachments_flag_submission();
ALTER TABLE submissions DROP COLUMN assigned;
ALTER TABLE submissions DROP COLUMN has_attachments;
ALTER TABLE submissions DROP COLUMN has_findings;
ALTER TABLE submissions RESET (toast_tuple_target);
