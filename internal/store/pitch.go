package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// PitchStatus is where a pitch of a piece to an outlet stands.
type PitchStatus string

// The pitch statuses of the public contract.
const (
	PitchPitched    PitchStatus = "pitched"
	PitchAccepted   PitchStatus = "accepted"
	PitchDeclined   PitchStatus = "declined"
	PitchNoResponse PitchStatus = "no_response"
	PitchPublished  PitchStatus = "published"
	PitchWithdrawn  PitchStatus = "withdrawn"
)

// Pitch is one offer of a piece to an outlet, with the outlet and what the
// placement report needs of the piece read with it.
type Pitch struct {
	ID           string
	SubmissionID string
	OutletID     string
	Language     string
	Status       PitchStatus
	WordCount    int
	PublishedURL string
	PublishedOn  string // YYYY-MM-DD, "" until published
	Note         string
	// ConsentWithdrawn is set when the author withdrew consent while the
	// outlet had the piece (pitched, accepted, no answer or published).
	ConsentWithdrawn bool
	PitchedAt        time.Time // when the exclusivity window began
	CreatedBy        string    // the e-mail of the account
	CreatedAt        time.Time
	UpdatedBy        string
	UpdatedAt        time.Time

	Outlet Outlet     // read with the pitch
	Piece  PitchPiece // read with the pitch
}

// PitchPiece is what a list of pitches shows of the piece.
type PitchPiece struct {
	Title, Kind, Site, ConsentPublish, AuthorName, Pseudonym string
	Status                                                   Status
}

// PitchFilter selects pitches; zero fields do not filter.
type PitchFilter struct {
	SubmissionID     string
	Site             string    // the piece's site, any case
	DueAt            time.Time // pitched pitches whose outlet's window ended by then
	Since, Until     time.Time // pitched in [Since, Until)
	ConsentWithdrawn bool      // only the outlets to tell after a withdrawal
	Limit            int       // 0: 1000
}

const pitchSelect = `SELECT p.id, p.submission_id, p.outlet_id, p.language, p.status, p.word_count, p.published_url,
	p.published_on, p.note, p.consent_withdrawn, p.pitched_at, p.created_by, p.created_at, p.updated_by, p.updated_at,
	o.id, o.name, o.language, o.word_limit, o.exclusive_days, o.contact_email, o.notes,
	o.takes_stories, o.takes_opeds, o.takes_letters, o.created_at, o.updated_at,
	s.title, s.kind, s.site, s.consent_publish, s.author_name, s.pseudonym, s.status
	FROM pitches p JOIN outlets o ON o.id = p.outlet_id JOIN submissions s ON s.id = p.submission_id`

// day is a day in stored microseconds, for windows computed in SQL.
const day = int64(24 * time.Hour / time.Microsecond)

func scanPitch(r scanner) (Pitch, error) {
	var (
		p                                 Pitch
		pitched, created, updated, oc, ou int64
	)
	err := r.Scan(&p.ID, &p.SubmissionID, &p.OutletID, &p.Language, &p.Status, &p.WordCount, &p.PublishedURL,
		&p.PublishedOn, &p.Note, &p.ConsentWithdrawn, &pitched, &p.CreatedBy, &created, &p.UpdatedBy, &updated,
		&p.Outlet.ID, &p.Outlet.Name, &p.Outlet.Language, &p.Outlet.WordLimit, &p.Outlet.ExclusiveDays,
		&p.Outlet.ContactEmail, &p.Outlet.Notes, &p.Outlet.TakesStories, &p.Outlet.TakesOpEds, &p.Outlet.TakesLetters, &oc, &ou,
		&p.Piece.Title, &p.Piece.Kind, &p.Piece.Site, &p.Piece.ConsentPublish, &p.Piece.AuthorName, &p.Piece.Pseudonym, &p.Piece.Status)
	if err != nil {
		return Pitch{}, err
	}
	p.PitchedAt, p.CreatedAt, p.UpdatedAt = fromMicros(pitched), fromMicros(created), fromMicros(updated)
	p.Outlet.CreatedAt, p.Outlet.UpdatedAt = fromMicros(oc), fromMicros(ou)
	return p, nil
}

func queryPitches(ctx context.Context, q queryer, where string, args ...any) ([]Pitch, error) {
	rows, err := q.QueryContext(ctx, pitchSelect+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Pitch
	for rows.Next() {
		p, err := scanPitch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Pitches lists the pitches f selects, oldest first.
func (s *Store) Pitches(ctx context.Context, f PitchFilter) ([]Pitch, error) {
	var (
		conds []string
		args  []any
	)
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.SubmissionID != "" {
		add("p.submission_id = ?", f.SubmissionID)
	}
	if f.Site != "" {
		add("LOWER(s.site) = LOWER(?)", f.Site)
	}
	if !f.DueAt.IsZero() {
		add("p.status = '"+string(PitchPitched)+"' AND p.pitched_at + o.exclusive_days * "+strconv.FormatInt(day, 10)+" <= ?", micros(f.DueAt))
	}
	if !f.Since.IsZero() {
		add("p.pitched_at >= ?", micros(f.Since))
	}
	if !f.Until.IsZero() {
		add("p.pitched_at < ?", micros(f.Until))
	}
	if f.ConsentWithdrawn {
		conds = append(conds, "p.consent_withdrawn")
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	out, err := queryPitches(ctx, s.db, where+" ORDER BY p.pitched_at, p.id LIMIT "+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("store: pitches: %w", err)
	}
	return out, nil
}

// Pitch returns pitch id; ErrNotFound if there is none.
func (s *Store) Pitch(ctx context.Context, id string) (Pitch, error) {
	p, err := scanPitch(s.db.QueryRowContext(ctx, pitchSelect+` WHERE p.id = $1`, id))
	if err != nil {
		return Pitch{}, fmt.Errorf("store: pitch %s: %w", id, notFound(err))
	}
	return p, nil
}

// PitchCheck is the rule a new pitch must pass, given the piece (locked
// for the transaction), the outlet and the piece's other pitches; it
// returns the pitch to store.
type PitchCheck func(sub Submission, o Outlet, others []Pitch) (Pitch, error)

// CreatePitch stores the pitch check returns for piece id and outlet
// outletID, with the audit entry audit returns for it (nil for none) in
// the same transaction: a pitch is never stored unaudited. The piece's row
// is locked first, so two pitches of one piece are checked one after the
// other and cannot both pass an exclusivity rule. The pitch's PitchedAt is
// the check's (the placement rules' clock), now when it leaves it zero.
// ErrNotFound if the piece or the outlet does not exist; check's error is
// returned wrapped.
func (s *Store) CreatePitch(ctx context.Context, id, outletID string, check PitchCheck, audit func(Pitch) AuditEntry) (Pitch, error) {
	var p Pitch
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		sub, err := scanSubmission(tx.QueryRowContext(ctx, `SELECT `+submissionColumns("submissions")+` FROM submissions WHERE id = $1`+s.forUpdate(), id))
		if err != nil {
			return notFound(err)
		}
		o, err := scanOutlet(tx.QueryRowContext(ctx, `SELECT `+outletColumns+` FROM outlets WHERE id = $1`, outletID))
		if err != nil {
			return fmt.Errorf("outlet %s: %w", outletID, notFound(err))
		}
		others, err := queryPitches(ctx, tx, ` WHERE p.submission_id = $1 ORDER BY p.pitched_at, p.id`, id)
		if err != nil {
			return err
		}
		if p, err = check(sub, o, others); err != nil {
			return err
		}
		t := now()
		if p.PitchedAt.IsZero() {
			p.PitchedAt = t
		}
		p.PitchedAt = p.PitchedAt.UTC().Truncate(time.Microsecond)
		p.ID, p.SubmissionID, p.OutletID, p.Outlet, p.CreatedAt, p.UpdatedAt = newID(), id, o.ID, o, t, t
		p.Piece = PitchPiece{Title: sub.Title, Kind: sub.Kind, Site: sub.Site, ConsentPublish: sub.ConsentPublish,
			AuthorName: sub.AuthorName, Pseudonym: sub.Pseudonym, Status: sub.Status}
		_, err = tx.ExecContext(ctx, `INSERT INTO pitches (id, submission_id, outlet_id, language, status, word_count,
			published_url, published_on, note, pitched_at, created_by, created_at, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			p.ID, id, o.ID, p.Language, string(p.Status), p.WordCount, p.PublishedURL, p.PublishedOn, p.Note,
			micros(p.PitchedAt), p.CreatedBy, micros(t), p.CreatedBy, micros(t))
		if err != nil || audit == nil {
			return err
		}
		e := audit(p)
		e.At = t
		return insertAudit(ctx, tx, e)
	})
	if err != nil {
		return Pitch{}, fmt.Errorf("store: create pitch of %s: %w", id, err)
	}
	p.UpdatedBy = p.CreatedBy
	return p, nil
}

// UpdatePitch applies change to pitch id under a lock and stores its
// status, published URL and date, note and UpdatedBy, with the audit entry
// audit returns for the change (nil for none) in the same transaction.
// ErrNotFound if there is no such pitch; change's error is returned
// wrapped.
func (s *Store) UpdatePitch(ctx context.Context, id string, change func(cur Pitch) (Pitch, error), audit func(before, after Pitch) AuditEntry) (Pitch, error) {
	var p Pitch
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		lock := ""
		if s.dialect == DialectPostgres {
			lock = " FOR UPDATE OF p"
		}
		cur, err := scanPitch(tx.QueryRowContext(ctx, pitchSelect+` WHERE p.id = $1`+lock, id))
		if err != nil {
			return notFound(err)
		}
		if p, err = change(cur); err != nil {
			return err
		}
		p.UpdatedAt = now()
		_, err = tx.ExecContext(ctx, `UPDATE pitches SET status = $1, published_url = $2, published_on = $3, note = $4,
			updated_by = $5, updated_at = $6 WHERE id = $7`,
			string(p.Status), p.PublishedURL, p.PublishedOn, p.Note, p.UpdatedBy, micros(p.UpdatedAt), id)
		if err != nil || audit == nil {
			return err
		}
		e := audit(cur, p)
		e.At = p.UpdatedAt
		return insertAudit(ctx, tx, e)
	})
	if err != nil {
		return Pitch{}, fmt.Errorf("store: update pitch %s: %w", id, err)
	}
	return p, nil
}

// withdrawPitches marks the open pitches of piece id withdrawn, and them
// and its published placements as outlets to tell, in the withdrawal's
// transaction.
func withdrawPitches(ctx context.Context, tx *sql.Tx, id string, t time.Time) error {
	open := `('` + string(PitchPitched) + `', '` + string(PitchAccepted) + `', '` + string(PitchNoResponse) + `')`
	held := `('` + string(PitchPitched) + `', '` + string(PitchAccepted) + `', '` + string(PitchNoResponse) + `', '` + string(PitchPublished) + `')`
	if _, err := tx.ExecContext(ctx, `UPDATE pitches SET consent_withdrawn = $1, updated_by = 'submitter', updated_at = $2
		WHERE submission_id = $3 AND status IN `+held, true, micros(t), id); err != nil {
		return fmt.Errorf("tell outlets: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE pitches SET status = $1 WHERE submission_id = $2 AND status IN `+open,
		string(PitchWithdrawn), id); err != nil {
		return fmt.Errorf("withdraw pitches: %w", err)
	}
	return nil
}
