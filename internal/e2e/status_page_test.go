package e2e_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/store"
)

// readySubmission submits validFields through the API and waits for the
// review; it returns the id and the receipt code.
func (b *bundle) readySubmission() (id, receipt string) {
	b.t.Helper()
	code, res := b.submit(validFields())
	if code != http.StatusCreated {
		b.t.Fatalf("submit: %d %v", code, res)
	}
	id, receipt = res["id"].(string), res["receipt"].(string)
	b.waitStatus(id, "ready", 15*time.Second)
	return id, receipt
}

// statusPage posts the status page's form.
func (b *bundle) statusPage(v url.Values) (int, string) {
	b.t.Helper()
	code, body, _ := b.page("POST", "/status", strings.NewReader(v.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	return code, body
}

// TestStatusPageForTheViewer is issue 13, item 3, on the status page: an
// automatic message reads in the viewer's language, whichever language it
// was sent from; an empty code is asked for (400 naming the field), not
// "not found"; a published piece links to its story.
func TestStatusPageForTheViewer(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	id, receipt := b.readySubmission()
	post := b.statusPage

	b.move(id, store.StatusReady, store.StatusChangesRequested)
	if code, _ := post(url.Values{"receipt": {receipt}, "action": {"revise"}, "title": {"Revised"}, "body": {"Revised body"}, "ui_lang": {"es"}}); code != 200 {
		t.Fatalf("revise from the Spanish page: %d", code)
	}
	_, en := post(url.Values{"receipt": {receipt}, "ui_lang": {"en"}})
	if strings.Contains(en, "Envié una nueva versión") || !strings.Contains(en, "I sent a new version of my piece.") {
		t.Errorf("the English status page shows the automatic message in Spanish (or not at all)")
	}
	_, es := post(url.Values{"receipt": {receipt}, "ui_lang": {"es"}})
	if !strings.Contains(es, "Envié una nueva versión de mi texto.") {
		t.Errorf("the Spanish status page does not show the automatic message in Spanish")
	}
	// The desk shows it in the editor's language too.
	b.editorToken("viewer@example.org", "editor", "")
	cookie := b.deskSession("viewer@example.org")
	for lang, want := range map[string]string{"en": "I sent a new version of my piece.", "es": "Envié una nueva versión de mi texto."} {
		_, page := b.deskPage("/desk/s/"+id+"?lang="+lang, cookie, nil)
		if msgs := section(t, page, `<section id="messages"`, `</section>`); !strings.Contains(msgs, want) {
			t.Errorf("the %s desk page does not show the automatic message as %q:\n%s", lang, want, plain(msgs))
		}
	}

	// An empty code: ask for it.
	for lang, want := range map[string]string{"en": "please enter", "es": "por favor, escriba"} {
		code, page := post(url.Values{"receipt": {"  "}, "ui_lang": {lang}})
		if code != http.StatusBadRequest || !strings.Contains(page, `href="#receipt"`) || !strings.Contains(strings.ToLower(page), want) {
			t.Errorf("empty code (%s): %d; want 400 asking for the code (%q): %s", lang, code, want, summaryText(page))
		}
	}
	if code, res := b.postJSON("/api/v1/status", map[string]string{"receipt": ""}); code != http.StatusBadRequest || jsonText(res["fields"]) != `{"receipt":"is required"}` {
		t.Errorf("API, empty code: %d %v; want 400 naming receipt", code, res)
	}

	// Published: the status page links to the story.
	b.move(id, store.StatusReady, store.StatusApproved)
	if code, res := b.call(http.MethodPost, "/api/v1/submissions/"+id+"/publish", b.token, ""); code != http.StatusAccepted {
		t.Fatalf("publish: %d %v", code, res)
	}
	rec := b.waitStatus(id, "published", 15*time.Second)
	slug := rec["publication"].(map[string]any)["slug"].(string)
	_, page := post(url.Values{"receipt": {receipt}})
	if !strings.Contains(page, `href="/stories/`+slug+`?lang=en"`) {
		t.Errorf("the status page of a published piece does not link to /stories/%s", slug)
	}
	if s, _ := b.app.Store.Submission(context.Background(), id); s.Status != store.StatusPublished {
		t.Fatalf("status %s", s.Status)
	}
}

// TestSummaryUsesTheQuestions: each line of the error summary starts with
// the words of the question it links to, in both languages (issue 13, item 3).
func TestSummaryUsesTheQuestions(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	for lang, want := range map[string][]string{
		"en": {"What are you sending?", "Which language did you write in?", "Which describes you best?", "How may we publish your piece?"},
		"es": {"¿Qué nos envía?", "¿En qué idioma lo escribió?", "¿Qué opción le describe mejor?", "¿Cómo podemos publicar su texto?"},
	} {
		f := validFields()
		f["ui_lang"], f["kind"], f["language"], f["author_role"], f["consent_publish"] = lang, "", "xx", "xx", ""
		body, ct := form(t, f)
		code, html, _ := b.page("POST", "/submit", body, map[string]string{"Content-Type": ct})
		summary := summaryText(html)
		for _, q := range want {
			if code != http.StatusBadRequest || !strings.Contains(summary, q) {
				t.Errorf("%s: %d, summary %q lacks the question %q", lang, code, summary, q)
			}
		}
	}
}

// TestStatusLimitKeepsTheReply: past the hourly limit of the status page, a
// reply or a new version that could not be sent comes back to be copied,
// with the code still in its box and the real wait (issue 13, item 1's
// class on the status page).
func TestStatusLimitKeepsTheReply(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	b := setup(t, options{db: "sqlite", clock: clock.now})
	const reply = "Quité el nombre de la calle, como me pidieron."
	var code int
	var page string
	for i := 0; i < 61 && code != http.StatusTooManyRequests; i++ {
		code, page = b.statusPage(url.Values{"receipt": {"K7QH-3M9T-XW2P-84RD"}, "action": {"reply"}, "message": {reply}, "ui_lang": {"es"}})
	}
	if code != http.StatusTooManyRequests {
		t.Fatalf("61 look-ups: %d, want 429", code)
	}
	if !strings.Contains(page, reply+"</textarea>") || !strings.Contains(page, `value="K7QH-3M9T-XW2P-84RD"`) || !strings.Contains(page, "60 minutos") {
		t.Errorf("the limited status page lost the reply, the code or the wait: %s", summaryText(page))
	}
}
