package e2e_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/redis/go-redis/v9"
)

// TestReceiptAfterRedirect is issue 13, item 2, over HTTP: the form answers
// with a redirect whose URL holds no code; the receipt page reads it back
// through an HttpOnly, SameSite=Strict, short-lived cookie, in either
// language and as a text file; Redis holds it only encrypted; "I have kept
// it" removes it.
func TestReceiptAfterRedirect(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (int, string, http.Header) {
		t.Helper()
		resp, err := client.Get(b.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(data), resp.Header
	}

	f := validFields()
	f["ui_lang"] = "es"
	body, ct := form(t, f)
	req, _ := http.NewRequest(http.MethodPost, b.url+"/submit", body)
	req.Header.Set("Content-Type", ct)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/receipt?lang=es" {
		t.Fatalf("POST /submit: %d, Location %q; want 303 to /receipt?lang=es (post/redirect/get)", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "__Host-storydesk-receipt" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || !cookie.Secure || cookie.SameSite != http.SameSiteStrictMode || cookie.MaxAge <= 0 || cookie.MaxAge > 600 || cookie.Path != "/" {
		t.Fatalf("receipt cookie %+v; want HttpOnly, Secure, SameSite=Strict, Path=/, at most 10 minutes", cookie)
	}

	code, html, hdr := get("/receipt?lang=es")
	receipt := receiptOn(html)
	if code != http.StatusOK || receipt == "" || !strings.Contains(html, `<html lang="es"`) || hdr.Get("Cache-Control") != "no-store" {
		t.Fatalf("GET /receipt?lang=es: %d, receipt %q, Cache-Control %q", code, receipt, hdr.Get("Cache-Control"))
	}
	if strings.Contains(cookie.Value, receipt) {
		t.Error("the cookie holds the code")
	}
	// The language switch keeps the receipt.
	if code, html, _ := get("/receipt?lang=en"); code != http.StatusOK || receiptOn(html) != receipt || !strings.Contains(html, `<html lang="en"`) {
		t.Errorf("switched to English: %d, receipt %q", code, receiptOn(html))
	}
	if !strings.Contains(html, `href="/receipt?lang=en"`) {
		t.Error("the Spanish receipt page has no language link to itself")
	}
	// A text file to keep.
	code, text, hdr := get("/receipt/download?lang=es")
	if code != http.StatusOK || !strings.Contains(strings.ReplaceAll(text, "-", ""), receipt) || !strings.Contains(text, "su código de recibo") ||
		!strings.HasPrefix(hdr.Get("Content-Type"), "text/plain") || !strings.Contains(hdr.Get("Content-Disposition"), "attachment") {
		t.Errorf("download: %d %q %q\n%s", code, hdr.Get("Content-Type"), hdr.Get("Content-Disposition"), text)
	}
	// Redis keeps the code only encrypted, and not for long.
	opt, err := redis.ParseURL(b.env["STORYDESK_REDIS_URL"])
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	keys, _ := rdb.Keys(context.Background(), "*").Result()
	slots := 0
	for _, k := range keys {
		if strings.HasPrefix(k, "sd:receipt-slot:") {
			slots++
			if ttl := rdb.TTL(context.Background(), k).Val(); ttl <= 0 || ttl.Minutes() > 10 {
				t.Errorf("%s expires in %v", k, ttl)
			}
		}
		v, _ := rdb.Dump(context.Background(), k).Result()
		if strings.Contains(k+v, receipt) || strings.Contains(k+v, cookie.Value) {
			t.Errorf("Redis key %s holds the code or the cookie's token in clear", k)
		}
	}
	if slots != 1 {
		t.Errorf("%d receipt slots in Redis, want 1", slots)
	}
	// Another browser (no cookie) sees nothing.
	resp, err = http.Get(b.url + "/receipt")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || receiptOn(string(other)) != "" {
		t.Errorf("without the cookie: %d", resp.StatusCode)
	}
	// "I have kept my code": gone from Redis and from the browser.
	req, _ = http.NewRequest(http.MethodPost, b.url+"/receipt/forget", strings.NewReader("ui_lang=es"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err = client.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/status?lang=es" {
		t.Errorf("forget: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code, html, _ := get("/receipt?lang=es"); code != http.StatusNotFound || receiptOn(html) != "" || !strings.Contains(html, "ya no se muestra") {
		t.Errorf("after forget: %d, receipt %q", code, receiptOn(html))
	}
	if n, _ := rdb.Keys(context.Background(), "sd:receipt-slot:*").Result(); len(n) != 0 {
		t.Errorf("%d slots left after forget", len(n))
	}
}

// TestReceiptStaysReachable is issue 13, item 2, in a phone's browser: the
// receipt survives the language switch, a link that would leave asks first,
// the page prints without the site's chrome, and Back does not send the
// story again.
func TestReceiptStaysReachable(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	br := startBrowser(t, b.url)
	br.phone()
	br.visit("/?lang=es")
	br.fillStory("Nuestra familia", "Llegamos en 2015.")
	br.load("send", http.StatusOK, chromedp.Click(chromedp.CSS(`form[action="/submit"] button[type=submit]`)))
	if p := br.path(); p != "/receipt?lang=es" {
		t.Fatalf("after sending the browser is on %s, want /receipt?lang=es", p)
	}
	code := strings.ReplaceAll(br.text(".receipt-code"), " ", "")
	if len(code) != 16 {
		t.Fatalf("receipt code %q", code)
	}
	br.load("switch to English", http.StatusOK, chromedp.Click(chromedp.CSS(`nav.langs a[lang="en"]`)))
	if got := strings.ReplaceAll(br.text(".receipt-code"), " ", ""); got != code || br.path() != "/receipt?lang=en" {
		t.Fatalf("after the language switch: %s shows %q, want the receipt %q", br.path(), got, code)
	}
	br.screenshot("item2-receipt-en")
	// Declining the question keeps the page.
	br.do("decline leaving", chromedp.Evaluate[chromedp.Void](`window.confirm = function (m) { window.asked = m; return false; }`),
		chromedp.Click(chromedp.CSS(`a.brand`)))
	asked := browserRun(br, "question", chromedp.Evaluate[string](`window.asked || ""`))
	if !strings.Contains(asked, "receipt code") || br.path() != "/receipt?lang=en" {
		t.Errorf("the brand link asked %q and left to %s", asked, br.path())
	}
	if !browserRun(br, "print button", chromedp.Evaluate[bool](`!document.getElementById("receipt-print").hidden`)) {
		t.Error("no print button")
	}
	printed := browserRun(br, "print styles", chromedp.Evaluate[bool](
		`Array.from(document.styleSheets).some(s => Array.from(s.cssRules).some(r => r.media && r.media.mediaText === "print" && r.cssText.includes("header.site")))`))
	if !printed {
		t.Error("no print stylesheet hides the site's header")
	}
	// Back asks too (beforeunload), then goes to the form, never sending
	// the story again.
	var unloadAsked atomic.Int32
	if err := chromedp.Listen(br.ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok && d.Type == page.DialogTypeBeforeunload {
			unloadAsked.Add(1)
			go chromedp.Call(br.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}); err != nil {
		t.Fatal(err)
	}
	// Twice back: past the Spanish receipt (the POST itself was replaced by
	// its redirect, so there is no entry to send again).
	br.do("back twice", chromedp.Evaluate[chromedp.Void](`setTimeout(function () { history.go(-2); }, 0)`),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/submit"]`)))
	if unloadAsked.Load() == 0 {
		t.Error("Back left the receipt page without asking")
	}
	if p := br.path(); p != "/?lang=es" {
		t.Errorf("Back from the receipt leads to %s, want the form", p)
	}
	if n, _ := submissionCount(t.Context(), b.app.Store); n != 1 {
		t.Errorf("%d submissions after Back, want 1", n)
	}
	if p := br.consoleProblems(); len(p) > 0 {
		t.Errorf("the page reported problems: %q", p)
	}
}

// TestReceiptWithoutRedis: with Redis down the receipt cannot be kept for
// the redirect, so it is shown at once (201), never lost.
func TestReceiptWithoutRedis(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	b.redis.Stop()
	defer b.redis.Start()
	body, ct := form(t, validFields())
	code, html, _ := b.page("POST", "/submit", body, map[string]string{"Content-Type": ct})
	if code != http.StatusCreated || receiptOn(html) == "" {
		t.Fatalf("Redis down: %d, receipt %q; want 201 with the receipt", code, receiptOn(html))
	}
}
