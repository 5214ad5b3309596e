package e2e_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/store"
)

// TestSubmitterAPI: replies, revisions (changes_requested → ready, the
// original kept) and withdrawal by receipt code, with the refusals.
func TestSubmitterAPI(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "postgres", workers: true})
	ctx := context.Background()
	code, res := b.submit(validFields())
	if code != http.StatusCreated {
		t.Fatalf("submit: %d %v", code, res)
	}
	id, receipt := res["id"].(string), res["receipt"].(string)
	b.waitStatus(id, "ready", 15*time.Second)

	_, unknown := b.status("ZZZZ-ZZZZ-ZZZZ-ZZZZ")
	for _, tt := range []struct {
		name   string
		path   string
		body   map[string]string
		status int
		field  string
	}{
		{"no message", "/api/v1/status/reply", map[string]string{"receipt": receipt}, 400, "message"},
		{"long message", "/api/v1/status/reply", map[string]string{"receipt": receipt, "message": strings.Repeat("é", 10_001)}, 400, "message"},
		{"nul in message", "/api/v1/status/reply", map[string]string{"receipt": receipt, "message": "a\x00b"}, 400, "message"},
		{"revision without body", "/api/v1/status/reply", map[string]string{"receipt": receipt, "message": "m", "title": "T"}, 400, "body"},
		{"revision with long title", "/api/v1/status/reply", map[string]string{"receipt": receipt, "message": "m", "title": strings.Repeat("t", 201), "body": "b"}, 400, "title"},
	} {
		if code, got := b.postJSON(tt.path, tt.body); code != tt.status || got["fields"].(map[string]any)[tt.field] == nil {
			t.Errorf("%s: %d %v, want %d naming %s", tt.name, code, got, tt.status, tt.field)
		}
	}
	for _, path := range []string{"/api/v1/status/reply", "/api/v1/status/withdraw"} {
		for _, c := range []string{"ABCD-EFGH-JKMN-PQRS", "nonsense"} {
			code, got := b.postJSON(path, map[string]string{"receipt": c, "message": "hello"})
			if j1, j2 := jsonText(got), jsonText(unknown); code != http.StatusNotFound || j1 != j2 {
				t.Errorf("%s with %q: %d %s, want 404 %s", path, c, code, j1, j2)
			}
		}
	}
	if n := len(submitterMessages(t, b, id)); n != 0 {
		t.Fatalf("refused replies stored %d messages", n)
	}

	if code, got := b.postJSON("/api/v1/status/reply", map[string]string{"receipt": receipt, "message": "Thank you, any news?"}); code != 200 || got["status"] != "ready" {
		t.Fatalf("reply: %d %v", code, got)
	}
	b.move(id, store.StatusReady, store.StatusChangesRequested)
	code, got := b.postJSON("/api/v1/status/reply", map[string]string{"receipt": receipt, "message": "Here is the new version", "title": "Our family, revised", "body": "We came in 2015. <script>x</script>"})
	if code != 200 || got["status"] != "ready" || got["title"] != "Our family, revised" {
		t.Fatalf("revision: %d %v", code, got)
	}
	revs, err := b.app.Store.Revisions(ctx, id)
	if err != nil || len(revs) != 2 || revs[0].Title != "Our family in Austin" || revs[1].AuthorName != "submitter" || strings.Contains(revs[1].BodyHTML, "<script") {
		t.Fatalf("revisions: %v %+v", err, revs)
	}
	if msgs := submitterMessages(t, b, id); len(msgs) != 2 || msgs[0]["from"] != "submitter" {
		t.Errorf("messages: %v", msgs)
	}

	b.move(id, store.StatusReady, store.StatusApproved)
	if code, _ := b.postJSON("/api/v1/status/reply", map[string]string{"receipt": receipt, "message": "m", "title": "T", "body": "B"}); code != http.StatusConflict {
		t.Errorf("revision after approval: %d, want 409", code)
	}
	// The revision's findings re-check must be done first, or its
	// completion would be counted against the withdrawal's task.
	b.waitQueueEmpty(10 * time.Second)
	before := b.queued()
	if code, got := b.postJSON("/api/v1/status/withdraw", map[string]string{"receipt": receipt}); code != 200 || got["status"] != "withdrawn" {
		t.Fatalf("withdraw: %d %v", code, got)
	}
	if code, got := b.postJSON("/api/v1/status/withdraw", map[string]string{"receipt": receipt}); code != 200 || got["status"] != "withdrawn" {
		t.Errorf("second withdraw: %d %v", code, got)
	}
	if code, _ := b.postJSON("/api/v1/status/reply", map[string]string{"receipt": receipt, "message": "m"}); code != http.StatusConflict {
		t.Errorf("reply after withdrawal: %d, want 409", code)
	}
	if after := b.queued(); after != before {
		t.Errorf("withdrawal enqueued %d tasks", after-before)
	}
	if got, want := b.consentActions(id), []string{store.ConsentGiven, store.ConsentWithdrawn}; !slices.Equal(got, want) {
		t.Errorf("consent ledger: %v, want %v", got, want)
	}

	code, res = b.submit(validFields())
	if code != http.StatusCreated {
		t.Fatal(code)
	}
	b.waitStatus(res["id"].(string), "ready", 15*time.Second)
	b.move(res["id"].(string), store.StatusReady, store.StatusRejected)
	if code, got := b.postJSON("/api/v1/status/withdraw", map[string]string{"receipt": res["receipt"].(string)}); code != http.StatusConflict || got["error"] == nil {
		t.Errorf("withdraw rejected: %d %v, want 409", code, got)
	}

	// The same hourly bucket as the look-up: 60 in all, then 429.
	for i := 0; ; i++ {
		code, _ := b.postJSON("/api/v1/status/withdraw", map[string]string{"receipt": "nonsense"})
		if code == http.StatusTooManyRequests {
			break
		}
		if i > 60 {
			t.Fatal("withdrawals are not throttled")
		}
	}
	if code, _ := b.status(receipt); code != http.StatusTooManyRequests {
		t.Errorf("look-up after the bucket is empty: %d, want 429", code)
	}
}

func submitterMessages(t *testing.T, b *bundle, id string) []map[string]any {
	t.Helper()
	msgs, err := b.app.Store.Messages(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, m := range msgs {
		from := "submitter"
		if m.FromEditor {
			from = "editor"
		}
		out = append(out, map[string]any{"from": from, "body": m.Body})
	}
	return out
}

func jsonText(v any) string { j, _ := json.Marshal(v); return string(j) }

// TestStatusPageForms: the HTML status page's reply, revise and withdraw
// forms, their notices and mistakes, and the look-up's 404 for unknown codes.
func TestStatusPageForms(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	id, receipt := b.readySubmission()
	post := b.statusPage
	code, page := post(url.Values{"receipt": {receipt}})
	for _, form := range []string{`value="reply"`, `value="revise"`, `value="withdraw"`, "We came in 2015."} {
		if code != 200 || !strings.Contains(page, form) {
			t.Errorf("status page lacks %s (%d)", form, code)
		}
	}
	if code, page := post(url.Values{"receipt": {receipt}, "action": {"reply"}, "message": {""}}); code != 400 || !strings.Contains(page, "please write a message") {
		t.Errorf("empty reply: %d", code)
	}
	if code, page := post(url.Values{"receipt": {receipt}, "action": {"reply"}, "message": {"A question for you"}}); code != 200 || !strings.Contains(page, "Your reply was sent.") || !strings.Contains(page, "A question for you") {
		t.Errorf("reply: %d", code)
	}
	b.move(id, store.StatusReady, store.StatusChangesRequested)
	if code, page := post(url.Values{"receipt": {receipt}, "action": {"revise"}, "title": {"Revised title"}, "body": {"Revised body"}, "ui_lang": {"es"}}); code != 200 || !strings.Contains(page, "Envié una nueva versión") {
		t.Errorf("revise: %d", code)
	}
	if s, _ := b.app.Store.Submission(context.Background(), id); s.Status != store.StatusReady || s.Title != "Revised title" {
		t.Errorf("after revision: %s %q", s.Status, s.Title)
	}
	if code, page := post(url.Values{"receipt": {receipt}, "action": {"withdraw"}}); code != 400 || !strings.Contains(page, "Please tick the box") {
		t.Errorf("withdraw without confirm: %d", code)
	}
	if s, _ := b.app.Store.Submission(context.Background(), id); s.Status != store.StatusReady {
		t.Fatalf("unconfirmed withdrawal changed the status to %s", s.Status)
	}
	if code, page := post(url.Values{"receipt": {receipt}, "action": {"withdraw"}, "confirm": {"yes"}}); code != 200 || !strings.Contains(page, "Your submission has been withdrawn.") || strings.Contains(page, `value="withdraw"`) {
		t.Errorf("withdraw: %d", code)
	}
	_, want := post(url.Values{"receipt": {"ABCD-EFGH-JKMN-PQRS"}})
	for _, v := range []url.Values{
		{"receipt": {"ABCD-EFGH-JKMN-PQRS"}, "action": {"withdraw"}, "confirm": {"yes"}},
		{"receipt": {"ABCD-EFGH-JKMN-PQRS"}, "action": {"withdraw"}},
		{"receipt": {"ABCD-EFGH-JKMN-PQRS"}, "action": {"reply"}, "message": {"hi"}},
	} {
		if code, got := post(v); code != 404 || got != want {
			t.Errorf("unknown code with %v: %d, page differs from the look-up's: %v", v, code, got != want)
		}
	}
}
