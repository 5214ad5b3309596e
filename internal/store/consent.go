package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Consent ledger actions.
const (
	ConsentGiven     = "given"
	ConsentWithdrawn = "withdrawn"
)

// ConsentEntry is one line of the append-only consent ledger: which wording
// (version and language, with its hash) the submitter was shown, and what
// they chose. It holds no name, contact detail or text of the piece.
type ConsentEntry struct {
	ID           string
	SubmissionID string
	Action       string // ConsentGiven | ConsentWithdrawn
	Version      string // ConsentVersion at the time
	Language     string // en | es
	TextSHA256   string // ConsentTextSHA256(Version, Language)
	Byline       string // name | pseudonym | anonymous | internal
	Photos       bool   // photos may be published
	ContactGiven bool   // "may we contact you": a way to reach them was left
	CreatedAt    time.Time
}

func consentEntries(ctx context.Context, q queryer, id string) ([]ConsentEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, submission_id, action, version, language, text_sha256, byline, photos, contact_given, created_at
		FROM consent_ledger WHERE submission_id = $1 ORDER BY created_at, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ConsentEntry
	for rows.Next() {
		var (
			e       ConsentEntry
			created int64
		)
		if err := rows.Scan(&e.ID, &e.SubmissionID, &e.Action, &e.Version, &e.Language, &e.TextSHA256,
			&e.Byline, &e.Photos, &e.ContactGiven, &created); err != nil {
			return nil, err
		}
		e.CreatedAt = fromMicros(created)
		out = append(out, e)
	}
	return out, rows.Err()
}

// insertConsent appends e; ID and CreatedAt are filled when empty.
func insertConsent(ctx context.Context, q execer, e *ConsentEntry) error {
	if e.ID == "" {
		e.ID = newID()
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = now()
	}
	_, err := q.ExecContext(ctx, `INSERT INTO consent_ledger
		(id, submission_id, action, version, language, text_sha256, byline, photos, contact_given, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		e.ID, e.SubmissionID, e.Action, e.Version, e.Language, e.TextSHA256, e.Byline, e.Photos, e.ContactGiven, micros(e.CreatedAt))
	if err != nil {
		return fmt.Errorf("consent ledger: %w", err)
	}
	return nil
}

// consentGiven is the ledger entry CreateSubmission writes with a new submission.
func consentGiven(sub *Submission) ConsentEntry {
	lang := consentLanguage(sub)
	return ConsentEntry{
		SubmissionID: sub.ID, Action: ConsentGiven, Version: ConsentVersion, Language: lang,
		TextSHA256: ConsentTextSHA256(ConsentVersion, lang), Byline: sub.ConsentPublish,
		Photos: sub.ConsentPhotos, ContactGiven: sub.ContactEmail != "" || sub.ContactPhone != "",
		CreatedAt: sub.CreatedAt,
	}
}

// Withdraw records that the submitter withdrew consent: the status becomes
// withdrawn from any status but rejected, with a "withdrawn" event and a
// ledger entry in the same transaction. Withdrawing twice changes nothing
// and reports changed false. From rejected it returns an error wrapping
// ErrConflict; ErrNotFound if the submission does not exist.
//
// ifPublished are outbox tasks (the unpublish job) written in the same
// transaction when the piece was published. The exports that hold the
// piece are revoked in the same transaction too, each with its revoke task
// (see revokeExportsOf), and its open pitches are marked withdrawn (see
// withdrawPitches).
func (s *Store) Withdraw(ctx context.Context, id string, revoke RevokeTask, ifPublished ...OutboxTask) (Withdrawal, error) {
	var w Withdrawal
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := scanSubmission(tx.QueryRowContext(ctx, `SELECT `+submissionColumns("submissions")+` FROM submissions WHERE id = $1`+s.forUpdate(), id))
		if err != nil {
			return notFound(err)
		}
		switch cur.Status {
		case StatusWithdrawn:
			w.Submission = cur
			return nil
		case StatusRejected:
			return fmt.Errorf("status is %s, not withdrawable: %w", cur.Status, ErrConflict)
		}
		t := now()
		if _, err := tx.ExecContext(ctx, `UPDATE submissions SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4`,
			string(StatusWithdrawn), micros(t), id, string(cur.Status)); err != nil {
			return err
		}
		ev := Event{SubmissionID: id, Actor: "submitter", Action: "status", FromStatus: cur.Status, ToStatus: StatusWithdrawn,
			Detail: "consent withdrawn", CreatedAt: t}
		if err := insertEvent(ctx, tx, &ev); err != nil {
			return err
		}
		// The withdrawal repeats the choices it takes back, so the ledger
		// reads on its own: what was agreed, under which wording, and when
		// it ended.
		entry := consentGiven(&cur)
		if prev, err := consentEntries(ctx, tx, id); err != nil {
			return err
		} else if len(prev) > 0 {
			entry = prev[len(prev)-1]
			entry.ID = ""
		}
		entry.Action, entry.CreatedAt = ConsentWithdrawn, t
		if err := insertConsent(ctx, tx, &entry); err != nil {
			return err
		}
		if cur.Status == StatusPublished {
			for i := range ifPublished {
				if err := insertOutbox(ctx, tx, &ifPublished[i], true); err != nil {
					return err
				}
			}
			w.Tasks = append(w.Tasks, ifPublished...)
		}
		if err := withdrawPitches(ctx, tx, id, t); err != nil {
			return err
		}
		_, revokeTasks, err := revokeExportsOf(ctx, tx, id, RevokedWithdrawn, revoke)
		if err != nil {
			return err
		}
		cur.Status, cur.UpdatedAt = StatusWithdrawn, t
		w.Submission, w.Changed, w.Tasks = cur, true, append(w.Tasks, revokeTasks...)
		return nil
	})
	if err != nil {
		return Withdrawal{}, fmt.Errorf("store: withdraw %s: %w", id, err)
	}
	return w, nil
}

// Withdrawal is what Withdraw did.
type Withdrawal struct {
	Submission Submission
	Changed    bool // false when it was withdrawn already
	// Tasks are the outbox tasks written with the withdrawal, for the
	// caller to enqueue after commit: the unpublish job of a published
	// piece and the archive deletion of each export that held it.
	Tasks []OutboxTask
}
