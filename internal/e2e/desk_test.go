package e2e_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/storydesk/storydesk/internal/testenv"
)

func TestDesk(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db, workers: true})
			b.editorToken("desk@example.org", "editor", "")
			cookie := b.deskSession("desk@example.org")
			t.Run("edit keeps the original and diffs escaped", func(t *testing.T) { testDeskEdit(t, b, cookie) })
			t.Run("notes stay internal", func(t *testing.T) { testDeskNotes(t, b, cookie) })
			t.Run("contact reveal is audited", func(t *testing.T) { testDeskContact(t, b, cookie) })
			t.Run("image preview", func(t *testing.T) { testDeskPreview(t, b, cookie) })
		})
	}
}

func testDeskEdit(t *testing.T, b *bundle, cookie *http.Cookie) {
	id, _ := b.deskReady(nil)
	code, orig := b.get("/api/v1/submissions/" + id)
	if code != http.StatusOK {
		t.Fatal(code)
	}
	newBody := "We came in 2015.\n\n<script>alert('x')</script> We stayed."
	code, res := b.deskCall(http.MethodPut, "/api/v1/submissions/"+id, b.token, map[string]string{"title": "Our <b>family</b>", "body": newBody})
	if code != http.StatusOK || res["revision"] != float64(2) {
		t.Fatalf("edit: %d %v", code, res)
	}
	_, rec := b.get("/api/v1/submissions/" + id)
	revs := rec["revisions"].([]any)
	if len(revs) != 2 {
		t.Fatalf("%d revisions, want 2", len(revs))
	}
	first, second := revs[0].(map[string]any), revs[1].(map[string]any)
	if first["body"] != orig["body"] || first["title"] != orig["title"] || first["number"] != float64(1) {
		t.Errorf("original changed: %v", first)
	}
	if second["body"] != newBody || rec["body"] != newBody || rec["title"] != "Our family" {
		t.Errorf("current: title %q body %q", rec["title"], rec["body"])
	}
	if strings.Contains(rec["body_html"].(string), "<script") {
		t.Errorf("body_html not sanitized: %s", rec["body_html"])
	}
	if code, res := b.deskCall(http.MethodPut, "/api/v1/submissions/"+id, b.token, map[string]string{"title": " "}); code != http.StatusBadRequest || res["fields"].(map[string]any)["title"] == nil {
		t.Errorf("empty title: %d %v", code, res)
	}

	code, d := b.get("/api/v1/submissions/" + id + "/diff?a=1&b=2")
	inserted := false
	for _, c := range d["body"].([]any) {
		c := c.(map[string]any)
		inserted = inserted || (c["op"] == "ins" && strings.Contains(c["text"].(string), "<script>alert"))
	}
	if code != http.StatusOK || !inserted {
		t.Errorf("diff API: %d %v", code, d)
	}
	for _, mode := range []string{"word", "line"} {
		resp, page := b.deskPage("/desk/s/"+id+"/diff?a=1&b=2&mode="+mode, cookie, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("diff page %s: %d", mode, resp.StatusCode)
		}
		if strings.Contains(page, "<script>") || !strings.Contains(page, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") {
			t.Errorf("diff page %s does not escape the edit:\n%s", mode, page)
		}
		if !strings.Contains(page, "<ins>") || !strings.Contains(page, "<del>") {
			t.Errorf("diff page %s has no <ins>/<del>", mode)
		}
	}
	if resp, _ := b.deskPage("/desk/s/"+id+"/diff?a=1&b=9", cookie, nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("diff to a missing revision: %d", resp.StatusCode)
	}
	resp, page := b.deskPage("/desk/s/"+id, cookie, nil)
	if resp.StatusCode != http.StatusOK || strings.Contains(page, "<script>alert") {
		t.Errorf("desk page: %d, raw script present: %v", resp.StatusCode, strings.Contains(page, "<script>alert"))
	}

	// The page's edit form makes revision 3.
	resp, page = b.deskFollow("/desk/s/"+id+"/edit", cookie, url.Values{"title": {"Our family"}, "body": {"We came in 2015."}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Saved as a new revision") {
		t.Errorf("edit form: %d", resp.StatusCode)
	}
	if _, rec := b.get("/api/v1/submissions/" + id); len(rec["revisions"].([]any)) != 3 || rec["body"] != "We came in 2015." {
		t.Errorf("after the form edit: %v revisions, body %q", len(rec["revisions"].([]any)), rec["body"])
	}
}

func testDeskNotes(t *testing.T, b *bundle, cookie *http.Cookie) {
	id, receipt := b.deskReady(nil)
	const secret = "Call her lawyer before publishing"
	if code, res := b.deskCall(http.MethodPost, "/api/v1/submissions/"+id+"/notes", b.token, map[string]string{"text": secret}); code != http.StatusCreated {
		t.Fatalf("note: %d %v", code, res)
	}
	if code, res := b.deskCall(http.MethodPost, "/api/v1/submissions/"+id+"/notes", b.token, map[string]string{"text": ""}); code != http.StatusBadRequest || res["fields"].(map[string]any)["text"] == nil {
		t.Errorf("empty note: %d %v", code, res)
	}
	resp, page := b.deskFollow("/desk/s/"+id+"/notes", cookie, url.Values{"text": {"Second <i>note</i>"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Second &lt;i&gt;note&lt;/i&gt;") {
		t.Errorf("note form: %d", resp.StatusCode)
	}
	const msg = "Could you remove your street name?"
	if code, res := b.deskCall(http.MethodPost, "/api/v1/submissions/"+id+"/messages", b.token, map[string]string{"message": msg}); code != http.StatusCreated {
		t.Fatalf("message: %d %v", code, res)
	}
	_, rec := b.get("/api/v1/submissions/" + id)
	if notes := rec["notes"].([]any); len(notes) != 2 || notes[0].(map[string]any)["text"] != secret {
		t.Errorf("record notes: %v", rec["notes"])
	}
	view := b.deskSubmitterView(receipt)
	if strings.Contains(view, "lawyer") || strings.Contains(view, "Second") {
		t.Errorf("the submitter sees a note: %s", view)
	}
	if !strings.Contains(view, msg) {
		t.Errorf("the submitter does not see the editor's message: %s", view)
	}
}

func testDeskContact(t *testing.T, b *bundle, cookie *http.Cookie) {
	id, _ := b.deskReady(nil)
	ctx := context.Background()
	audited := func() int {
		entries, err := b.app.Store.AuditLog(ctx, id, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if e.Action == "contact_viewed" && e.Actor == "desk@example.org" {
				n++
			}
		}
		return n
	}
	if _, page := b.deskPage("/desk/s/"+id, cookie, nil); strings.Contains(page, "maria@example.org") || audited() != 0 {
		t.Fatalf("contact shown before the reveal")
	}
	resp, page := b.deskFollow("/desk/s/"+id+"/contact", cookie, url.Values{})
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "maria@example.org") {
		t.Fatalf("reveal: %d", resp.StatusCode)
	}
	if n := audited(); n != 1 {
		t.Errorf("%d contact_viewed entries after the page reveal, want 1", n)
	}
	if _, page := b.deskPage("/desk/s/"+id, cookie, nil); !strings.Contains(page, "contact_viewed") {
		t.Errorf("the reveal is not in the page's history")
	}
	tok := b.editorToken("api-desk@example.org", "staff", "")
	if code, res := b.deskCall(http.MethodPost, "/api/v1/submissions/"+id+"/contact", tok, nil); code != http.StatusOK || res["contact_email"] != "maria@example.org" {
		t.Errorf("API reveal: %d %v", code, res)
	}
	if strings.Contains(b.logs.String(), "maria@example.org") {
		t.Error("contact data in the logs")
	}
}

func testDeskPreview(t *testing.T, b *bundle, cookie *http.Cookie) {
	id, _ := b.deskReady(nil,
		file{"photo.jpg", "image/jpeg", testenv.JPEGWithGPS(t)},
		file{"doc.pdf", "application/pdf", testenv.MinimalPDF()})
	_, rec := b.get("/api/v1/submissions/" + id)
	var jpg, pdf string
	for _, a := range rec["attachments"].([]any) {
		a := a.(map[string]any)
		if a["content_type"] == "image/jpeg" {
			jpg = a["id"].(string)
		} else {
			pdf = a["id"].(string)
		}
	}
	resp, body := b.deskPage("/desk/s/"+id+"/attachments/"+jpg+"/preview", cookie, nil)
	h := resp.Header
	if resp.StatusCode != http.StatusOK || h.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(body, "\xff\xd8") {
		t.Fatalf("preview: %d %s", resp.StatusCode, h.Get("Content-Type"))
	}
	if h.Get("Content-Security-Policy") != "default-src 'none'; sandbox" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") != "no-store" {
		t.Errorf("preview headers: %v", h)
	}
	if resp, _ := b.deskPage("/desk/s/"+id+"/attachments/"+pdf+"/preview", cookie, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("PDF preview: %d, want 404 (download only)", resp.StatusCode)
	}
	_, page := b.deskPage("/desk/s/"+id, cookie, nil)
	if !strings.Contains(page, `/attachments/`+jpg+`/preview"`) || strings.Contains(page, `/attachments/`+pdf+`/preview"`) {
		t.Errorf("page previews: want the photo only")
	}
	if resp, _ := b.deskPage("/desk/s/"+id+"/attachments/"+jpg+"/preview", nil, nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("preview without a session: %d, want 303 to /login", resp.StatusCode)
	}
	b.editorToken("desk-elpaso@example.org", "editor", "El Paso")
	other := b.deskSession("desk-elpaso@example.org")
	if resp, _ := b.deskPage("/desk/s/"+id+"/attachments/"+jpg+"/preview", other, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("other site's preview: %d, want 404", resp.StatusCode)
	}
}
