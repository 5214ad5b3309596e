package workers

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/render"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// Webhook POSTs a signed notice of a publication to the configured URL.
// A failed attempt returns an error, so asynq retries it with backoff; every
// attempt is recorded for the editors' record.
type Webhook struct {
	store   *store.Store
	url     string
	secret  []byte
	baseURL string
	client  *http.Client
	log     *slog.Logger
}

// NewWebhook returns the webhook handler.
func NewWebhook(st *store.Store, url, secret, baseURL string, log *slog.Logger) *Webhook {
	return &Webhook{store: st, url: url, secret: []byte(secret), baseURL: baseURL, log: log,
		client: &http.Client{
			Timeout: 15 * time.Second,
			// A redirect is an answer to report, not one to follow with the signed body.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}}
}

// WebhookNotice is the JSON body: public facts only, never contact data.
type WebhookNotice struct {
	ID          string    `json:"id"`
	Slug        string    `json:"slug"`
	URL         string    `json:"url"`
	Title       string    `json:"title"`
	Byline      string    `json:"byline"`
	PublishedAt time.Time `json:"published_at"`
	// Language is the original's; Languages lists every language the piece
	// is published in when the notice is sent, the original first.
	Language  string           `json:"language"`
	Languages []NoticeLanguage `json:"languages"`
}

// NoticeLanguage is one language of a published piece in the notice.
type NoticeLanguage struct {
	Language string `json:"language"`
	URL      string `json:"url"`
	Title    string `json:"title"`
	Original bool   `json:"original"`
}

// Sign returns the hex HMAC-SHA256 of "<timestamp>.<body>", the value of
// the X-StoryDesk-Signature header.
func Sign(secret []byte, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(timestamp + "."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// ProcessTask delivers one notice.
func (h *Webhook) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := task.ParsePayload(t.Payload())
	if err != nil {
		return fmt.Errorf("webhook: %w: %w", err, asynq.SkipRetry)
	}
	id, taskID := p.SubmissionID, task.WebhookID(p.SubmissionID)
	pub, err := h.store.PublicationOf(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return markDone(ctx, h.store, taskID)
	}
	if err != nil {
		return fmt.Errorf("webhook %s: %w", id, err)
	}
	if !pub.Live {
		// Withdrawn before the notice went out: announcing it now would be wrong.
		return markDone(ctx, h.store, taskID)
	}
	versions, err := h.store.PublishedVersions(ctx, pub)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", id, err)
	}
	by := render.Byline{Kind: pub.BylineKind, Name: pub.Byline}
	notice := WebhookNotice{ID: id, Slug: pub.Slug, URL: h.baseURL + "/stories/" + pub.Slug,
		Title: pub.Title, Byline: by.Text(pub.Language), PublishedAt: pub.PublishedAt, Language: pub.Language}
	for _, v := range versions {
		notice.Languages = append(notice.Languages, NoticeLanguage{Language: v.Language, URL: h.baseURL + v.Path(),
			Title: v.Title, Original: v.Original})
	}
	body, err := json.Marshal(notice)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", id, err)
	}
	status, err := h.post(ctx, body)
	delivered := err == nil && status >= 200 && status < 300
	if rerr := h.store.RecordWebhookAttempt(ctx, id, delivered, status); rerr != nil {
		return fmt.Errorf("webhook %s: %w", id, rerr)
	}
	if !delivered {
		if err == nil {
			err = fmt.Errorf("answered %d", status)
		}
		h.log.Warn("webhook attempt failed", "submission", id, "status", status)
		return fmt.Errorf("webhook %s: %w", id, err)
	}
	h.log.Info("webhook delivered", "submission", id, "status", status)
	return markDone(ctx, h.store, taskID)
}

func (h *Webhook) post(ctx context.Context, body []byte) (int, error) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "StoryDesk-Webhook/1")
	req.Header.Set("X-StoryDesk-Timestamp", ts)
	req.Header.Set("X-StoryDesk-Signature", Sign(h.secret, ts, body))
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}
