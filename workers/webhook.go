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
	// Event is what happened: NoticePublished, or NoticeLanguageAdded when
	// a translation of a published piece was approved after it.
	Event       string    `json:"event"`
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
	// NewLanguage is the language a NoticeLanguageAdded notice is about.
	NewLanguage string `json:"new_language,omitempty"`
}

// The events of a notice.
const (
	NoticePublished     = "published"
	NoticeLanguageAdded = "language_added"
)

// NoticeLanguage is one language of a published piece in the notice.
type NoticeLanguage struct {
	Language string `json:"language"`
	URL      string `json:"url"`
	Title    string `json:"title"`
	Original bool   `json:"original"`
	// New marks the language a NoticeLanguageAdded notice is about.
	New bool `json:"new,omitempty"`
}

// Sign returns the hex HMAC-SHA256 of "<timestamp>.<body>", the value of
// the X-StoryDesk-Signature header.
func Sign(secret []byte, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(timestamp + "."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// ProcessTask delivers the notice of one publication.
func (h *Webhook) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := task.ParsePayload(t.Payload())
	if err != nil {
		return fmt.Errorf("webhook: %w: %w", err, asynq.SkipRetry)
	}
	return h.deliver(ctx, p.SubmissionID, "", task.WebhookID(p.SubmissionID))
}

// deliver sends submission id's notice about lang ("" for its
// publication) once: a notice the delivery record says was delivered is
// not sent again, whoever enqueued its task again, and neither is one
// about a piece or a language no longer public. Every attempt is
// recorded; a failed one returns an error, for asynq to retry.
func (h *Webhook) deliver(ctx context.Context, id, lang, taskID string) error {
	if h.url == "" {
		return markDone(ctx, h.store, taskID) // no webhook configured: nobody to tell
	}
	d, err := h.store.WebhookDeliveryOf(ctx, id, lang)
	if err == nil && d.State == store.WebhookDelivered {
		return markDone(ctx, h.store, taskID)
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("webhook %s: %w", id, err)
	}
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
	notice, ok := h.notice(pub, versions, lang)
	if !ok {
		// The translation lost its approval (edited back to draft) before its
		// notice went out; approving it again arms the task again.
		return markDone(ctx, h.store, taskID)
	}
	body, err := json.Marshal(notice)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", id, err)
	}
	status, err := h.post(ctx, taskID, body)
	delivered := err == nil && status >= 200 && status < 300
	if rerr := h.store.RecordWebhookAttempt(ctx, id, lang, delivered, status); rerr != nil {
		return fmt.Errorf("webhook %s: %w", id, rerr)
	}
	if !delivered {
		if err == nil {
			err = fmt.Errorf("answered %d", status)
		}
		h.log.Warn("webhook attempt failed", "submission", id, "notice", notice.Event, "status", status)
		return fmt.Errorf("webhook %s: %w", id, err)
	}
	h.log.Info("webhook delivered", "submission", id, "notice", notice.Event, "language", lang, "status", status)
	return markDone(ctx, h.store, taskID)
}

// notice is the notice of pub, published in versions; with lang, the
// notice that lang was added, which is false when lang is not among them.
func (h *Webhook) notice(pub store.Publication, versions []store.PublishedVersion, lang string) (WebhookNotice, bool) {
	by := render.Byline{Kind: pub.BylineKind, Name: pub.Byline}
	n := WebhookNotice{Event: NoticePublished, ID: pub.SubmissionID, Slug: pub.Slug, URL: h.baseURL + "/stories/" + pub.Slug,
		Title: pub.Title, Byline: by.Text(pub.Language), PublishedAt: pub.PublishedAt, Language: pub.Language}
	found := lang == ""
	for _, v := range versions {
		isNew := lang != "" && !v.Original && v.Language == lang
		found = found || isNew
		n.Languages = append(n.Languages, NoticeLanguage{Language: v.Language, URL: h.baseURL + v.Path(),
			Title: v.Title, Original: v.Original, New: isNew})
	}
	if lang != "" {
		n.Event, n.NewLanguage = NoticeLanguageAdded, lang
	}
	return n, found
}

// post sends body, signed. X-StoryDesk-Delivery names the notice (its
// TaskID, the same on every attempt), so a receiver can drop the duplicate
// that a worker dying between the answer and its record would send.
func (h *Webhook) post(ctx context.Context, delivery string, body []byte) (int, error) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "StoryDesk-Webhook/1")
	req.Header.Set("X-StoryDesk-Timestamp", ts)
	req.Header.Set("X-StoryDesk-Signature", Sign(h.secret, ts, body))
	req.Header.Set("X-StoryDesk-Delivery", delivery)
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}
