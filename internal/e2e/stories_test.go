package e2e_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
	"github.com/storydesk/storydesk/internal/testenv"
)

func TestBylineFollowsConsent(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	cases := []struct {
		consent, pseudonym, en, es string
	}{
		{"name", "", "Maria Lopez", "Maria Lopez"},
		{"pseudonym", "La Abuela", "La Abuela", "La Abuela"},
		{"anonymous", "", "Anonymous", "Anónimo"},
	}
	for _, c := range cases {
		t.Run(c.consent, func(t *testing.T) {
			_, slug := b.published(fieldsWith("title", "Byline "+c.consent, "consent_publish", c.consent, "pseudonym", c.pseudonym))
			for lang, want := range map[string]string{"en": c.en, "es": c.es} {
				code, html, _ := b.page(http.MethodGet, "/stories/"+slug+"?lang="+lang, nil, nil)
				if code != http.StatusOK || !strings.Contains(html, want) {
					t.Errorf("%s page: %d, want byline %q", lang, code, want)
				}
				if c.consent != "name" && strings.Contains(html, "Maria Lopez") {
					t.Errorf("%s page shows the real name", lang)
				}
			}
		})
	}
}

func TestInternalPieceIsNeverPublished(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	id := b.approved(fieldsWith("consent_publish", "internal"))
	code, res := b.call(http.MethodPost, "/api/v1/submissions/"+id+"/publish", b.token, "")
	if code != http.StatusConflict {
		t.Fatalf("publish internal: %d %v, want 409", code, res)
	}
	// Not approved yet: 409 too.
	code2, res2 := b.submit(fieldsWith())
	if code2 != http.StatusCreated {
		t.Fatal(res2)
	}
	if code, _ := b.call(http.MethodPost, "/api/v1/submissions/"+res2["id"].(string)+"/publish", b.token, ""); code != http.StatusConflict {
		t.Errorf("publish unapproved: %d, want 409", code)
	}
	if code, _ := b.call(http.MethodPost, "/api/v1/submissions/"+id+"/publish", "", ""); code != http.StatusUnauthorized {
		t.Errorf("publish without token: %d, want 401", code)
	}
	if s, _ := b.app.Store.Submission(context.Background(), id); s.Status != store.StatusApproved {
		t.Errorf("status %s, want approved", s.Status)
	}
}

func TestWithdrawnPieceIsUnpublished(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db, workers: true})
			ctx := context.Background()
			keep, keepSlug := b.published(fieldsWith("title", "Staying up"))
			id, slug := b.published(fieldsWith("title", "Going away", "consent_photos", "true"), file{"p.jpg", "image/jpeg", testenv.JPEGWithGPS(t)})
			// The submitter's withdrawal, without the unpublish task it
			// would queue: the page must go on the status alone.
			if _, err := b.app.Store.Withdraw(ctx, id, task.ExportRevoke); err != nil {
				t.Fatal(err)
			}
			// The page goes at once, before the unpublish job has run.
			if code, _, _ := b.page(http.MethodGet, "/stories/"+slug, nil, nil); code != http.StatusGone {
				t.Errorf("withdrawn story: %d, want 410", code)
			}
			un := task.Unpublish(id)
			if err := b.app.Store.AddOutbox(ctx, un); err != nil {
				t.Fatal(err)
			}
			if err := b.app.Dispatch.Dispatch(ctx, un); err != nil {
				t.Fatal(err)
			}
			waitFor(t, 10*time.Second, "artifacts deleted", func() (bool, any) {
				keys, err := b.app.Blob.Keys(ctx, "published/"+id+"/")
				return err == nil && len(keys) == 0, fmt.Sprint(keys, err)
			})
			waitFor(t, 10*time.Second, "publication cleared", func() (bool, any) {
				p, err := b.app.Store.PublicationOf(ctx, id)
				return err == nil && p.Title == "" && p.Byline == "" && p.BodyHTML == "",
					fmt.Sprintf("title %q, byline %q, %d bytes of body, %v", p.Title, p.Byline, len(p.BodyHTML), err)
			})
			for _, path := range []string{"/stories/" + slug, "/stories/" + slug + "/images/photo-1.jpg"} {
				if code, _, _ := b.page(http.MethodGet, path, nil, nil); code != http.StatusGone {
					t.Errorf("%s: %d, want 410", path, code)
				}
			}
			if code, _, _ := b.page(http.MethodGet, "/stories/never-was", nil, nil); code != http.StatusNotFound {
				t.Errorf("unknown slug: %d, want 404", code)
			}
			feed := b.feed()
			if len(feed.Entries) != 1 || !strings.HasSuffix(feed.Entries[0].Link.Href, "/stories/"+keepSlug) {
				t.Errorf("feed after withdrawal: %+v", feed.Entries)
			}
			_, list, _ := b.page(http.MethodGet, "/stories", nil, nil)
			if strings.Contains(list, "Going away") || !strings.Contains(list, "Staying up") {
				t.Errorf("list after withdrawal:\n%s", list)
			}
			if keys, _ := b.app.Blob.Keys(ctx, "published/"+keep+"/"); len(keys) != 4 {
				t.Errorf("the other piece lost its files: %v", keys)
			}
		})
	}
}

func TestWebhookSignedAndRetried(t *testing.T) {
	t.Parallel()
	secret := "a-webhook-secret-for-tests"
	var (
		mu       sync.Mutex
		attempts int
		got      map[string]any
		bad      []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts := r.Header.Get("X-StoryDesk-Timestamp")
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(ts + "." + string(body)))
		mu.Lock()
		defer mu.Unlock()
		attempts++
		if !hmac.Equal([]byte(hex.EncodeToString(m.Sum(nil))), []byte(r.Header.Get("X-StoryDesk-Signature"))) {
			bad = append(bad, "bad signature")
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if attempts == 1 {
			w.WriteHeader(http.StatusServiceUnavailable) // the first attempt fails
			return
		}
		json.Unmarshal(body, &got)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	b := setup(t, options{db: "sqlite", workers: true, env: map[string]string{
		"STORYDESK_WEBHOOK_URL": srv.URL + "/hook", "STORYDESK_WEBHOOK_SECRET": secret,
	}})
	id, slug := b.published(fieldsWith("title", "Hooked", "consent_publish", "anonymous", "contact_email", "maria@example.org"))
	var rec map[string]any
	waitFor(t, 20*time.Second, "webhook delivered", func() (bool, any) {
		_, rec = b.get("/api/v1/submissions/" + id)
		wh, _ := rec["webhook"].(map[string]any)
		return wh != nil && wh["state"] == "delivered", wh
	})
	wh := rec["webhook"].(map[string]any)
	if wh["attempts"] != float64(2) || wh["last_status"] != float64(204) {
		t.Errorf("webhook record = %v, want 2 attempts, last 204", wh)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bad) > 0 {
		t.Errorf("signature problems: %v", bad)
	}
	if got["id"] != id || got["slug"] != slug || got["title"] != "Hooked" || got["byline"] != "Anonymous" ||
		!strings.HasSuffix(got["url"].(string), "/stories/"+slug) || got["published_at"] == nil {
		t.Errorf("notice = %v", got)
	}
	raw, _ := json.Marshal(got)
	for _, secretish := range []string{"maria@example.org", "Maria Lopez"} {
		if strings.Contains(string(raw), secretish) {
			t.Errorf("notice holds %q", secretish)
		}
	}
}
