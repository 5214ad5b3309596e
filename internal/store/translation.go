package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// TranslationStatus is where a translation is in the author's approval.
type TranslationStatus string

// The statuses of a translation (docs/statuses.md).
const (
	TranslationDraft            TranslationStatus = "draft"
	TranslationAwaitingAuthor   TranslationStatus = "awaiting_author"
	TranslationApproved         TranslationStatus = "approved"
	TranslationChangesRequested TranslationStatus = "changes_requested"
)

// ApprovedByAuthor is Translation.ApprovedBy when the author approved
// through the receipt code; otherwise it holds the approving editor's id.
const ApprovedByAuthor = "author"

// Translation is a piece's text in another language, with its current
// revision's title and body and how many revisions it has.
type Translation struct {
	SubmissionID   string
	Language       string
	Status         TranslationStatus
	ApprovedBy     string // ApprovedByAuthor, an editor's user id, or "" until approved
	ApprovalReason string // an editor's reason for approving in the author's stead
	ApprovedAt     time.Time
	Title, Body    string
	BodyHTML       string
	Revisions      int
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// Findings is the automated review's JSON array for the text of
	// revision FindingsRevision (0 and nil until the job has checked it).
	Findings         json.RawMessage
	FindingsRevision int
}

// TranslationMove is a compare-and-set of a translation's status, with what
// goes in the same transaction: its event, for the author's request for
// changes their message to the desk, and the tasks owed when the piece is
// already published.
type TranslationMove struct {
	From           []TranslationStatus
	To             TranslationStatus
	ApprovedBy     string // set with To == TranslationApproved
	ApprovalReason string
	Event          Event
	Message        *Message
	// IfPublished are written to the outbox only when the piece's
	// publication is live as the move commits: the notice that a language
	// was added to a published piece. Before publication the publication's
	// own notice lists the language, so nothing more is owed. A task
	// already in the outbox is armed again (a language approved, edited
	// back to draft and approved again); its handler keeps it to one
	// delivery.
	IfPublished []OutboxTask
}

const translationColumns = `t.submission_id, t.language, t.status, t.approved_by, t.approval_reason, t.approved_at,
	t.created_at, t.updated_at, r.title, r.body, r.body_html, r.number, t.findings, t.findings_revision`

// translationLatest joins each translation with its latest revision.
const translationLatest = ` FROM translations t JOIN translation_revisions r
	ON r.submission_id = t.submission_id AND r.language = t.language
	AND r.number = (SELECT MAX(number) FROM translation_revisions x WHERE x.submission_id = t.submission_id AND x.language = t.language)`

// Translations returns submission id's translations by language (empty for
// an unknown id).
func (s *Store) Translations(ctx context.Context, id string) ([]Translation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+translationColumns+translationLatest+`
		WHERE t.submission_id = $1 ORDER BY t.language`, id)
	if err != nil {
		return nil, fmt.Errorf("store: translations %s: %w", id, err)
	}
	defer rows.Close()
	var out []Translation
	for rows.Next() {
		t, err := scanTranslation(rows)
		if err != nil {
			return nil, fmt.Errorf("store: translations %s: %w", id, err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: translations %s: %w", id, err)
	}
	return out, nil
}

// Translation returns submission id's translation into lang; ErrNotFound
// if there is none.
func (s *Store) Translation(ctx context.Context, id, lang string) (Translation, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+translationColumns+translationLatest+`
		WHERE t.submission_id = $1 AND t.language = $2`, id, lang)
	t, err := scanTranslation(row)
	if err != nil {
		return Translation{}, fmt.Errorf("store: translation %s %s: %w", id, lang, notFound(err))
	}
	return t, nil
}

// CreateTranslation stores a new translation of submission t.SubmissionID
// in draft with rev as its first revision, ev in its history and the
// outbox tasks next returns (the findings check), in one transaction; the
// caller enqueues the returned tasks after commit. ErrConflict if the
// submission already has that language, ErrNotFound if the submission does
// not exist. next may be nil.
func (s *Store) CreateTranslation(ctx context.Context, t Translation, rev Revision, ev Event, next FollowUp) (Translation, []OutboxTask, error) {
	at := now()
	t.Status, t.CreatedAt, t.UpdatedAt = TranslationDraft, at, at
	var tasks []OutboxTask
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM submissions WHERE id = $1`, t.SubmissionID).Scan(&one); err != nil {
			return notFound(err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO translations (submission_id, language, status, created_at, updated_at)
			SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS BIGINT), CAST($5 AS BIGINT)
			WHERE NOT EXISTS (SELECT 1 FROM translations WHERE submission_id = $6 AND language = $7)`,
			t.SubmissionID, t.Language, string(t.Status), micros(at), micros(at), t.SubmissionID, t.Language)
		if err != nil {
			return err
		}
		if err := affectedOr(res, ErrConflict); err != nil {
			return err
		}
		rev.Number = 1
		if err := insertTranslationRevision(ctx, tx, t.SubmissionID, t.Language, &rev, at); err != nil {
			return err
		}
		ev.SubmissionID, ev.CreatedAt = t.SubmissionID, at
		if err := insertEvent(ctx, tx, &ev); err != nil {
			return err
		}
		tasks, err = insertFollowUp(ctx, tx, next, rev.Number, at)
		return err
	})
	if err != nil {
		return Translation{}, nil, fmt.Errorf("store: create translation %s %s: %w", t.SubmissionID, t.Language, err)
	}
	t.Title, t.Body, t.BodyHTML, t.Revisions = rev.Title, rev.Body, rev.BodyHTML, 1
	return t, tasks, nil
}

// MoveTranslation moves submission id's translation into lang from one of
// m.From to m.To, with m's event, message and, on a published piece, the
// tasks m.IfPublished, in one transaction; it returns the tasks written, for
// the caller to enqueue after commit. ErrConflict if it is in another
// status, ErrNotFound if there is none. Approving records who and why; any
// other move clears the approval.
func (s *Store) MoveTranslation(ctx context.Context, id, lang string, m TranslationMove) ([]OutboxTask, error) {
	at := now()
	var approvedAt any
	if m.To == TranslationApproved {
		approvedAt = micros(at)
	} else {
		m.ApprovedBy, m.ApprovalReason = "", ""
	}
	from, args := statusIn(translationStatuses(m.From), 8)
	var tasks []OutboxTask
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var status Status
		if len(m.IfPublished) > 0 {
			// The piece's row lock orders this move with its publication
			// (store.Publish takes the same lock): either the publication
			// commits first and is seen here, or its notice is sent after
			// this approval commits and lists the language.
			var err error
			if status, err = s.lockStatus(ctx, tx, id); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE translations SET status = $1, approved_by = $2, approval_reason = $3,
			approved_at = $4, updated_at = $5 WHERE submission_id = $6 AND language = $7 AND `+from,
			append([]any{string(m.To), m.ApprovedBy, m.ApprovalReason, approvedAt, micros(at), id, lang}, args...)...)
		if err != nil {
			return err
		}
		if err := affectedOr(res, ErrConflict); err != nil {
			return missingTranslation(ctx, tx, id, lang, err)
		}
		m.Event.SubmissionID, m.Event.CreatedAt = id, at
		if err := insertEvent(ctx, tx, &m.Event); err != nil {
			return err
		}
		if m.Message != nil {
			if err := insertMessage(ctx, tx, id, m.Message, at); err != nil {
				return err
			}
		}
		if status != StatusPublished {
			return nil
		}
		live, err := livePublication(ctx, tx, id)
		if err != nil || !live {
			return err
		}
		for _, t := range m.IfPublished {
			t.CreatedAt = at
			if err := rearmOutbox(ctx, tx, &t); err != nil {
				return err
			}
			tasks = append(tasks, t)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: move translation %s %s: %w", id, lang, err)
	}
	return tasks, nil
}

// livePublication reports whether submission id's publication is up (not
// unpublished), in tx.
func livePublication(ctx context.Context, tx *sql.Tx, id string) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM publications WHERE submission_id = $1 AND unpublished_at IS NULL`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// missingTranslation turns a lost compare-and-set into ErrNotFound when the
// translation does not exist at all.
func missingTranslation(ctx context.Context, tx *sql.Tx, id, lang string, lost error) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM translations WHERE submission_id = $1 AND language = $2`, id, lang).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	return lost
}

func translationStatuses(ts []TranslationStatus) []Status {
	out := make([]Status, len(ts))
	for i, t := range ts {
		out[i] = Status(t)
	}
	return out
}

func scanTranslation(r interface{ Scan(...any) error }) (Translation, error) {
	var (
		t                         Translation
		status                    string
		approvedAt                sql.NullInt64
		created, updated, revsMax int64
		findings                  sql.NullString
		findingsRev               int64
	)
	if err := r.Scan(&t.SubmissionID, &t.Language, &status, &t.ApprovedBy, &t.ApprovalReason, &approvedAt,
		&created, &updated, &t.Title, &t.Body, &t.BodyHTML, &revsMax, &findings, &findingsRev); err != nil {
		return Translation{}, err
	}
	t.Status, t.CreatedAt, t.UpdatedAt, t.Revisions = TranslationStatus(status), fromMicros(created), fromMicros(updated), int(revsMax)
	t.FindingsRevision = int(findingsRev)
	if findings.Valid {
		t.Findings = json.RawMessage(findings.String)
	}
	if approvedAt.Valid {
		t.ApprovedAt = fromMicros(approvedAt.Int64)
	}
	return t, nil
}
