package e2e_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// trBody is a Spanish translation of fieldsWith's body with an A-number
// the original never had: a translator's slip the review must catch.
const trBody = "Llegamos en 2015 y construimos una vida aquí.\n\nMi número es A123-456-789. Nuestros hijos van a la escuela en Austin."

// translationFindingKinds are the finding kinds of a translation record.
func translationFindingKinds(tr map[string]any) []string {
	var out []string
	list, _ := tr["findings"].([]any)
	for _, f := range list {
		if m, ok := f.(map[string]any); ok {
			out = append(out, m["kind"].(string))
		}
	}
	return out
}

// TestDeskTranslationPages walks the translation editor through HTTP forms
// on both databases: the piece page links it, a translator starts and
// revises a translation (a refused save stores nothing), the A-number typed
// only in the translation is found by the job and marked on the page, the
// revisions have a diff, the translator sends it to the author but may not
// approve, an editor approves only with a reason and the piece page names
// them, a move from the wrong status is a 409 page, and another site's
// translator finds nothing.
func TestDeskTranslationPages(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db, workers: true})
			id := b.approved(fieldsWith("title", "Our street", "site", "Austin"))
			editor, edCookie := b.queueUser("ed@example.org", "Edna Editor", "editor", "")
			_, trCookie := b.queueUser("tere@example.org", "Tere", "translator", "")
			_, dallas := b.queueUser("dallas@example.org", "Dal", "translator", "Dallas")
			piece := "/desk/s/" + id
			page := piece + "/translations/es"

			resp, body := b.deskPage(piece, trCookie, nil)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `href="`+page+`"`) || strings.Contains(body, piece+"/translations/en") {
				t.Fatalf("piece page: %d; want a link to translate into Spanish only", resp.StatusCode)
			}
			for _, p := range []string{piece + "/translations/en", piece + "/translations/fr"} {
				if resp, _ := b.deskPage(p, trCookie, nil); resp.StatusCode != http.StatusNotFound {
					t.Errorf("GET %s: %d, want 404 (the original's language, or none of ours)", p, resp.StatusCode)
				}
			}

			// A refused first save names the field and stores nothing.
			resp, body = b.deskPage(page, trCookie, url.Values{"title": {"  "}, "body": {trBody}})
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="err-desk_title"`) {
				t.Fatalf("empty title: %d, want 400 naming the title", resp.StatusCode)
			}
			if tr := translationOf(t, b, id, "es"); tr != nil {
				t.Fatalf("a refused save stored %v", tr)
			}

			resp, body = b.deskFollow(page, trCookie, url.Values{"title": {"Nuestra calle"}, "body": {trBody}})
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `role="status"`) {
				t.Fatalf("save: %d, want the editor again with a notice", resp.StatusCode)
			}
			if n := strings.Count(body, `<div class="tr-row">`); n != 2 {
				t.Errorf("aligned rows = %d, want 2 (two paragraphs each)", n)
			}
			if !regexp.MustCompile(`<div class="tr-trans" lang="es">.*<mark>A123-456-789</mark>`).MatchString(body) {
				t.Errorf("the A-number typed in the translation is not marked in its column")
			}
			var tr map[string]any
			waitFor(t, 15*time.Second, "the translation's findings", func() (bool, any) {
				tr = translationOf(t, b, id, "es")
				return slices.Contains(translationFindingKinds(tr), "a_number"), tr["findings"]
			})
			if rec := b.waitStatus(id, "approved", time.Second); slices.Contains(findingKinds(rec), "a_number") {
				t.Errorf("the original's findings name an A-number it does not have")
			}
			if _, body = b.deskPage(page, trCookie, nil); !strings.Contains(body, "<code>A123-456-789</code>") || strings.Contains(body, "Checked on this page") {
				t.Errorf("the job's findings are not listed on the page")
			}

			// A second revision, compared with the first.
			if resp, _ = b.deskFollow(page, trCookie, url.Values{"title": {"Nuestra calle"}, "body": {strings.Replace(trBody, "Mi número es A123-456-789. ", "", 1)}}); resp.StatusCode != http.StatusOK {
				t.Fatalf("second save: %d", resp.StatusCode)
			}
			resp, body = b.deskPage(page+"/diff?a=1&b=2", trCookie, nil)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, "<del>") || !strings.Contains(body, `action="`+page+`/diff"`) {
				t.Errorf("translation diff: %d, want the two revisions compared", resp.StatusCode)
			}
			waitFor(t, 15*time.Second, "findings of revision 2", func() (bool, any) {
				tr = translationOf(t, b, id, "es")
				return tr["findings_revision"] == float64(2), tr["findings"]
			})
			if kinds := translationFindingKinds(tr); slices.Contains(kinds, "a_number") {
				t.Errorf("revision 2 dropped the A-number but its findings still name one: %v", kinds)
			}

			// The translator sends it but may not approve it.
			if resp, _ = b.deskPage(page+"/approve", trCookie, url.Values{"reason": {"author unreachable"}}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("translator approves: %d, want 403", resp.StatusCode)
			}
			if resp, _ = b.deskFollow(page+"/send", trCookie, url.Values{}); resp.StatusCode != http.StatusOK {
				t.Fatalf("send: %d", resp.StatusCode)
			}
			if tr = translationOf(t, b, id, "es"); tr["status"] != "awaiting_author" {
				t.Fatalf("after send: %v, want awaiting_author", tr["status"])
			}
			resp, body = b.deskPage(page+"/send", trCookie, url.Values{})
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Waiting for the author") {
				t.Errorf("send twice: %d, want 409 with the current status", resp.StatusCode)
			}

			// An editor approves only with a reason.
			resp, body = b.deskPage(page+"/approve", edCookie, url.Values{"reason": {" "}})
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="err-desk_reason"`) {
				t.Errorf("approve without a reason: %d, want 400 naming the reason", resp.StatusCode)
			}
			if tr = translationOf(t, b, id, "es"); tr["status"] != "awaiting_author" {
				t.Fatalf("a refused approval moved it to %v", tr["status"])
			}
			if resp, _ = b.deskFollow(page+"/approve", edCookie, url.Values{"reason": {"The author cannot be reached"}}); resp.StatusCode != http.StatusOK {
				t.Fatalf("approve: %d", resp.StatusCode)
			}
			if tr = translationOf(t, b, id, "es"); tr["status"] != "approved" || tr["approved_by"] != editor.ID || tr["approval_reason"] != "The author cannot be reached" {
				t.Errorf("after approval: %v by %v (%v), want approved by %s with the reason", tr["status"], tr["approved_by"], tr["approval_reason"], editor.ID)
			}
			_, body = b.deskPage(piece, trCookie, nil)
			if !strings.Contains(body, html.EscapeString("Edna Editor")) || strings.Contains(body, `class="translate-into"`) {
				t.Errorf("piece page: want the approving editor named and nothing left to translate into")
			}

			// Another site's translator sees nothing of it.
			for _, c := range []struct {
				path string
				form url.Values
			}{{page, nil}, {page, url.Values{"title": {"x"}, "body": {"y"}}}, {page + "/send", url.Values{}}, {page + "/diff", nil}} {
				if resp, _ := b.deskPage(c.path, dallas, c.form); resp.StatusCode != http.StatusNotFound {
					t.Errorf("Dallas translator on %s: %d, want 404", c.path, resp.StatusCode)
				}
			}
			// Without a session: the login page.
			if resp, _ := b.deskPage(page, nil, nil); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("no session: %d, want 303 to /login", resp.StatusCode)
			}
		})
	}
}

// TestQueueTranslationFilter: the queue's translation filter, on the API
// and the page, on both databases: needs (approved or published without a
// translation), awaiting_author and approved; a bad value is a 400.
func TestQueueTranslationFilter(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db, workers: true})
			bare := b.approved(fieldsWith("title", "Bare piece"))
			sent := b.approved(fieldsWith("title", "Sent piece"))
			done := b.approved(fieldsWith("title", "Done piece"))
			ready, _ := b.deskReady(map[string]string{"title": "Ready piece", "body": "Nothing to see."})
			for _, id := range []string{sent, done} {
				base := "/api/v1/submissions/" + id + "/translations"
				if code, res := b.deskCall(http.MethodPost, base, b.token, map[string]string{"language": "es", "title": "Pieza", "body": "Texto."}); code != http.StatusCreated {
					t.Fatalf("create: %d %v", code, res)
				}
				if code, res := b.deskCall(http.MethodPost, base+"/es/send", b.token, nil); code != http.StatusOK {
					t.Fatalf("send: %d %v", code, res)
				}
			}
			if code, res := b.deskCall(http.MethodPost, "/api/v1/submissions/"+done+"/translations/es/approve", b.token, map[string]string{"reason": "unreachable"}); code != http.StatusOK {
				t.Fatalf("approve: %d %v", code, res)
			}
			ids := func(filter string) []string {
				code, res := b.get("/api/v1/submissions?translation=" + filter)
				if code != http.StatusOK {
					t.Fatalf("translation=%s: %d %v", filter, code, res)
				}
				var out []string
				for _, it := range res["items"].([]any) {
					out = append(out, it.(map[string]any)["id"].(string))
				}
				return out
			}
			for filter, want := range map[string]string{"needs": bare, "awaiting_author": sent, "approved": done} {
				if got := ids(filter); len(got) != 1 || got[0] != want {
					t.Errorf("translation=%s: %v, want only %s", filter, got, want)
				}
			}
			if got := ids("needs"); slices.Contains(got, ready) {
				t.Errorf("a piece not yet approved needs no translation")
			}
			if code, res := b.get("/api/v1/submissions?translation=maybe"); code != http.StatusBadRequest || fieldOf(res, "translation") == "" {
				t.Errorf("bad filter: %d %v, want 400 naming translation", code, res)
			}
			_, cookie := b.queueUser("q@example.org", "Q", "translator", "")
			resp, body := b.deskPage("/desk?translation=needs", cookie, nil)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, "/desk/s/"+bare) || strings.Contains(body, "/desk/s/"+sent) ||
				!strings.Contains(body, `<option value="needs" selected>`) {
				t.Errorf("queue page translation=needs: %d; want the bare piece only, the filter chosen", resp.StatusCode)
			}
		})
	}
}
