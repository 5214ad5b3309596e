-- A body's sanitized HTML was stored twice: in the submissions row and in
-- its latest revision, the same bytes (up to eight times the body's length
-- since issue 11, before it 80 MB and more). It is now kept once, in each
-- revision; the submission's current HTML is its latest revision's, read
-- through the (submission_id, number) index.
--
-- The latest revision is given the row's HTML first, should they ever have
-- differed, so the text editors saw last is the one kept; a submission
-- without revisions (none is known) gets its original as revision 1.

-- +goose Up
INSERT INTO revisions (id, submission_id, number, title, body, body_html, author_id, author_name, created_at)
SELECT 'm00012-' || s.id, s.id, 1, s.title, s.body, s.body_html, NULL, 'submitter', s.created_at
FROM submissions s WHERE NOT EXISTS (SELECT 1 FROM revisions r WHERE r.submission_id = s.id);
UPDATE revisions SET body_html = (SELECT s.body_html FROM submissions s WHERE s.id = revisions.submission_id)
WHERE number = (SELECT MAX(r.number) FROM revisions r WHERE r.submission_id = revisions.submission_id);
ALTER TABLE submissions DROP COLUMN body_html;

-- +goose Down
ALTER TABLE submissions ADD COLUMN body_html TEXT NOT NULL DEFAULT '';
UPDATE submissions SET body_html = COALESCE((SELECT r.body_html FROM revisions r
    WHERE r.submission_id = submissions.id ORDER BY r.number DESC LIMIT 1), '');
