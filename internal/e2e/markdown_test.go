package e2e_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/testenv"
)

// TestMarkdownBombs: issue 11's amplification bodies are refused with 400
// naming body on every path that stores a body (intake, the submitter's
// revision, the editor's edit, and the HTML forms in both languages), and
// nothing of them is stored; an honest 60 KiB story passes every path.
func TestMarkdownBombs(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db})
			ctx := context.Background()
			code, res := b.submit(fieldsWith())
			if code != http.StatusCreated {
				t.Fatalf("submit: %d %v", code, res)
			}
			id, receipt := res["id"].(string), res["receipt"].(string)

			refusedBody := func(t *testing.T, what string, code int, res map[string]any) {
				t.Helper()
				fields, _ := res["fields"].(map[string]any)
				if code != http.StatusBadRequest || fields["body"] == nil {
					t.Errorf("%s: %d %v, want 400 naming body", what, code, res)
				}
			}
			for _, bomb := range []struct{ name, body string }{
				{"table", testenv.TableBomb()},
				{"reference", testenv.ReferenceBomb()},
			} {
				t.Run(bomb.name+"/intake", func(t *testing.T) {
					code, res := b.submit(fieldsWith("body", bomb.body))
					refusedBody(t, "intake", code, res)
				})
				t.Run(bomb.name+"/revision", func(t *testing.T) {
					code, res := b.postJSON("/api/v1/status/reply", map[string]string{
						"receipt": receipt, "message": "new version", "title": "Revised", "body": bomb.body})
					refusedBody(t, "revision", code, res)
				})
				t.Run(bomb.name+"/edit", func(t *testing.T) {
					js, _ := json.Marshal(map[string]string{"body": bomb.body})
					code, res := b.call(http.MethodPut, "/api/v1/submissions/"+id, b.token, string(js))
					refusedBody(t, "edit", code, res)
				})
				t.Run(bomb.name+"/form", func(t *testing.T) {
					for lang, want := range map[string]string{"en": "too complex", "es": "demasiado complejo"} {
						f := fieldsWith("body", bomb.body, "ui_lang", lang)
						body, ct := form(t, f)
						code, html, _ := b.page(http.MethodPost, "/submit", body, map[string]string{"Content-Type": ct})
						if code != http.StatusBadRequest || !strings.Contains(html, want) {
							t.Errorf("%s form: %d, want 400 with %q", lang, code, want)
						}
					}
				})
			}
			if total, _ := submissionCount(ctx, b.app.Store); total != 1 {
				t.Errorf("%d submissions stored, want only the first", total)
			}
			if revs, _ := b.app.Store.Revisions(ctx, id); len(revs) != 1 {
				t.Errorf("%d revisions stored, want only the original", len(revs))
			}

			story := testenv.LongStory()
			if code, res := b.submit(fieldsWith("body", story)); code != http.StatusCreated {
				t.Errorf("honest story at intake: %d %v", code, res)
			}
			if code, res := b.postJSON("/api/v1/status/reply", map[string]string{
				"receipt": receipt, "message": "new version", "title": "Revised", "body": story}); code != http.StatusOK {
				t.Errorf("honest story as a revision: %d %v", code, res)
			}
			js, _ := json.Marshal(map[string]string{"body": story + "\nEdited."})
			if code, res := b.call(http.MethodPut, "/api/v1/submissions/"+id, b.token, string(js)); code != http.StatusOK || res["revision"] != float64(3) {
				t.Errorf("honest story as an edit: %d %v", code, res)
			}
		})
	}
}

// TestPagesReadStoredHTML: the desk's page and record show the stored HTML
// and its text; nothing renders the body's source again on a view. The
// stored HTML here differs from what the source would render to, so a
// fresh rendering would show.
func TestPagesReadStoredHTML(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	ctx := context.Background()
	sub := store.Submission{ReceiptHash: "stored-html-test", Kind: "story", Title: "Stored", Language: "en",
		Body: "Source words never rendered again.", BodyHTML: "<p>Stored words from intake.</p>", ConsentPublish: "anonymous"}
	if err := b.app.Store.CreateSubmission(ctx, &sub, nil, nil); err != nil {
		t.Fatal(err)
	}
	_, rec := b.get("/api/v1/submissions/" + sub.ID)
	if rec["body_text"] != "Stored words from intake." {
		t.Errorf("body_text = %q, want the stored HTML's text", rec["body_text"])
	}
	cookie := b.login("editor@example.org")
	code, html, _ := b.page(http.MethodGet, "/desk/s/"+sub.ID, nil, map[string]string{"Cookie": cookie})
	if code != http.StatusOK || !strings.Contains(html, "Stored words from intake.") {
		t.Fatalf("desk page: %d, want the stored HTML", code)
	}
	// The edit box holds the source; no other part of the page renders it.
	if n := strings.Count(html, "Source words never rendered again."); n != 1 {
		t.Errorf("the source appears %d times on the desk page, want once (the edit box)", n)
	}
}
