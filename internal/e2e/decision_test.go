package e2e_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

func TestDecision(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db, workers: true})
			t.Run("rules", func(t *testing.T) { testDecisionRules(t, b) })
			t.Run("concurrent", func(t *testing.T) { testDecisionRace(t, b) })
			t.Run("page", func(t *testing.T) { testDecisionPage(t, b) })
			t.Run("access", func(t *testing.T) { testDeskAccess(t, b) })
		})
	}
}

func testDecisionRules(t *testing.T, b *bundle) {
	ctx := context.Background()
	id, receipt := b.deskReady(nil)
	code, res := deskDecide(b, id, b.token, "request_changes", "  ")
	if code != http.StatusBadRequest || res["fields"].(map[string]any)["message"] == nil || !strings.Contains(res["error"].(string), "message") {
		t.Errorf("request_changes without a message: %d %v", code, res)
	}
	if code, res := deskDecide(b, id, b.token, "publish", ""); code != http.StatusBadRequest || res["fields"].(map[string]any)["decision"] == nil {
		t.Errorf("unknown decision: %d %v", code, res)
	}
	const ask = "Please leave out your A-number."
	if code, res := deskDecide(b, id, b.token, "request_changes", ask); code != http.StatusOK || res["status"] != "changes_requested" {
		t.Fatalf("request_changes: %d %v", code, res)
	}
	if view := b.deskSubmitterView(receipt); !strings.Contains(view, ask) || !strings.Contains(view, "changes_requested") {
		t.Errorf("the submitter does not see the request: %s", view)
	}
	// Approving from changes_requested is allowed (docs/statuses.md).
	if code, res := deskDecide(b, id, b.token, "approve", ""); code != http.StatusOK || res["status"] != "approved" {
		t.Fatalf("approve: %d %v", code, res)
	}

	before, _ := b.app.Store.Submission(ctx, id)
	evBefore, _ := b.app.Store.Events(ctx, id)
	msgBefore, _ := b.app.Store.Messages(ctx, id)
	for _, d := range []string{"request_changes", "reject", "approve"} {
		code, res := deskDecide(b, id, b.token, d, "too late")
		if code != http.StatusConflict || !strings.Contains(res["error"].(string), "approved") {
			t.Errorf("%s from approved: %d %v, want 409 naming the status", d, code, res)
		}
	}
	after, _ := b.app.Store.Submission(ctx, id)
	evAfter, _ := b.app.Store.Events(ctx, id)
	msgAfter, _ := b.app.Store.Messages(ctx, id)
	if after.Status != before.Status || !after.UpdatedAt.Equal(before.UpdatedAt) || len(evAfter) != len(evBefore) || len(msgAfter) != len(msgBefore) {
		t.Errorf("a refused decision changed something: %s→%s, events %d→%d, messages %d→%d",
			before.Status, after.Status, len(evBefore), len(evAfter), len(msgBefore), len(msgAfter))
	}

	// Internal consent can be approved; publishing is refused elsewhere.
	internal, _ := b.deskReady(map[string]string{"consent_publish": "internal", "pseudonym": ""})
	if code, res := deskDecide(b, internal, b.token, "approve", ""); code != http.StatusOK || res["status"] != "approved" {
		t.Errorf("approve internal: %d %v", code, res)
	}
	rejected, _ := b.deskReady(nil)
	if code, res := deskDecide(b, rejected, b.token, "reject", "Thank you, but it is not for us."); code != http.StatusOK || res["status"] != "rejected" {
		t.Errorf("reject: %d %v", code, res)
	}
}

func testDecisionRace(t *testing.T, b *bundle) {
	id, _ := b.deskReady(nil)
	other := b.editorToken("second-editor@example.org", "editor", "")
	var (
		wg    sync.WaitGroup
		codes [2]int
		errs  [2]string
	)
	for i, tok := range []string{b.token, other} {
		wg.Go(func() {
			d := "approve"
			if i == 1 {
				d = "reject"
			}
			code, res := deskDecide(b, id, tok, d, "")
			codes[i] = code
			if s, ok := res["error"].(string); ok {
				errs[i] = s
			}
		})
	}
	wg.Wait()
	ok, conflict := 0, 0
	for i, c := range codes {
		switch c {
		case http.StatusOK:
			ok++
		case http.StatusConflict:
			conflict++
			if !strings.Contains(errs[i], "approved") && !strings.Contains(errs[i], "rejected") {
				t.Errorf("the loser is not told the status: %q", errs[i])
			}
		}
	}
	if ok != 1 || conflict != 1 {
		t.Fatalf("codes %v, want one 200 and one 409", codes)
	}
	events, _ := b.app.Store.Events(context.Background(), id)
	moves := 0
	for _, e := range events {
		if e.Action == "status" {
			moves++
		}
	}
	if moves != 1 {
		t.Errorf("%d status events, want 1", moves)
	}
}

func testDecisionPage(t *testing.T, b *bundle) {
	b.editorToken("page-editor@example.org", "admin", "")
	cookie := b.deskSession("page-editor@example.org")
	id, _ := b.deskReady(nil)
	resp, page := b.deskPage("/desk/s/"+id+"/decision", cookie, url.Values{"decision": {"request_changes"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `id="desk_decision_message" name="message" rows="4" aria-describedby="hint-desk_decision_message err-desk_decision_message" aria-invalid="true"`) {
		t.Errorf("page request_changes without a message: %d", resp.StatusCode)
	}
	resp, page = b.deskFollow("/desk/s/"+id+"/decision", cookie, url.Values{"decision": {"approve"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Approved.") {
		t.Errorf("page approve: %d", resp.StatusCode)
	}
	resp, page = b.deskPage("/desk/s/"+id+"/decision", cookie, url.Values{"decision": {"reject"}, "confirm": {"yes"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "another editor") {
		t.Errorf("page reject after approve: %d", resp.StatusCode)
	}
	if s, _ := b.app.Store.Submission(context.Background(), id); s.Status != "approved" {
		t.Errorf("status %s after a refused page decision", s.Status)
	}
}

// testDeskAccess: every desk route answers 401 (API) or a login redirect
// (pages) without a session, and 404 to an editor of another site.
func testDeskAccess(t *testing.T, b *bundle) {
	id, _ := b.deskReady(nil) // site Austin
	elPaso := b.editorToken("access-elpaso@example.org", "editor", "El Paso")
	austin := b.editorToken("access-austin@example.org", "editor", "Austin")
	writes := []struct {
		method, path string
		body         any
		ok           int
	}{
		{http.MethodPut, "", map[string]string{"title": "Edited in Austin"}, http.StatusOK},
		{http.MethodPost, "/notes", map[string]string{"text": "n"}, http.StatusCreated},
		{http.MethodPost, "/messages", map[string]string{"message": "m"}, http.StatusCreated},
		{http.MethodPost, "/contact", nil, http.StatusOK},
		{http.MethodGet, "/diff", nil, http.StatusOK},
		{http.MethodPost, "/decision", map[string]string{"decision": "approve"}, http.StatusOK},
	}
	for _, w := range writes {
		path := "/api/v1/submissions/" + id + w.path
		if code, _ := b.deskCall(w.method, path, "", w.body); code != http.StatusUnauthorized {
			t.Errorf("%s %s without a token: %d, want 401", w.method, path, code)
		}
		if code, _ := b.deskCall(w.method, path, elPaso, w.body); code != http.StatusNotFound {
			t.Errorf("%s %s by another site: %d, want 404", w.method, path, code)
		}
		if code, res := b.deskCall(w.method, path, austin, w.body); code != w.ok {
			t.Errorf("%s %s by the same site: %d %v, want %d", w.method, path, code, res, w.ok)
		}
	}
	other := b.deskSession("access-elpaso@example.org")
	for _, p := range []struct {
		path string
		form url.Values
	}{
		{"", nil}, {"/diff", nil}, {"/edit", url.Values{"title": {"x"}, "body": {"y"}}},
		{"/notes", url.Values{"text": {"x"}}}, {"/messages", url.Values{"message": {"x"}}},
		{"/decision", url.Values{"decision": {"reject"}}}, {"/contact", url.Values{}},
	} {
		path := "/desk/s/" + id + p.path
		if resp, _ := b.deskPage(path, nil, p.form); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("%s without a session: %d %s", path, resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := b.deskPage(path, other, p.form); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s by another site: %d, want 404", path, resp.StatusCode)
		}
	}
	if s, _ := b.app.Store.Submission(context.Background(), id); s.Status != "approved" || s.Title != "Edited in Austin" {
		t.Errorf("after the access checks: %s %q", s.Status, s.Title)
	}
}
