package e2e_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/storydesk/storydesk/internal/task"
	"github.com/storydesk/storydesk/workers"
)

// hookNotice is one notice the test's webhook received, with its
// X-StoryDesk-Delivery header.
type hookNotice struct {
	delivery string
	body     map[string]any
}

// hookReceiver records every notice by piece, in the order they came.
type hookReceiver struct {
	mu   sync.Mutex
	byID map[string][]hookNotice
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var n map[string]any
	json.Unmarshal(b, &n)
	id, _ := n["id"].(string)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.byID[id] = append(h.byID[id], hookNotice{delivery: r.Header.Get("X-StoryDesk-Delivery"), body: n})
	w.WriteHeader(http.StatusNoContent)
}

// of returns the notices received about piece id.
func (h *hookReceiver) of(id string) []hookNotice {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookNotice(nil), h.byID[id]...)
}

// waitNotices waits until n notices about piece id came and returns them.
func (h *hookReceiver) waitNotices(t *testing.T, id string, n int) []hookNotice {
	t.Helper()
	waitFor(t, 20*time.Second, "webhook notices of "+id, func() (bool, any) {
		got := h.of(id)
		return len(got) >= n, len(got)
	})
	return h.of(id)
}

// languagesJSON is a notice's languages as JSON, for comparison.
func languagesJSON(n hookNotice) string {
	b, _ := json.Marshal(n.body["languages"])
	return string(b)
}

// TestLateTranslationNotice: a translation approved after its piece was
// published (by the author on the status page, or by an editor with a
// reason) sends the webhook a second notice, event language_added, listing
// both languages with their URLs and marking the new one; the task
// redelivered sends nothing more; a translation approved before
// publication sends nothing beyond the publication's notice, which lists it.
func TestLateTranslationNotice(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			recv := &hookReceiver{byID: map[string][]hookNotice{}}
			hook := httptest.NewServer(recv)
			defer hook.Close()
			secret := "a-webhook-secret-for-tests"
			b := setup(t, options{db: db, workers: true, env: map[string]string{
				"STORYDESK_WEBHOOK_URL": hook.URL + "/hook", "STORYDESK_WEBHOOK_SECRET": secret,
			}})
			ctx := context.Background()

			// Approved before publication by an editor: one notice, both languages.
			early, _ := translated(t, b, "Our street", "Nuestra calle")
			if code, res := b.deskCall(http.MethodPost, "/api/v1/submissions/"+early+"/translations/es/approve", b.token,
				map[string]string{"reason": "The author agreed by phone."}); code != http.StatusOK {
				t.Fatalf("approve translation: %d %v", code, res)
			}
			earlySlug, base := publish(t, b, early)
			if got := recv.waitNotices(t, early, 1); got[0].body["event"] != "published" || got[0].delivery != "webhook:"+early {
				t.Errorf("publication notice: event %v, delivery %q", got[0].body["event"], got[0].delivery)
			}

			// Approved after publication: by the author, then (another
			// piece) by an editor with a reason.
			byAuthor, receipt := translated(t, b, "Our school", "Nuestra escuela")
			byEditor, _ := translated(t, b, "Our church", "Nuestra iglesia")
			authorSlug, _ := publish(t, b, byAuthor)
			editorSlug, _ := publish(t, b, byEditor)
			for _, id := range []string{byAuthor, byEditor} {
				if got := recv.waitNotices(t, id, 1); languagesJSON(got[0]) != `[{"language":"en","original":true,"title":"`+
					map[string]string{byAuthor: "Our school", byEditor: "Our church"}[id]+`","url":"`+base+"/stories/"+
					map[string]string{byAuthor: authorSlug, byEditor: editorSlug}[id]+`"}]` {
					t.Errorf("publication notice of %s lists %s, want the original alone", id, languagesJSON(got[0]))
				}
			}
			if code, res := b.call(http.MethodPost, "/api/v1/submissions/"+byAuthor+"/translations/es/send", b.token, ""); code != http.StatusOK {
				t.Fatalf("send: %d %v", code, res)
			}
			if code, res := answerTranslation(b, receipt, "es", "approve", ""); code != http.StatusOK {
				t.Fatalf("author approval: %d %v", code, res)
			}
			if code, res := b.deskCall(http.MethodPost, "/api/v1/submissions/"+byEditor+"/translations/es/approve", b.token,
				map[string]string{"reason": "The author is unreachable and agreed before."}); code != http.StatusOK {
				t.Fatalf("editor approval: %d %v", code, res)
			}
			for _, c := range []struct{ id, slug, title, esTitle string }{
				{byAuthor, authorSlug, "Our school", "Nuestra escuela"}, {byEditor, editorSlug, "Our church", "Nuestra iglesia"},
			} {
				got := recv.waitNotices(t, c.id, 2)
				n := got[1]
				want := `[{"language":"en","original":true,"title":"` + c.title + `","url":"` + base + "/stories/" + c.slug + `"},` +
					`{"language":"es","new":true,"original":false,"title":"` + c.esTitle + `","url":"` + base + "/stories/" + c.slug + `/es"}]`
				if languagesJSON(n) != want || n.body["event"] != "language_added" || n.body["new_language"] != "es" ||
					n.delivery != "webhook-language:es:"+c.id {
					t.Errorf("second notice of %s: event %v, new_language %v, delivery %q, languages %s; want language_added, es, webhook-language:es:%s, %s",
						c.id, n.body["event"], n.body["new_language"], n.delivery, languagesJSON(n), c.id, want)
				}
			}

			// Redelivered, through the queue and straight to the handler:
			// the delivery record says it was sent, so nothing more is.
			if err := b.app.Dispatch.Dispatch(ctx, task.WebhookLanguage(byAuthor, "es"), task.Webhook(byAuthor)); err != nil {
				t.Fatal(err)
			}
			b.waitQueueEmpty(20 * time.Second)
			h := workers.NewWebhookLanguage(workers.NewWebhook(b.app.Store, hook.URL+"/hook", secret, b.app.Config.BaseURL, b.app.Log))
			tk := task.WebhookLanguage(byAuthor, "es")
			if err := h.ProcessTask(ctx, asynq.NewTask(tk.TaskType, tk.Payload)); err != nil {
				t.Fatal(err)
			}
			if n := len(recv.of(byAuthor)); n != 2 {
				t.Errorf("%d notices of %s after redelivery, want 2", n, byAuthor)
			}
			if got := recv.of(early); len(got) != 1 || languagesJSON(got[0]) != `[{"language":"en","original":true,"title":"Our street","url":"`+
				base+"/stories/"+earlySlug+`"},{"language":"es","original":false,"title":"Nuestra calle","url":"`+base+"/stories/"+earlySlug+`/es"}]` {
				t.Errorf("piece approved before publication: %d notices, first lists %v; want one listing both languages", len(got), got)
			}
		})
	}
}
