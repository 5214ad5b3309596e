package desk

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/storydesk/storydesk/internal/finding"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
)

// Placement applies the rules of pitching pieces to outlets. Its clock is
// passed in, so exclusivity windows can be tested without waiting.
type Placement struct {
	store *store.Store
	now   func() time.Time
}

// NewPlacement returns the placement rules over st, telling time with now.
func NewPlacement(st *store.Store, now func() time.Time) *Placement {
	return &Placement{store: st, now: now}
}

// Pitch offers piece id to outlet outletID in language (the outlet's when
// ""), for the account by, stored with the audit entry audit returns for it
// in one transaction (nil for none); see CheckPitch for when it is refused.
func (pl *Placement) Pitch(ctx context.Context, id, outletID, language, by string, audit func(store.Pitch) store.AuditEntry) (store.Pitch, error) {
	if strings.TrimSpace(outletID) == "" {
		return store.Pitch{}, Invalid("outlet_id", "required")
	}
	if language != "" && language != "en" && language != "es" {
		return store.Pitch{}, Invalid("language", "invalid_language")
	}
	if _, err := pl.store.Outlet(ctx, outletID); errors.Is(err, store.ErrNotFound) {
		return store.Pitch{}, Invalid("outlet_id", "unknown_outlet")
	} else if err != nil {
		return store.Pitch{}, err
	}
	return pl.store.CreatePitch(ctx, id, outletID, func(sub store.Submission, o store.Outlet, others []store.Pitch) (store.Pitch, error) {
		p, err := CheckPitch(pl.now(), sub, o, language, others)
		p.CreatedBy = by
		return p, err
	}, audit)
}

// held are the statuses in which an outlet holds a pitch: it keeps the
// piece exclusive while its window is open.
var held = []store.PitchStatus{store.PitchPitched, store.PitchAccepted}

// CheckPitch is the rule for a new pitch of sub to o at now: the piece is
// approved or published, its consent is not internal, the outlet takes its
// kind, it is not already with that outlet in that language, and no other
// outlet holds it in that language with its exclusivity window still open.
// The ConflictError names the outlet and the day its window ends.
func CheckPitch(now time.Time, sub store.Submission, o store.Outlet, language string, others []store.Pitch) (store.Pitch, error) {
	if sub.Status != store.StatusApproved && sub.Status != store.StatusPublished {
		return store.Pitch{}, pitchConflict("not_approved", "", time.Time{}, "the piece is %s: only an approved or published piece can be pitched", sub.Status)
	}
	if sub.ConsentPublish == "internal" {
		return store.Pitch{}, pitchConflict("internal", "", time.Time{}, "the author's consent is internal only: this piece may not be offered to an outlet")
	}
	if (sub.Kind == "story" && !o.TakesStories) || (sub.Kind == "oped" && !o.TakesOpEds) {
		return store.Pitch{}, pitchConflict("kind", o.Name, time.Time{}, "%s does not take pieces of kind %s", o.Name, sub.Kind)
	}
	if language == "" {
		language = o.Language
	}
	for _, q := range others {
		if q.Language != language {
			continue
		}
		if q.OutletID == o.ID && (slices.Contains(held, q.Status) || q.Status == store.PitchNoResponse) {
			return store.Pitch{}, pitchConflict("already", o.Name, time.Time{}, "the piece is already pitched to %s in %s", o.Name, language)
		}
		if end := WindowEnd(q); slices.Contains(held, q.Status) && now.Before(end) {
			return store.Pitch{}, pitchConflict("exclusive", q.Outlet.Name, end, "the piece is offered exclusively to %s in %s until %s", q.Outlet.Name, language, end.UTC().Format(time.DateOnly))
		}
	}
	// Counted from the current text: an edit after the review changes it.
	words := finding.WordCount(sanitize.Text(sub.BodyHTML))
	// The window opens by the rules' clock, the one they close it by.
	return store.Pitch{Language: language, Status: store.PitchPitched, WordCount: words, PitchedAt: now}, nil
}

// WindowEnd is when p's outlet's exclusivity window closes, which is also
// when an unanswered pitch is due a follow-up.
func WindowEnd(p store.Pitch) time.Time {
	return p.PitchedAt.Add(time.Duration(p.Outlet.ExclusiveDays) * 24 * time.Hour)
}

// OverLimitBy is how many words p's piece has over its outlet's limit.
func OverLimitBy(p store.Pitch) int {
	if p.Outlet.WordLimit <= 0 || p.WordCount <= p.Outlet.WordLimit {
		return 0
	}
	return p.WordCount - p.Outlet.WordLimit
}

// PitchChange is a change to a pitch: nil fields are left as they are.
type PitchChange struct {
	Status       *string `json:"status"`
	PublishedURL *string `json:"published_url"`
	PublishedOn  *string `json:"published_on"`
	Note         *string `json:"note"`
}

// moves are the status changes a pitch allows; staying in a status (to
// change the note or the URL) is always allowed. A declined or withdrawn
// pitch is over: the piece is pitched again as a new pitch.
var moves = map[store.PitchStatus][]store.PitchStatus{
	store.PitchPitched:    {store.PitchAccepted, store.PitchDeclined, store.PitchNoResponse, store.PitchPublished, store.PitchWithdrawn},
	store.PitchAccepted:   {store.PitchPublished, store.PitchDeclined, store.PitchWithdrawn},
	store.PitchNoResponse: {store.PitchAccepted, store.PitchDeclined, store.PitchPublished, store.PitchWithdrawn},
}

// pitchStatuses are every status a pitch can have.
var pitchStatuses = []store.PitchStatus{store.PitchPitched, store.PitchAccepted, store.PitchDeclined,
	store.PitchNoResponse, store.PitchPublished, store.PitchWithdrawn}

const maxPitchNote = 5000

// Update applies c to pitch id for the account by; visible refuses a
// pitch the account may not see (its error is returned, nothing changed).
// The change is stored with the audit entry audit returns for it in one
// transaction (nil for none).
func (pl *Placement) Update(ctx context.Context, id string, c PitchChange, by string, visible func(store.Pitch) error,
	audit func(before, after store.Pitch) store.AuditEntry) (store.Pitch, error) {
	return pl.store.UpdatePitch(ctx, id, func(cur store.Pitch) (store.Pitch, error) {
		if err := visible(cur); err != nil {
			return store.Pitch{}, err
		}
		p, err := ApplyPitch(pl.now(), cur, c)
		p.UpdatedBy = by
		return p, err
	}, audit)
}

// ApplyPitch validates c and applies it to cur at now: the status move must
// be allowed, a published pitch needs an http(s) URL, and its date is
// today when none is given.
func ApplyPitch(now time.Time, cur store.Pitch, c PitchChange) (store.Pitch, error) {
	p := cur
	if c.Status != nil {
		to := store.PitchStatus(*c.Status)
		if !slices.Contains(pitchStatuses, to) {
			return cur, Invalid("status", "invalid_status")
		}
		if to != cur.Status && !slices.Contains(moves[cur.Status], to) {
			return cur, pitchConflict("move", "", time.Time{}, "a pitch that is %s cannot become %s", cur.Status, to)
		}
		if to != cur.Status && cur.Piece.Status == store.StatusWithdrawn && to != store.PitchWithdrawn && to != store.PitchDeclined {
			return cur, pitchConflict("consent_withdrawn", "", time.Time{}, "the author withdrew consent: this pitch can only be withdrawn or declined")
		}
		p.Status = to
	}
	if c.PublishedURL != nil {
		v := strings.TrimSpace(*c.PublishedURL)
		if u, err := url.Parse(v); v != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(v) > 2000) {
			return cur, Invalid("published_url", "invalid_url")
		}
		p.PublishedURL = v
	}
	if c.PublishedOn != nil {
		v := strings.TrimSpace(*c.PublishedOn)
		if _, err := time.Parse(time.DateOnly, v); v != "" && err != nil {
			return cur, Invalid("published_on", "invalid_date")
		}
		p.PublishedOn = v
	}
	if c.Note != nil {
		if sanitize.CheckText(*c.Note) != nil {
			return cur, Invalid("note", "invalid_text")
		}
		if utf8.RuneCountInString(*c.Note) > maxPitchNote {
			return cur, Invalid("note", "too_long")
		}
		p.Note = strings.TrimSpace(*c.Note)
	}
	if p.Status == store.PitchPublished {
		if p.PublishedURL == "" {
			return cur, Invalid("published_url", "url_required")
		}
		if p.PublishedOn == "" {
			p.PublishedOn = now.UTC().Format(time.DateOnly)
		}
	}
	return p, nil
}

// Due lists the pitches still unanswered when their outlet's window has
// closed, of site's pieces ("" for every site): the ones to chase.
func (pl *Placement) Due(ctx context.Context, site string) ([]store.Pitch, error) {
	return pl.store.Pitches(ctx, store.PitchFilter{Site: site, DueAt: pl.now()})
}

// pitchConflict is a pitch's refusal with its code for the pages
// ("pitch."+code) and the outlet and the day the message quotes.
func pitchConflict(code, outlet string, until time.Time, format string, args ...any) error {
	return &ConflictError{Msg: fmt.Sprintf(format, args...), Code: "pitch." + code, Outlet: outlet, Until: until}
}

// Moves lists the statuses a pitch in status st can move to.
func Moves(st store.PitchStatus) []store.PitchStatus { return slices.Clone(moves[st]) }

// Now is the time by the rules' clock.
func (pl *Placement) Now() time.Time { return pl.now() }
