package e2e_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/task"
)

// queuePiece stores a reviewed submission directly, created at.
func (b *bundle) queuePiece(title, body, site, lang string, at time.Time, findings string) string {
	b.t.Helper()
	ctx := context.Background()
	sub := &store.Submission{ReceiptHash: "r-" + title, Kind: "story", Title: title, Body: body, BodyHTML: "<p>x</p>",
		Language: lang, AuthorRole: "client", Site: site, ConsentPublish: "anonymous", CreatedAt: at}
	if err := b.app.Store.CreateSubmission(ctx, sub, nil, nil); err != nil {
		b.t.Fatal(err)
	}
	if _, err := b.app.Store.CompleteReview(ctx, sub.ID, store.ReviewResult{WordCount: 5, Findings: []byte(findings)}, task.ReviewID(sub.ID)); err != nil {
		b.t.Fatal(err)
	}
	return sub.ID
}

func TestQueuePage(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db})
			ctx := context.Background()
			old := time.Now().Add(-3 * time.Hour)
			garden := b.queuePiece("Our garden", "The community garden feeds families.", "Austin", "en", old, `[]`)
			jardin := b.queuePiece("Nuestro jardín", "El JARDÍN comunitario alimenta familias.", "austin", "es", old.Add(time.Minute), `[{"kind":"phone","start":0,"end":2,"label":"x"}]`)
			court := b.queuePiece("Court day", "My hearing was moved.", "El Paso", "en", old.Add(2*time.Minute), `[]`)
			ana, anaCookie := b.queueUser("ana@example.org", "Ana Editor", "editor", "")
			ben, benCookie := b.queueUser("ben@example.org", "Ben Austin", "editor", "AUSTIN")
			_, viewerCookie := b.queueUser("viewer@example.org", "", "viewer", "")

			// Ana last looked two hours ago; one piece came in since.
			if _, err := b.app.Store.VisitQueue(ctx, ana.ID, time.Now().Add(-2*time.Hour), time.Minute); err != nil {
				t.Fatal(err)
			}
			fresh := b.queuePiece("Día de la corte", "La audiencia se movió.", "El Paso", "es", time.Now().Add(-time.Minute), `[]`)

			resp, _ := b.deskPage("/desk", nil, nil)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Fdesk" {
				t.Errorf("no session: %d %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if resp, _ := b.deskPage("/desk", viewerCookie, nil); resp.StatusCode != http.StatusForbidden {
				t.Errorf("wrong role: %d", resp.StatusCode)
			}

			resp, body := b.deskPage("/desk", anaCookie, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("queue: %d", resp.StatusCode)
			}
			for _, want := range []string{
				"<title>(1) Queue", "<strong>1</strong> new since your last visit",
				`aria-current="page">Ready for review <span class="count">4</span>`,
				`href="/desk/s/` + jardin + `"`, `<caption>`, `<th scope="col">`, `src="/static/desk.js"`,
			} {
				if !strings.Contains(body, want) {
					t.Errorf("queue page lacks %q", want)
				}
			}
			if n := strings.Count(body, `<tr data-href=`); n != 4 {
				t.Errorf("%d rows, want 4", n)
			}
			if !strings.Contains(body, `class="new"`) || strings.Count(body, `class="new"`) != 1 {
				t.Errorf("want exactly the fresh piece marked new")
			}

			// Filters and search go through the GET form.
			_, body = b.deskPage("/desk?q=jardin&language=es&has_findings=true&status=all&sort=oldest", anaCookie, nil)
			if got := rowTitles(body); strings.Join(got, "|") != "Nuestro jardín" {
				t.Errorf("filtered rows: %q", got)
			}
			_, body = b.deskPage("/desk?q=corte+audiencia", anaCookie, nil)
			if got := rowTitles(body); strings.Join(got, "|") != "Día de la corte" {
				t.Errorf("spanish search: %q", got)
			}
			if resp, _ := b.deskPage("/desk?sort=sideways", anaCookie, nil); resp.StatusCode != http.StatusBadRequest {
				t.Errorf("bad sort: %d", resp.StatusCode)
			}

			// Ben works for Austin (any case): he sees Austin's two pieces only.
			_, body = b.deskPage("/desk?site=El+Paso", benCookie, nil)
			if got := rowTitles(body); strings.Join(got, "|") != "Nuestro jardín|Our garden" {
				t.Errorf("site-scoped rows: %q", got)
			}

			// Ben claims the garden; Ana sees his name on the row and the record says so.
			resp, _ = b.deskPage("/desk/s/"+garden+"/assign", benCookie, url.Values{"user_id": {"me"}, "expect": {""}, "next": {"/desk?q=garden"}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/desk?q=garden" {
				t.Fatalf("claim: %d %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			_, body = b.deskPage("/desk?q=garden", anaCookie, nil)
			if !strings.Contains(body, "Ben Austin") || !strings.Contains(body, ">Take over<") {
				t.Errorf("the claim is not shown to others")
			}
			// Ana saw it unclaimed a moment ago: her late claim is refused, not silently applied.
			if _, body := b.deskFollow("/desk/s/"+garden+"/assign", anaCookie, url.Values{"user_id": {"me"}, "expect": {""}, "next": {"/desk"}}); !strings.Contains(body, "Someone else changed who is working on that submission meanwhile.") {
				t.Errorf("stale claim: the queue does not say so")
			}
			_, rec := b.deskCall(http.MethodGet, "/api/v1/submissions/"+garden, b.token, nil)
			if a, _ := rec["assignee"].(map[string]any); a["id"] != ben.ID || a["name"] != "Ben Austin" {
				t.Errorf("record assignee: %v", rec["assignee"])
			}
			if _, body = b.deskPage("/desk?assigned=me&status=all", benCookie, nil); strings.Join(rowTitles(body), "|") != "Our garden" {
				t.Errorf("assigned to me: %q", rowTitles(body))
			}
			// The submission page says so too: Ana sees Ben's claim, Ben can release it there.
			if _, body = b.deskPage("/desk/s/"+garden, anaCookie, nil); !strings.Contains(body, "Ben Austin") || !strings.Contains(body, ">Take over<") {
				t.Errorf("the claim is not shown on the submission page")
			}
			if _, body = b.deskPage("/desk/s/"+garden, benCookie, nil); !strings.Contains(body, ">Release<") {
				t.Errorf("the claimant cannot release it from the submission page")
			}
			if _, body = b.deskFollow("/desk/s/"+garden+"/assign", benCookie, url.Values{"user_id": {""}, "expect": {ben.ID}, "next": {"/desk/s/" + garden}}); !strings.Contains(body, ">Claim<") || !strings.Contains(body, `class="notice"`) {
				t.Errorf("after release the page shows no claim button or no notice")
			}
			resp, _ = b.deskPage("/desk/s/"+garden+"/assign", benCookie, url.Values{"user_id": {"me"}, "expect": {""}, "next": {"/desk"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("claim again: %d", resp.StatusCode)
			}

			// Ben's site is Austin: El Paso's pieces cannot be his.
			if code, res := b.deskCall(http.MethodPost, "/api/v1/submissions/"+court+"/assign", b.token, map[string]string{"user_id": ben.ID}); code != http.StatusBadRequest {
				t.Errorf("incompatible site: %d %v", code, res)
			}
			if code, _ := b.deskCall(http.MethodPost, "/api/v1/submissions/"+court+"/assign", b.token, map[string]string{}); code != http.StatusBadRequest {
				t.Errorf("no user_id: %d", code)
			}
			if code, res := b.deskCall(http.MethodPost, "/api/v1/submissions/"+court+"/assign", b.token, map[string]string{"user_id": ana.ID}); code != http.StatusOK || res["changed"] != true {
				t.Errorf("assign ana: %d %v", code, res)
			}
			b.move(fresh, store.StatusReady, store.StatusRejected)
			if code, _ := b.deskCall(http.MethodPost, "/api/v1/submissions/"+fresh+"/assign", b.token, map[string]string{"user_id": "me"}); code != http.StatusConflict {
				t.Errorf("final status: %d, want 409", code)
			}
			if code, _ := b.deskCall(http.MethodPost, "/api/v1/submissions/"+court+"/assign", "", map[string]string{"user_id": "me"}); code != http.StatusUnauthorized {
				t.Errorf("no token: %d", code)
			}
			log, err := b.app.Store.AuditLog(ctx, garden, 10)
			// Claim, release, claim again: each audited; Ana's stale claim changed nothing.
			if err != nil || len(log) != 3 || log[0].Action != "assign" || log[0].ActorID != ben.ID || log[1].Detail != "from "+ben.ID+" to nobody" {
				t.Errorf("audit: %+v %v", log, err)
			}
		})
	}
}

// rowTitles returns the titles of the queue's rows, in order.
func rowTitles(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<a class="open" href="[^"]+">([^<]+)</a>`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestQueueAPI(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	old := time.Now().Add(-time.Hour)
	b.queuePiece("Our garden", "Garden text.", "Austin", "en", old, `[]`)
	b.queuePiece("Court day", "Hearing text.", "El Paso", "en", old.Add(time.Minute), `[{"kind":"phone","start":0,"end":2,"label":"x"}]`)
	tests := []struct {
		query string
		code  int
		want  string // titles joined by |
	}{
		{"", 200, "Court day|Our garden"},
		{"?sort=oldest", 200, "Our garden|Court day"},
		{"?has_findings=true", 200, "Court day"},
		{"?has_attachments=true", 200, ""},
		{"?author_role=client&q=garden", 200, "Our garden"},
		{"?assigned=me", 200, ""},
		{"?assigned=none&site=el%20paso", 200, "Court day"},
		{"?sort=best", 400, ""},
		{"?has_findings=maybe", 400, ""},
		{"?status=lost", 400, ""},
	}
	for _, tt := range tests {
		code, res := b.get("/api/v1/submissions" + tt.query)
		if code != tt.code {
			t.Errorf("%s: %d %v, want %d", tt.query, code, res, tt.code)
			continue
		}
		if code != 200 {
			continue
		}
		var got []string
		items, _ := res["items"].([]any)
		for _, it := range items {
			got = append(got, it.(map[string]any)["title"].(string))
		}
		if strings.Join(got, "|") != tt.want {
			t.Errorf("%s: %q, want %q", tt.query, got, tt.want)
		}
	}
	code, res := b.get("/api/v1/submissions?q=hearing")
	item := res["items"].([]any)[0].(map[string]any)
	if code != 200 || item["findings"] != float64(1) || item["has_attachments"] != false || item["assignee"] != nil {
		t.Errorf("item: %v", item)
	}
}
