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

// WebhookDelivery is where the publication webhook of one piece stands.
type WebhookDelivery struct {
	SubmissionID string
	State        string // delivered | failed
	Attempts     int
	LastStatus   int // HTTP status of the last attempt; 0 when no answer came
	UpdatedAt    time.Time
}

// RecordWebhookAttempt counts one delivery attempt and its outcome. A piece
// already delivered stays delivered (a late duplicate cannot undo it).
func (s *Store) RecordWebhookAttempt(ctx context.Context, id string, delivered bool, status int) error {
	state := WebhookFailed
	if delivered {
		state = WebhookDelivered
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO webhook_deliveries (submission_id, state, attempts, last_status, updated_at)
		VALUES ($1, $2, 1, $3, $4)
		ON CONFLICT (submission_id) DO UPDATE SET
			state = CASE WHEN webhook_deliveries.state = 'delivered' THEN 'delivered' ELSE excluded.state END,
			attempts = webhook_deliveries.attempts + 1,
			last_status = excluded.last_status, updated_at = excluded.updated_at`,
		id, state, status, micros(now()))
	if err != nil {
		return fmt.Errorf("store: record webhook %s: %w", id, err)
	}
	return nil
}

// WebhookDeliveryOf returns the webhook delivery of submission id, or ErrNotFound.
func (s *Store) WebhookDeliveryOf(ctx context.Context, id string) (WebhookDelivery, error) {
	var (
		d       WebhookDelivery
		updated int64
	)
	err := s.db.QueryRowContext(ctx, `SELECT submission_id, state, attempts, last_status, updated_at
		FROM webhook_deliveries WHERE submission_id = $1`, id).Scan(&d.SubmissionID, &d.State, &d.Attempts, &d.LastStatus, &updated)
	if err != nil {
		return WebhookDelivery{}, fmt.Errorf("store: webhook delivery %s: %w", id, notFound(err))
	}
	d.UpdatedAt = fromMicros(updated)
	return d, nil
}
