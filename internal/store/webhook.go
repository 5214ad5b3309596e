package store

import (
	"context"
	"fmt"
	"time"
)

// Webhook delivery states.
const (
	WebhookDelivered = "delivered"
	WebhookFailed    = "failed" // the last attempt failed; asynq may still retry
)

// WebhookDelivery is where one webhook notice of a piece stands: the
// notice of its publication (Language ""), or the notice of a translation
// approved after it (Language is the translation's).
type WebhookDelivery struct {
	SubmissionID string
	Language     string
	State        string // delivered | failed
	Attempts     int
	LastStatus   int // HTTP status of the last attempt; 0 when no answer came
	UpdatedAt    time.Time
}

// RecordWebhookAttempt counts one delivery attempt of submission id's
// notice about lang ("" for its publication) and its outcome. A notice
// already delivered stays delivered (a late duplicate cannot undo it).
func (s *Store) RecordWebhookAttempt(ctx context.Context, id, lang string, delivered bool, status int) error {
	state := WebhookFailed
	if delivered {
		state = WebhookDelivered
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO webhook_deliveries (submission_id, language, state, attempts, last_status, updated_at)
		VALUES ($1, $2, $3, 1, $4, $5)
		ON CONFLICT (submission_id, language) DO UPDATE SET
			state = CASE WHEN webhook_deliveries.state = 'delivered' THEN 'delivered' ELSE excluded.state END,
			attempts = webhook_deliveries.attempts + 1,
			last_status = excluded.last_status, updated_at = excluded.updated_at`,
		id, lang, state, status, micros(now()))
	if err != nil {
		return fmt.Errorf("store: record webhook %s %q: %w", id, lang, err)
	}
	return nil
}

// WebhookDeliveryOf returns the delivery of submission id's notice about
// lang ("" for its publication), or ErrNotFound.
func (s *Store) WebhookDeliveryOf(ctx context.Context, id, lang string) (WebhookDelivery, error) {
	var (
		d       WebhookDelivery
		updated int64
	)
	err := s.db.QueryRowContext(ctx, `SELECT submission_id, language, state, attempts, last_status, updated_at
		FROM webhook_deliveries WHERE submission_id = $1 AND language = $2`, id, lang).
		Scan(&d.SubmissionID, &d.Language, &d.State, &d.Attempts, &d.LastStatus, &updated)
	if err != nil {
		return WebhookDelivery{}, fmt.Errorf("store: webhook delivery %s %q: %w", id, lang, notFound(err))
	}
	d.UpdatedAt = fromMicros(updated)
	return d, nil
}
