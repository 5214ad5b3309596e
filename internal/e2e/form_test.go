package e2e_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestHTMLForm walks the public form as a person with JavaScript off would:
// the page in their language, mistakes marked on the re-rendered form, the
// receipt page, and the status page reached with the code in a POST body.
func TestHTMLForm(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})

	code, html, _ := b.page("GET", "/", nil, map[string]string{"Accept-Language": "es-MX,es;q=0.9"})
	if code != 200 || !strings.Contains(html, `<html lang="es"`) {
		t.Fatalf("Spanish form: %d", code)
	}
	if _, html, _ = b.page("GET", "/?lang=en", nil, map[string]string{"Accept-Language": "es"}); !strings.Contains(html, `<html lang="en"`) {
		t.Error("?lang=en did not win over Accept-Language")
	}

	// A mistake: the form comes back with the values kept and the field marked.
	f := validFields()
	f["title"] = ""
	f["body"] = "Mi historia <script>alert(1)</script>"
	f["ui_lang"] = "es"
	body, ct := form(t, f)
	code, html, hdr := b.page("POST", "/submit", body, map[string]string{"Content-Type": ct})
	if code != http.StatusBadRequest {
		t.Fatalf("invalid form: %d", code)
	}
	if !regexp.MustCompile(`id="title"[^>]*aria-invalid="true"`).MatchString(html) {
		t.Error("title is not marked invalid")
	}
	if !strings.Contains(html, `role="alert"`) || !strings.Contains(html, `href="#title"`) {
		t.Error("no error summary linking to the field")
	}
	if strings.Contains(html, "<script>alert(1)") || !strings.Contains(html, "Mi historia &lt;script&gt;") {
		t.Error("the body was not kept, escaped, in the re-rendered form")
	}
	if !strings.Contains(html, `<html lang="es"`) || hdr.Get("Cache-Control") != "no-store" {
		t.Error("re-rendered form lost its language or caching header")
	}

	// Success: the receipt page (after the redirect) shows the code.
	f = validFields()
	body, ct = form(t, f, file{"foto.jpg", "image/jpeg", nil})
	code, html, hdr = b.page("POST", "/submit", body, map[string]string{"Content-Type": ct})
	if code != http.StatusOK || hdr.Get("Cache-Control") != "no-store" {
		t.Fatalf("receipt page: %d %q", code, hdr.Get("Cache-Control"))
	}
	receipt := receiptOn(html)
	if receipt == "" {
		t.Fatalf("no receipt code on the receipt page")
	}
	total, _ := submissionCount(context.Background(), b.app.Store)
	if total != 1 {
		t.Fatalf("%d submissions stored, want 1", total)
	}

	// The status page, with the code typed sloppily on a phone.
	sloppy := strings.ToLower(receipt[:8] + " " + receipt[8:])
	code, html, _ = b.page("POST", "/status", strings.NewReader(url.Values{"receipt": {sloppy}}.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if code != 200 || !strings.Contains(html, "Our family in Austin") {
		t.Errorf("status page: %d", code)
	}
	code, _, _ = b.page("POST", "/status", strings.NewReader("receipt=AAAA-BBBB-CCCC-DDDD"),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if code != http.StatusNotFound {
		t.Errorf("unknown code: %d, want 404", code)
	}

	// A bot fills the hidden field: it sees a receipt, nothing is stored.
	f = validFields()
	f["website"] = "http://spam.example"
	body, ct = form(t, f)
	if code, html, _ = b.page("POST", "/submit", body, map[string]string{"Content-Type": ct}); code != http.StatusOK || receiptOn(html) == "" {
		t.Errorf("honeypot answer: %d", code)
	}
	if total, _ = submissionCount(context.Background(), b.app.Store); total != 1 {
		t.Errorf("honeypot submission was stored: total %d", total)
	}

	// Another site's page cannot post the form in a visitor's browser.
	body, ct = form(t, validFields())
	if code, _, _ = b.page("POST", "/submit", body, map[string]string{"Content-Type": ct, "Sec-Fetch-Site": "cross-site"}); code != http.StatusForbidden {
		t.Errorf("cross-site post: %d, want 403", code)
	}
}
