package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// translationOf returns the record's translation into lang, or nil.
func translationOf(t *testing.T, b *bundle, id, lang string) map[string]any {
	t.Helper()
	code, rec := b.get("/api/v1/submissions/" + id)
	if code != http.StatusOK {
		t.Fatalf("get: %d %v", code, rec)
	}
	list, ok := rec["translations"].([]any)
	if !ok {
		t.Fatalf("record has no translations list: %v", rec["translations"])
	}
	for _, x := range list {
		if tr := x.(map[string]any); tr["language"] == lang {
			return tr
		}
	}
	return nil
}

// fieldOf is the field an error answer names, for a 400.
func fieldOf(res map[string]any, field string) string {
	f, _ := res["fields"].(map[string]any)
	s, _ := f[field].(string)
	return s
}

// answerTranslation posts the author's answer through the receipt code.
func answerTranslation(b *bundle, receipt, lang, decision, message string) (int, map[string]any) {
	b.t.Helper()
	return b.postJSON("/api/v1/status/translation", map[string]string{"receipt": receipt, "language": lang, "decision": decision, "message": message})
}

// TestTranslationsFlow walks a translation through the desk and the
// author: bad input names its field and stores nothing, a second language
// or the original's is a 409, every move from the wrong status is a 409,
// the author approves or asks for changes with the receipt code alone, an
// edit needs a new approval, an editor approves only with a reason, and a
// withdrawal takes the translations down.
func TestTranslationsFlow(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	code, res := b.submit(fieldsWith("title", "Our street", "language", "en"))
	if code != http.StatusCreated {
		t.Fatalf("submit: %d %v", code, res)
	}
	id, receipt := res["id"].(string), res["receipt"].(string)
	base := "/api/v1/submissions/" + id + "/translations"
	tr := b.editorToken("translator@example.org", "translator", "")

	for _, c := range []struct {
		name, field string
		body        map[string]string
	}{
		{"unknown language", "language", map[string]string{"language": "fr", "title": "Notre rue", "body": "Texte."}},
		{"no language", "language", map[string]string{"title": "Nuestra calle", "body": "Texto."}},
		{"empty title", "title", map[string]string{"language": "es", "title": "  ", "body": "Texto."}},
		{"empty body", "body", map[string]string{"language": "es", "title": "Nuestra calle", "body": "\n"}},
	} {
		code, res := b.deskCall(http.MethodPost, base, tr, c.body)
		if code != http.StatusBadRequest || fieldOf(res, c.field) == "" {
			t.Errorf("%s: %d %v, want 400 naming %s", c.name, code, res, c.field)
		}
	}
	if got := translationOf(t, b, id, "es"); got != nil {
		t.Fatalf("a refused translation was stored: %v", got)
	}
	if code, res := b.deskCall(http.MethodPost, base, tr, map[string]string{"language": "en", "title": "Our street", "body": "Text."}); code != http.StatusConflict {
		t.Errorf("translation into the original's language: %d %v, want 409", code, res)
	}

	code, res = b.deskCall(http.MethodPost, base, tr, map[string]string{"language": "es", "title": "Nuestra calle", "body": "Llegamos en **2015**."})
	if code != http.StatusCreated || res["status"] != "draft" || strings.TrimSpace(res["body_html"].(string)) != "<p>Llegamos en <strong>2015</strong>.</p>" {
		t.Fatalf("create: %d %v, want 201, a draft with sanitized HTML", code, res)
	}
	if code, res := b.deskCall(http.MethodPost, base, b.token, map[string]string{"language": "es", "title": "Otra", "body": "Otra."}); code != http.StatusConflict {
		t.Errorf("second es translation: %d %v, want 409", code, res)
	}

	// A translator writes translations but decides, publishes, approves
	// and exports nothing.
	for _, c := range []struct{ method, path, body string }{
		{http.MethodPost, "/api/v1/submissions/" + id + "/decision", `{"decision":"approve"}`},
		{http.MethodPost, "/api/v1/submissions/" + id + "/publish", ``},
		{http.MethodPut, "/api/v1/submissions/" + id, `{"title":"Changed"}`},
		{http.MethodPost, "/api/v1/submissions/" + id + "/contact", ``},
		{http.MethodPost, base + "/es/approve", `{"reason":"The author agreed by phone."}`},
		{http.MethodPost, "/api/v1/exports", `{}`},
		{http.MethodGet, "/api/v1/users", ``},
		{http.MethodGet, "/api/v1/outlets", ``},
		{http.MethodPost, "/api/v1/submissions/" + id + "/pitches", `{"outlet_id":"x"}`},
		{http.MethodGet, "/api/v1/pitches", ``},
		{http.MethodPatch, "/api/v1/pitches/x", `{"status":"declined"}`},
	} {
		if code, res := b.call(c.method, c.path, tr, c.body); code != http.StatusForbidden {
			t.Errorf("translator %s %s: %d %v, want 403", c.method, c.path, code, res)
		}
	}
	// It reads the queue and the piece, translations included.
	for _, path := range []string{"/api/v1/submissions", "/api/v1/submissions/" + id} {
		if code, res := b.call(http.MethodGet, path, tr, ""); code != http.StatusOK {
			t.Errorf("translator GET %s: %d %v, want 200", path, code, res)
		}
	}
	_, cookie := b.queueUser("translator3@example.org", "Tere", "translator", "")
	for _, path := range []string{"/desk", "/desk/s/" + id} {
		if resp, _ := b.deskPage(path, cookie, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("translator page %s: %d, want 200", path, resp.StatusCode)
		}
	}
	// The piece's page offers a translator no form it would be refused.
	if _, page := b.deskPage("/desk/s/"+id, cookie, nil); strings.Contains(page, `method="post" action="/desk/s/`+id) {
		t.Errorf("the translator's page offers editors' forms: %q", regexp.MustCompile(`action="/desk/s/[^"]*"`).FindAllString(page, -1))
	}
	// The admin page shows them as translators, so saving a row keeps the role.
	_, chief := b.queueUser("chief@example.org", "Chief", "admin", "")
	if _, users := b.deskPage("/admin/users", chief, nil); strings.Count(users, `<option value="translator" selected>`) != 2 {
		t.Errorf("the users page shows %d accounts as translators, want 2", strings.Count(users, `<option value="translator" selected>`))
	}
	// Site scoping: a translator of another site does not see the piece.
	elsewhere := b.editorToken("translator2@example.org", "translator", "Elsewhere")
	if code, _ := b.deskCall(http.MethodPut, base+"/es", elsewhere, map[string]string{"title": "X", "body": "Y"}); code != http.StatusNotFound {
		t.Errorf("translator of another site: %d, want 404", code)
	}

	// The author cannot answer before the translation is sent.
	if code, res := answerTranslation(b, receipt, "es", "approve", ""); code != http.StatusConflict {
		t.Errorf("approve a draft: %d %v, want 409", code, res)
	}
	if code, res := b.deskCall(http.MethodPost, base+"/es/approve", b.token, map[string]string{"reason": " "}); code != http.StatusBadRequest || fieldOf(res, "reason") == "" {
		t.Errorf("editor approval without a reason: %d %v, want 400 naming reason", code, res)
	}
	if code, res := b.deskCall(http.MethodPost, base+"/es/send", tr, nil); code != http.StatusOK || res["status"] != "awaiting_author" {
		t.Fatalf("send: %d %v", code, res)
	}
	if code, res := b.deskCall(http.MethodPost, base+"/es/send", tr, nil); code != http.StatusConflict {
		t.Errorf("send twice: %d %v, want 409", code, res)
	}

	// The author reads it as text and asks for changes.
	_, st := b.status(receipt)
	want := []any{map[string]any{"language": "es", "status": "awaiting_author", "title": "Nuestra calle", "body_text": "Llegamos en 2015."}}
	if !reflect.DeepEqual(st["translations"], want) {
		t.Errorf("status translations = %v, want %v", st["translations"], want)
	}
	if code, res := answerTranslation(b, receipt, "es", "request_changes", ""); code != http.StatusBadRequest || fieldOf(res, "message") == "" {
		t.Errorf("request_changes without a message: %d %v, want 400 naming message", code, res)
	}
	if code, res := answerTranslation(b, receipt, "es", "maybe", ""); code != http.StatusBadRequest || fieldOf(res, "decision") == "" {
		t.Errorf("unknown decision: %d %v, want 400 naming decision", code, res)
	}
	unknownCode, unknownRes := b.status("SD-0000-0000-0000")
	if code, res := answerTranslation(b, "SD-0000-0000-0000", "es", "approve", ""); code != unknownCode || !reflect.DeepEqual(res, unknownRes) {
		t.Errorf("unknown receipt: %d %v, want the look-up's %d %v", code, res, unknownCode, unknownRes)
	}
	if code, res := answerTranslation(b, receipt, "fr", "approve", ""); code != http.StatusNotFound {
		t.Errorf("no such translation: %d %v, want 404", code, res)
	}
	code, st = answerTranslation(b, receipt, "es", "request_changes", "El título debe ser «Nuestra cuadra».")
	if code != http.StatusOK {
		t.Fatalf("request_changes: %d %v", code, st)
	}
	if got := st["translations"].([]any)[0].(map[string]any)["status"]; got != "changes_requested" {
		t.Errorf("after request_changes: status %v", got)
	}
	msgs := st["messages"].([]any)
	if last := msgs[len(msgs)-1].(map[string]any); last["body"] != "El título debe ser «Nuestra cuadra»." || last["from"] != "submitter" {
		t.Errorf("the desk did not get the request: %v", last)
	}
	if code, res := answerTranslation(b, receipt, "es", "approve", ""); code != http.StatusConflict {
		t.Errorf("approve after asking for changes: %d %v, want 409", code, res)
	}
	if code, res := b.deskCall(http.MethodPost, base+"/es/send", tr, nil); code != http.StatusConflict {
		t.Errorf("send again without an edit: %d %v, want 409", code, res)
	}

	// The edit goes back to draft; sent again, the author approves.
	code, res = b.deskCall(http.MethodPut, base+"/es", tr, map[string]string{"title": "Nuestra cuadra", "body": "Llegamos en 2015."})
	if code != http.StatusOK || res["status"] != "draft" || len(res["revisions"].([]any)) != 2 {
		t.Fatalf("edit: %d %v, want a draft with two revisions", code, res)
	}
	if code, res := b.deskCall(http.MethodPost, base+"/es/send", tr, nil); code != http.StatusOK {
		t.Fatalf("send after edit: %d %v", code, res)
	}
	if code, res := answerTranslation(b, receipt, "es", "approve", ""); code != http.StatusOK {
		t.Fatalf("author approves: %d %v", code, res)
	}
	if got := translationOf(t, b, id, "es"); got["status"] != "approved" || got["approved_by"] != "author" {
		t.Errorf("after the author's approval: %v", got)
	}

	// New words need a new approval; an editor gives it with a reason.
	if code, res := b.deskCall(http.MethodPut, base+"/es", tr, map[string]string{"title": "Nuestra cuadra", "body": "Llegamos en 2015, en invierno."}); code != http.StatusOK || res["status"] != "draft" || res["approved_by"] != "" {
		t.Errorf("edit of an approved translation: %d %v, want a draft without approval", code, res)
	}
	editor, err := b.app.Store.UserByEmail(context.Background(), "editor@example.org")
	if err != nil {
		t.Fatal(err)
	}
	code, res = b.deskCall(http.MethodPost, base+"/es/approve", b.token, map[string]string{"reason": "The author approved it by phone."})
	if code != http.StatusOK || res["approved_by"] != editor.ID || res["approval_reason"] != "The author approved it by phone." {
		t.Errorf("editor approval: %d %v, want approved by %s with the reason", code, res, editor.ID)
	}
	if code, res := b.deskCall(http.MethodPost, base+"/es/approve", b.token, map[string]string{"reason": "Again."}); code != http.StatusConflict {
		t.Errorf("approve twice: %d %v, want 409", code, res)
	}

	// Withdrawal takes the translations down with the piece.
	if code, res := b.postJSON("/api/v1/status/withdraw", map[string]string{"receipt": receipt}); code != http.StatusOK {
		t.Fatalf("withdraw: %d %v", code, res)
	}
	if _, st := b.status(receipt); fmt.Sprint(st["translations"]) != "[]" {
		t.Errorf("a withdrawn piece still shows translations: %v", st["translations"])
	}
	if code, res := b.deskCall(http.MethodPut, base+"/es", tr, map[string]string{"title": "Nuestra cuadra", "body": "Otra vez."}); code != http.StatusConflict {
		t.Errorf("edit after withdrawal: %d %v, want 409", code, res)
	}
}
