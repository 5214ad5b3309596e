package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The columns of a submissions row, in the order scanSubmission reads them,
// before and after the body's HTML.
const (
	submissionHead = `id, receipt_hash, idempotency_hash, kind, status, title, body`
	submissionTail = `language, author_name, author_role, site, contact_email, contact_phone,
	consent_publish, pseudonym, consent_photos, word_count, reading_minutes,
	findings, created_at, updated_at, reviewed_at`
)

// submissionColumns is the select list scanSubmission expects, for the
// submissions table named (or aliased) table. The body's HTML is kept once,
// in its revision (migration 00013): the current one is the latest
// revision's, looked up by the (submission_id, number) index.
func submissionColumns(table string) string {
	return submissionHead + `, ` + currentHTML(table) + `, ` + submissionTail
}

// currentHTML selects the HTML of the latest revision of table's row.
func currentHTML(table string) string {
	return `(SELECT r.body_html FROM revisions r WHERE r.submission_id = ` + table + `.id ORDER BY r.number DESC LIMIT 1)`
}

// CreateSubmission stores a new submission in one transaction: the row
// (status received), revision 1 (the submitter's original), the
// attachments, a "submitted" event and the outbox tasks. ID, CreatedAt and
// UpdatedAt are filled when empty, as are the ids and times of atts and
// tasks; on success sub.Attachments holds atts. A duplicate idempotency or
// receipt hash returns an error wrapping ErrDuplicate and writes nothing.
func (s *Store) CreateSubmission(ctx context.Context, sub *Submission, atts []Attachment, tasks []OutboxTask) error {
	// Work on a copy so a failed insert leaves the caller's value untouched.
	n := *sub
	t := now()
	if n.ID == "" {
		n.ID = newID()
	}
	if n.CreatedAt.IsZero() {
		n.CreatedAt = t
	}
	if n.UpdatedAt.IsZero() {
		n.UpdatedAt = n.CreatedAt
	}
	n.CreatedAt = n.CreatedAt.UTC().Truncate(time.Microsecond)
	n.UpdatedAt = n.UpdatedAt.UTC().Truncate(time.Microsecond)
	n.Status = StatusReceived
	// One batch: on PostgreSQL a single round trip (see inWrites).
	counts, err := s.inWrites(ctx, func(w execer) error {
		// ON CONFLICT DO NOTHING instead of catching the unique violation:
		// portable, no driver error codes, and on PostgreSQL a racing
		// duplicate waits for the first to commit and then inserts nothing.
		//
		// has_attachments is the attachment trigger's flag, set here already:
		// the trigger then changes nothing, where its UPDATE would write the
		// row a second time (on PostgreSQL with its search vector and every
		// index entry, the GIN index's included).
		if _, err := w.ExecContext(ctx, `INSERT INTO submissions (`+submissionHead+`, `+submissionTail+`, has_attachments)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
			ON CONFLICT DO NOTHING`,
			n.ID, n.ReceiptHash, nullString(n.IdempotencyHash), n.Kind, string(n.Status), n.Title, n.Body,
			n.Language, n.AuthorName, n.AuthorRole, n.Site, n.ContactEmail, n.ContactPhone,
			n.ConsentPublish, n.Pseudonym, n.ConsentPhotos, n.WordCount, n.ReadingMinutes,
			nullJSON(n.Findings), micros(n.CreatedAt), micros(n.UpdatedAt), nullMicros(n.ReviewedAt), len(atts) > 0); err != nil {
			return err
		}
		rev := Revision{SubmissionID: n.ID, Number: 1, Title: n.Title, Body: n.Body, BodyHTML: n.BodyHTML,
			AuthorName: "submitter", CreatedAt: n.CreatedAt}
		if err := insertRevision(ctx, w, &rev); err != nil {
			return err
		}
		for i := range atts {
			atts[i].SubmissionID = n.ID
			if err := insertAttachment(ctx, w, &atts[i], n.CreatedAt); err != nil {
				return err
			}
		}
		ev := Event{SubmissionID: n.ID, Actor: "submitter", Action: "submitted", ToStatus: StatusReceived, CreatedAt: n.CreatedAt}
		if err := insertEvent(ctx, w, &ev); err != nil {
			return err
		}
		consent := consentGiven(&n)
		if err := insertConsent(ctx, w, &consent); err != nil {
			return err
		}
		for i := range tasks {
			if tasks[i].SubmissionID == "" {
				tasks[i].SubmissionID = n.ID
			}
			if tasks[i].CreatedAt.IsZero() {
				tasks[i].CreatedAt = n.CreatedAt
			}
			if err := insertOutbox(ctx, w, &tasks[i], false); err != nil {
				return err
			}
		}
		return nil
	})
	if len(counts) > 0 && counts[0] == 0 {
		// The row was a duplicate (the statements after it then fail on
		// their foreign key, and nothing was written).
		err = ErrDuplicate
	}
	if err != nil {
		return fmt.Errorf("store: create submission: %w", err)
	}
	n.Attachments = atts
	*sub = n
	return nil
}

// Submission returns the submission with its attachments.
func (s *Store) Submission(ctx context.Context, id string) (Submission, error) {
	sub, err := s.submissionWhere(ctx, "id = $1", id)
	if err != nil {
		return Submission{}, fmt.Errorf("store: submission %s: %w", id, err)
	}
	return sub, nil
}

// SubmissionByReceipt returns the submission whose receipt hash is
// receiptHash, with its attachments.
func (s *Store) SubmissionByReceipt(ctx context.Context, receiptHash string) (Submission, error) {
	sub, err := s.submissionWhere(ctx, "receipt_hash = $1", receiptHash)
	if err != nil {
		// The hash is not logged: it would let a log reader confirm a receipt.
		return Submission{}, fmt.Errorf("store: submission by receipt: %w", err)
	}
	return sub, nil
}

// SubmissionByIdempotency returns the submission created with the
// idempotency hash idemHash, with its attachments.
func (s *Store) SubmissionByIdempotency(ctx context.Context, idemHash string) (Submission, error) {
	if idemHash == "" {
		// "" is stored as NULL and so never matches; say so plainly.
		return Submission{}, fmt.Errorf("store: submission by idempotency key: %w", ErrNotFound)
	}
	sub, err := s.submissionWhere(ctx, "idempotency_hash = $1", idemHash)
	if err != nil {
		return Submission{}, fmt.Errorf("store: submission by idempotency key: %w", err)
	}
	return sub, nil
}

// submissionWhere reads one submission and its attachments.
func (s *Store) submissionWhere(ctx context.Context, where string, arg any) (Submission, error) {
	return submissionWhere(ctx, s.db, where, arg)
}

// submissionWhere reads one submission and its attachments through q: the
// database, or a transaction that has just changed it.
func submissionWhere(ctx context.Context, q queryer, where string, arg any) (Submission, error) {
	row := q.QueryRowContext(ctx, `SELECT `+submissionColumns("submissions")+` FROM submissions WHERE `+where, arg)
	sub, err := scanSubmission(row)
	if err != nil {
		return Submission{}, notFound(err)
	}
	sub.Attachments, err = attachments(ctx, q, sub.ID)
	if err != nil {
		return Submission{}, err
	}
	return sub, nil
}

// scanSubmission reads the columns of submissionColumns.
func scanSubmission(r scanner) (Submission, error) {
	var (
		sub                       Submission
		idem, findings            sql.NullString
		status                    string
		created, updated          int64
		reviewed                  sql.NullInt64
		wordCount, readingMinutes int64
	)
	err := r.Scan(&sub.ID, &sub.ReceiptHash, &idem, &sub.Kind, &status, &sub.Title, &sub.Body, &sub.BodyHTML,
		&sub.Language, &sub.AuthorName, &sub.AuthorRole, &sub.Site, &sub.ContactEmail, &sub.ContactPhone,
		&sub.ConsentPublish, &sub.Pseudonym, &sub.ConsentPhotos, &wordCount, &readingMinutes,
		&findings, &created, &updated, &reviewed)
	if err != nil {
		return Submission{}, err
	}
	sub.IdempotencyHash = idem.String
	sub.Status = Status(status)
	sub.WordCount, sub.ReadingMinutes = int(wordCount), int(readingMinutes)
	if findings.Valid {
		sub.Findings = json.RawMessage(findings.String)
	}
	sub.CreatedAt, sub.UpdatedAt = fromMicros(created), fromMicros(updated)
	sub.ReviewedAt = fromNullMicros(reviewed)
	return sub, nil
}

// nullJSON stores empty JSON as NULL ("not reviewed yet") and anything else
// as text; a string, because pgx would send []byte as bytea.
func nullJSON(v json.RawMessage) any {
	if len(strings.TrimSpace(string(v))) == 0 {
		return nil
	}
	return string(v)
}
