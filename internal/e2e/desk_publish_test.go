package e2e_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestDeskPublishButton: an editor publishes from the submission page; the
// page then links the public story and shows the webhook's delivery. A
// piece with internal-only consent has no button, and forcing the post
// changes nothing (409).
func TestDeskPublishButton(t *testing.T) {
	t.Parallel()
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()
	b := setup(t, options{db: "sqlite", workers: true, env: map[string]string{
		"STORYDESK_WEBHOOK_URL": hook.URL, "STORYDESK_WEBHOOK_SECRET": "a webhook secret of some length",
	}})
	b.editorToken("pub@example.org", "editor", "")
	cookie := b.deskSession("pub@example.org")

	id := b.approved(fieldsWith("title", "Button pressed", "consent_publish", "anonymous"))
	if _, body := b.deskPage("/desk/s/"+id, cookie, nil); !strings.Contains(body, `action="/desk/s/`+id+`/publish"`) {
		t.Fatal("an approved piece has no Publish button")
	}
	resp, _ := b.deskPage("/desk/s/"+id+"/publish", cookie, url.Values{})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/desk/s/"+id {
		t.Fatalf("publish button: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	rec := b.waitStatus(id, "published", 15*time.Second)
	slug, _ := rec["publication"].(map[string]any)["slug"].(string)
	waitFor(t, 15*time.Second, "the webhook delivered", func() (bool, any) {
		resp, body := b.deskPage("/desk/s/"+id, cookie, nil)
		return strings.Contains(body, `class="webhook-delivered"`), resp.Status + ", no webhook-delivered mark"
	})
	_, body := b.deskPage("/desk/s/"+id, cookie, nil)
	if slug == "" || !strings.Contains(body, `href="/stories/`+slug+`"`) || strings.Contains(body, `/publish"`) {
		t.Errorf("published page: slug %q, public link or a leftover button wrong", slug)
	}

	internal := b.approved(fieldsWith("title", "Only for us", "consent_publish", "internal"))
	_, body = b.deskPage("/desk/s/"+internal, cookie, nil)
	if strings.Contains(body, `/publish"`) || !strings.Contains(body, "internal use only") {
		t.Error("an internal-only piece offers publishing")
	}
	if resp, _ := b.deskPage("/desk/s/"+internal+"/publish", cookie, url.Values{}); resp.StatusCode != http.StatusConflict {
		t.Errorf("forced publish of an internal piece: %d, want 409", resp.StatusCode)
	}
	if _, rec := b.get("/api/v1/submissions/" + internal); rec["status"] != "approved" {
		t.Errorf("internal piece is %v after the refused publish", rec["status"])
	}
}
