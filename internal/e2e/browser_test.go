package e2e_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"github.com/storydesk/storydesk/internal/store"
)

// The seeded pieces, by title: two of each kind, in both languages.
const (
	pieceHarvest   = "Harvest season in the valley"
	pieceDetention = "Why detention must end"
	pieceAsylum    = "Una carta sobre el asilo"
	pieceSchool    = "La escuela de mi hija"
)

// browserSeed submits the pieces and waits until the review made them
// ready; it returns their ids and receipt codes by title.
func (b *bundle) browserSeed() (ids, receipts map[string]string) {
	b.t.Helper()
	pieces := []map[string]string{
		{"title": pieceHarvest, "kind": "story", "language": "en", "body": "We picked peaches from June to September.\n\nThe farm hired us every year."},
		{"title": pieceDetention, "kind": "oped", "language": "en", "author_role": "faith_leader", "body": "Locking families up does not make anyone safer.\n\nOur congregation visits every week."},
		{"title": pieceAsylum, "kind": "oped", "language": "es", "author_role": "volunteer", "body": "Pedir asilo es un derecho.\n\nAcompañamos a las familias a sus audiencias."},
		{"title": pieceSchool, "kind": "story", "language": "es", "body": "Mi hija aprendió inglés en un año.\n\nSus maestras la ayudaron mucho."},
	}
	ids, receipts = map[string]string{}, map[string]string{}
	for _, p := range pieces {
		f := validFields()
		f["contact_email"] = "maria@example.org"
		for k, v := range p {
			f[k] = v
		}
		code, res := b.submit(f)
		if code != http.StatusCreated {
			b.t.Fatalf("submit %q: %d %v", p["title"], code, res)
		}
		ids[p["title"]], receipts[p["title"]] = res["id"].(string), res["receipt"].(string)
	}
	for _, id := range ids {
		b.waitStatus(id, "ready", 15*time.Second)
	}
	return ids, receipts
}

// queueTitles lists the titles of the rows the queue page shows.
func (br *browser) queueTitles() []string {
	br.t.Helper()
	titles := browserRun(br, "queue rows", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("#queue tbody a.open"), a => a.textContent.trim())`))
	slices.Sort(titles)
	return titles
}

// selectedRow is the title of the row desk.js marks as selected, and
// whether that row's link has the focus.
func (br *browser) selectedRow() (title string, focused bool) {
	br.t.Helper()
	sel := browserRun(br, "selected row", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("#queue tbody tr.selected[aria-current=true] a.open"),
			a => a.textContent.trim() + (document.activeElement === a ? "|focused" : ""))`))
	if len(sel) != 1 {
		br.t.Fatalf("%d selected rows, want 1: %q", len(sel), sel)
	}
	title, f := strings.CutSuffix(sel[0], "|focused")
	return title, f
}

// TestBrowser drives the desk in headless Chromium through the real pages,
// under the app's strict CSP: log in, filter the queue and move in it with
// the keyboard, edit, request changes, take the submitter's revision,
// approve. Screenshots are left in the artifact directory.
func TestBrowser(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	const editor = "browser-editor@example.org"
	b.editorToken(editor, "editor", "")
	ids, receipts := b.browserSeed()
	br := startBrowser(t, b.url)

	// Log in through the form; the session cookie is __Host- and Secure,
	// which Chromium keeps on http://127.0.0.1 because loopback is a secure context.
	br.visit("/login")
	br.do("fill the login form",
		chromedp.SendKeys(chromedp.ID("email"), editor),
		chromedp.SendKeys(chromedp.ID("password"), "a long enough password"))
	br.load("sign in", http.StatusOK, chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))
	if p := br.path(); p != "/desk" {
		t.Fatalf("after login the browser is on %s, want /desk", p)
	}
	if !browserRun(br, "isSecureContext", chromedp.Evaluate[bool](`window.isSecureContext`)) {
		t.Error("http://127.0.0.1 is not a secure context for Chromium")
	}
	cookies, err := chromedp.Call(br.ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(cookies.Cookies, func(c *network.Cookie) bool { return c.Name == "__Host-storydesk" })
	if i < 0 {
		t.Fatalf("no session cookie after login, cookies: %d", len(cookies.Cookies))
	}
	if c := cookies.Cookies[i]; !c.Secure || !c.HTTPOnly || c.SameSite != network.CookieSameSiteStrict || c.Path != "/" {
		t.Errorf("session cookie: secure %v, httpOnly %v, sameSite %q, path %q", c.Secure, c.HTTPOnly, c.SameSite, c.Path)
	}
	if nav := br.text("nav.staff"); !strings.Contains(nav, editor) {
		t.Errorf("the staff navigation does not name the editor: %q", nav)
	}

	// The queue shows everything ready; the kind filter keeps the op-eds.
	all := []string{pieceHarvest, pieceDetention, pieceAsylum, pieceSchool}
	slices.Sort(all)
	if d := cmp.Diff(all, br.queueTitles()); d != "" {
		t.Errorf("queue before filtering (-want +got):\n%s", d)
	}
	br.do("choose op-eds",
		chromedp.Click(chromedp.CSS(`form.queue-filters details.more summary`)),
		chromedp.WaitVisible(chromedp.ID("f-kind")),
		chromedp.SetValue(chromedp.ID("f-kind"), "oped"))
	br.load("apply the filter", http.StatusOK, chromedp.Click(chromedp.CSS(`form.queue-filters button[type=submit]`)))
	if d := cmp.Diff([]string{pieceAsylum, pieceDetention}, br.queueTitles()); d != "" {
		t.Fatalf("queue filtered by kind=oped (-want +got):\n%s", d)
	}
	if p := br.path(); !strings.Contains(p, "kind=oped") {
		t.Errorf("filtered queue URL %s has no kind=oped", p)
	}
	br.screenshot("queue-oped")

	// desk.js: j and k move the selection, / jumps to search, o opens.
	rows := browserRun(br, "row order", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("#queue tbody a.open"), a => a.textContent.trim())`))
	for _, step := range []struct{ key, want string }{{"j", rows[0]}, {"j", rows[1]}, {"j", rows[1]}, {"k", rows[0]}} {
		br.do("press "+step.key, chromedp.KeyEvent(step.key))
		if got, focused := br.selectedRow(); got != step.want || !focused {
			t.Errorf("after %s: selected %q (focused %v), want %q", step.key, got, focused, step.want)
		}
	}
	br.do("press /", chromedp.KeyEvent("/"))
	if id := browserRun(br, "focus", chromedp.Evaluate[string](`document.activeElement.id`)); id != "q" {
		t.Fatalf("after / the focus is on #%s, want the search box", id)
	}
	br.load("search", http.StatusOK, chromedp.SendKeys(chromedp.ID("q"), "detention\n"))
	if d := cmp.Diff([]string{pieceDetention}, br.queueTitles()); d != "" {
		t.Errorf("queue searched for detention among op-eds (-want +got):\n%s", d)
	}
	br.do("press j", chromedp.KeyEvent("j"))
	br.load("press o", http.StatusOK, chromedp.KeyEvent("o"))
	id := ids[pieceDetention]
	if p := br.path(); p != "/desk/s/"+id {
		t.Fatalf("o opened %s, want /desk/s/%s", p, id)
	}
	if h := br.text("main h1"); h != pieceDetention {
		t.Errorf("submission page heading %q", h)
	}

	// An edit makes revision 2; asking for changes shows the status and the message.
	edited := "Locking families up does not make anyone safer.\n\nOur congregation visits the detention centre every week."
	br.do("edit the text", chromedp.SetValue(chromedp.ID("desk_body"), edited))
	br.load("save the edit", http.StatusOK, chromedp.Click(chromedp.CSS(`form[action$="/edit"] button[type=submit]`)))
	if n := br.text("main .notice p"); !strings.Contains(n, "Saved as a new revision") {
		t.Errorf("edit notice %q", n)
	}
	if body := br.text("article.desk-body"); !strings.Contains(body, "visits the detention centre") {
		t.Errorf("reading view after the edit: %q", body)
	}
	if main := br.text("main"); !strings.Contains(main, "Revision 2:") || !strings.Contains(main, "compare with the original") {
		t.Errorf("revision 2 is not listed on the page")
	}
	const ask = "Please say which county runs the centre."
	br.do("write the request", chromedp.SetValue(chromedp.ID("desk_decision_message"), ask))
	br.load("request changes", http.StatusOK, chromedp.Click(chromedp.CSS(`button[name=decision][value=request_changes]`)))
	if n := br.text("main .notice p"); !strings.Contains(n, "Changes requested") {
		t.Errorf("request notice %q", n)
	}
	if st := br.text("dl.desk-meta strong"); st != "Changes requested" {
		t.Errorf("status on the page %q, want Changes requested", st)
	}
	if main := br.text("main"); !strings.Contains(main, ask) {
		t.Errorf("the editors' message is not in the conversation")
	}
	rec := b.waitStatus(id, "changes_requested", time.Second)
	// A textarea submits CRLF line breaks (HTML spec); the app stores LF.
	if revs, _ := rec["revisions"].([]any); len(revs) != 2 || rec["body"] != edited {
		t.Errorf("API after the edit: %d revisions, body %q", len(revs), rec["body"])
	}
	if s, err := b.app.Store.Submission(context.Background(), id); err != nil || s.Status != store.StatusChangesRequested {
		t.Errorf("database status %q (%v), want changes_requested", s.Status, err)
	}
	br.screenshot("submission-changes-requested")
	br.visit("/desk/s/" + id + "/diff?a=1&b=2&mode=line")
	br.screenshot("diff-line")
	br.visit("/desk/s/" + id + "/diff?a=1&b=2&mode=word")
	br.screenshot("diff-word")

	// The submitter's revision puts it back in the queue; the editor approves.
	const revised = "Locking families up does not make anyone safer.\n\nOur congregation visits the Pine County centre every week."
	code, res := b.postJSON("/api/v1/status/reply", map[string]string{"receipt": receipts[pieceDetention],
		"message": "Here it is with the county.", "title": pieceDetention, "body": revised})
	if code != http.StatusOK || res["status"] != "ready" {
		t.Fatalf("submitter revision: %d %v", code, res)
	}
	br.visit("/desk")
	if titles := br.queueTitles(); !slices.Contains(titles, pieceDetention) {
		t.Errorf("the revised piece is not back in the queue: %q", titles)
	}
	br.visit("/desk/s/" + id)
	if st := br.text("dl.desk-meta strong"); st != "Ready for review" {
		t.Errorf("status after the revision %q, want Ready for review", st)
	}
	if main := br.text("main"); !strings.Contains(main, "Revision 3:") || !strings.Contains(main, "Here it is with the county.") {
		t.Errorf("the submitter's revision or message is missing from the page")
	}
	br.load("approve", http.StatusOK, chromedp.Click(chromedp.CSS(`button[name=decision][value=approve]`)))
	if n := br.text("main .notice p"); n != "Approved." {
		t.Errorf("approve notice %q", n)
	}
	if h := br.text("ol.timeline"); !strings.Contains(h, "the submitter – sent the submission") || !strings.Contains(h, "StoryDesk – automated review done") {
		t.Errorf("history names its actors in plain words: %q", h)
	}
	if st := br.text("dl.desk-meta strong"); st != "Approved" {
		t.Errorf("status on the page %q, want Approved", st)
	}
	b.waitStatus(id, "approved", time.Second)
	if s, err := b.app.Store.Submission(context.Background(), id); err != nil || s.Status != store.StatusApproved {
		t.Errorf("database status %q (%v), want approved", s.Status, err)
	}
	br.screenshot("submission-approved")

	// Nothing went wrong in the page, and the watch would have seen it if it had.
	for _, p := range br.consoleProblems() {
		t.Errorf("browser console: %s", p)
	}
	br.expectCSPReported()
}
