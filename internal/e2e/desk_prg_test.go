package e2e_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/storydesk/storydesk/internal/store"
)

// deskBrowse is a browser without JavaScript on the desk: it keeps the
// cookies the app sets (session, flash, language) and shows redirects
// instead of following them.
type deskBrowse struct {
	b       *bundle
	cookies map[string]*http.Cookie
}

// deskAdmin starts the app with workers and signs an admin in as email.
func deskAdmin(t *testing.T, email string) (*bundle, *deskBrowse) {
	b := setup(t, options{db: "sqlite", workers: true})
	b.editorToken(email, "admin", "")
	s := b.deskSession(email)
	return b, &deskBrowse{b: b, cookies: map[string]*http.Cookie{s.Name: s}}
}

// do sends a GET (form nil) or a form POST and returns the answer and its body.
func (d *deskBrowse) do(path string, form url.Values) (*http.Response, string) {
	d.b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, d.b.url+path, nil)
	if form != nil {
		req, _ = http.NewRequest(http.MethodPost, d.b.url+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range d.cookies {
		req.AddCookie(c)
	}
	resp, err := deskClient.Do(req)
	if err != nil {
		d.b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(d.cookies, c.Name)
		} else {
			d.cookies[c.Name] = &http.Cookie{Name: c.Name, Value: c.Value}
		}
	}
	return resp, string(raw)
}

// post sends a form and follows its answer, which must be a 303 to a local
// GET page that answers 200; it returns that page.
func (d *deskBrowse) post(t *testing.T, path string, form url.Values) (location, page string) {
	t.Helper()
	resp, body := d.do(path, form)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") {
		t.Fatalf("POST %s answered %d, Location %q, want 303 to a page of the app; body starts %q",
			path, resp.StatusCode, loc, head(body))
	}
	resp, page = d.do(loc, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: its redirect to %s answered %d", path, loc, resp.StatusCode)
	}
	return loc, page
}

func head(s string) string {
	if len(s) > 200 {
		return s[:200]
	}
	return s
}

// TestDeskPostRedirectGet: every form of the desk and of the admin pages
// answers 303 to a GET page that shows the outcome, so a reload never posts
// again and the address can be shared; a GET on a form's address leads to
// its page, not to a bare 405.
func TestDeskPostRedirectGet(t *testing.T) {
	t.Parallel()
	const admin = "prg-admin@example.org"
	b, d := deskAdmin(t, admin)
	id, _ := b.deskReady(nil)
	other, _ := b.deskReady(nil)
	ctx := context.Background()
	u, err := b.app.Store.UserByEmail(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	toks, err := b.app.Store.UserTokens(ctx, u.ID)
	if err != nil || len(toks) == 0 {
		t.Fatalf("the admin's tokens: %v", err)
	}
	piece := "/desk/s/" + id
	forms := []struct {
		name, path string
		form       url.Values
		want       string // on the page the redirect leads to
	}{
		{"claim", piece + "/assign", url.Values{"user_id": {"me"}, "next": {piece}}, "The assignment was saved."},
		{"edit", piece + "/edit", url.Values{"title": {"A new title"}, "body": {"A new body for the piece."}}, "Saved as a new revision"},
		{"note", piece + "/notes", url.Values{"text": {"Checked with the county."}}, "Note added."},
		{"message", piece + "/messages", url.Values{"message": {"Thank you, we are reading it."}}, "Message sent to the submitter."},
		{"contact", piece + "/contact", url.Values{}, "maria@example.org"},
		{"approve", piece + "/decision", url.Values{"decision": {"approve"}}, "Approved."},
		{"publish", piece + "/publish", url.Values{}, "Publishing has started"},
		{"export", "/desk/exports", url.Values{"status": {"approved"}}, "export"},
		{"invite", "/admin/users", url.Values{"email": {"new-editor@example.org"}, "name": {"New"}, "role": {"editor"}}, "/invite/"},
		{"settings", "/admin/settings", url.Values{}, ""},
		{"revoke token", "/account/tokens/" + toks[0].ID + "/revoke", url.Values{}, ""},
	}
	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			loc, page := d.post(t, f.path, f.form)
			if !strings.Contains(page, f.want) {
				t.Errorf("POST %s → %s: the page does not show %q", f.path, loc, f.want)
			}
			if !strings.Contains(page, `<nav class="staff"`) {
				t.Errorf("POST %s → %s: no staff menu", f.path, loc)
			}
		})
	}
	t.Run("outcome shown once", func(t *testing.T) {
		if _, page := d.post(t, piece+"/notes", url.Values{"text": {"One more."}}); !strings.Contains(page, "Note added.") {
			t.Errorf("the note's notice is missing")
		}
		if _, page := d.do(piece, nil); strings.Contains(page, "Note added.") {
			t.Errorf("the notice is shown again on a reload")
		}
		// The contact details never travel in the redirect's address.
		resp, _ := d.do(piece+"/contact", url.Values{})
		if loc := resp.Header.Get("Location"); strings.Contains(loc, "maria") || strings.Contains(loc, "example.org") {
			t.Errorf("the contact details are in the address: %s", loc)
		}
	})

	// A rejection asks first; without JavaScript the confirmation is a page.
	t.Run("reject asks first", func(t *testing.T) {
		form := url.Values{"decision": {"reject"}, "message": {"Not for us, sorry."}}
		resp, _ := d.do("/desk/s/"+other+"/decision", form)
		if s, _ := b.app.Store.Submission(ctx, other); s.Status != store.StatusReady {
			t.Fatalf("reject without confirmation moved the piece to %s (answer %d)", s.Status, resp.StatusCode)
		}
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("reject without confirmation: %d, want 303 to the confirmation step", resp.StatusCode)
		}
		if _, page := d.do(loc, nil); !strings.Contains(page, `name="confirm" value="yes"`) || !strings.Contains(page, "Not for us, sorry.") {
			t.Errorf("reject without confirmation (→ %s): no confirmation step keeping the message", loc)
		}
		form.Set("confirm", "yes")
		_, page := d.post(t, "/desk/s/"+other+"/decision", form)
		if s, _ := b.app.Store.Submission(ctx, other); s.Status != store.StatusRejected || !strings.Contains(page, "Rejected.") {
			t.Errorf("a confirmed rejection: status %s", s.Status)
		}
	})

	// An error page keeps the staff menu for someone signed in.
	if resp, page := d.do("/desk/s/no-such-piece", nil); resp.StatusCode != http.StatusNotFound || !strings.Contains(page, `<nav class="staff"`) {
		t.Errorf("a missing piece: %d, staff menu %v", resp.StatusCode, strings.Contains(page, `<nav class="staff"`))
	}

	// A GET on a form's address leads to its page, with the staff menu.
	for _, path := range []string{piece + "/decision", piece + "/notes", "/admin/users/" + u.ID + "/disable", "/account/password"} {
		resp, page := d.do(path, nil)
		if resp.StatusCode == http.StatusSeeOther {
			resp, page = d.do(resp.Header.Get("Location"), nil)
		}
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, `<nav class="staff"`) {
			t.Errorf("GET %s: %d, staff menu %v", path, resp.StatusCode, strings.Contains(page, `<nav class="staff"`))
		}
	}
}

var (
	labelRe     = regexp.MustCompile(`(?s)<label for="([^"]+)">(.*?)</label>`)
	tagRe       = regexp.MustCompile(`<[^>]+>`)
	hintRe      = regexp.MustCompile(`<p class="hint"( id="([^"]+)")?`)
	describedRe = regexp.MustCompile(`aria-describedby="([^"]+)"`)
)

// TestDeskPageWords: the desk keeps the language chosen, labels its fields
// uniquely, ties hints to their fields and links an error to its field.
func TestDeskPageWords(t *testing.T) {
	t.Parallel()
	b, d := deskAdmin(t, "words-admin@example.org")
	id, _ := b.deskReady(nil)
	b.deskReady(map[string]string{"title": "A second piece"}) // two rows: the queue's row labels must differ

	// The language choice stays from page to page.
	if _, page := d.do("/desk?lang=es", nil); !strings.Contains(page, `<html lang="es">`) {
		t.Fatalf("/desk?lang=es is not in Spanish")
	}
	for _, path := range []string{"/desk/s/" + id, "/desk", "/account", "/admin/users", "/desk/exports"} {
		if _, page := d.do(path, nil); !strings.Contains(page, `<html lang="es">`) {
			t.Errorf("%s after choosing Spanish is not in Spanish", path)
		}
	}
	d.do("/desk?lang=en", nil)

	for _, path := range []string{"/desk/s/" + id, "/desk", "/admin/users", "/desk/exports", "/account"} {
		_, page := d.do(path, nil)
		seen := map[string]string{}
		for _, m := range labelRe.FindAllStringSubmatch(page, -1) {
			text := strings.TrimSpace(tagRe.ReplaceAllString(m[2], ""))
			if prev, dup := seen[text]; dup {
				t.Errorf("%s: fields %s and %s are both labelled %q", path, prev, m[1], text)
			}
			seen[text] = m[1]
		}
		described := strings.Join(func() []string {
			var out []string
			for _, m := range describedRe.FindAllStringSubmatch(page, -1) {
				out = append(out, m[1])
			}
			return out
		}(), " ")
		for _, m := range hintRe.FindAllStringSubmatch(page, -1) {
			if m[2] == "" || !strings.Contains(" "+described+" ", " "+m[2]+" ") {
				t.Errorf("%s: hint %q is tied to no field", path, m[0])
			}
		}
		if path == "/desk/s/"+id || path == "/desk" {
			visible := regexp.MustCompile(`(?s)<section class="shortcuts".*?</section>`).ReplaceAllString(page, "")
			if !strings.Contains(visible, "<kbd>?</kbd>") {
				t.Errorf("%s does not say that ? lists the shortcuts", path)
			}
		}
	}

	// An action that cannot be undone is never one click: revoking a token asks first.
	if _, page := d.do("/account", nil); !regexp.MustCompile(`<details class="confirm-step"><summary>[^<]*</summary>\s*<form method="post" action="/account/tokens/[^"]+/revoke"`).MatchString(page) {
		t.Errorf("revoking a token is one click: no confirmation step around its form")
	}

	// An empty request for changes: the summary links to the field and takes the focus.
	resp, page := d.do("/desk/s/"+id+"/decision", url.Values{"decision": {"request_changes"}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("request changes without a message: %d", resp.StatusCode)
	}
	if !strings.Contains(page, `href="#desk_decision_message"`) {
		t.Errorf("the error summary does not link to the message field")
	}
	if !regexp.MustCompile(`class="error-summary"[^>]*autofocus`).MatchString(page) {
		t.Errorf("the error summary does not take the focus")
	}
	// So on the other staff forms: the export's dates, the invitation's e-mail.
	for _, f := range []struct {
		path string
		form url.Values
		href string
	}{
		{"/desk/exports", url.Values{"status": {"approved"}, "since": {"yesterday"}}, "#since"},
		{"/admin/users", url.Values{"email": {"not an address"}, "role": {"editor"}}, "#email"},
	} {
		resp, page := d.do(f.path, f.form)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `<a href="`+f.href+`">`) {
			t.Errorf("POST %s with a bad field: %d, summary link to %s: %v", f.path, resp.StatusCode, f.href, strings.Contains(page, `<a href="`+f.href+`">`))
		}
	}
}
