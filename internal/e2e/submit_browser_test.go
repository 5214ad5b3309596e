package e2e_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// phone narrows the tab to a phone's width, where submitters are.
func (br *browser) phone() {
	br.t.Helper()
	br.do("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait))
}

// fillStory types a whole story into the public form, as a person would.
func (br *browser) fillStory(title, body string) {
	br.t.Helper()
	br.do("fill the form",
		chromedp.Click(chromedp.ID("kind-story")),
		chromedp.SendKeys(chromedp.ID("title"), title),
		chromedp.SetValue(chromedp.ID("body"), body),
		chromedp.Click(chromedp.ID("consent_publish-anonymous")))
}

// bigFile writes a file of n bytes for the file input and returns its path.
func bigFile(t *testing.T, name string, n int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, bytes.Repeat([]byte{0xFF}, n), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTooLargeKeepsStoryInBrowser is issue 13, item 1, on a phone in
// Spanish: a file over the limit must not cost the submitter the story they
// typed, nor the page its language. The page is posted past the script's
// own check (form.submit() skips the submit event) to see the server's
// refusal page; then, with the script, the check stops the send and says why.
func TestTooLargeKeepsStoryInBrowser(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", env: map[string]string{"STORYDESK_MAX_FILE_MB": "1", "STORYDESK_MAX_FILES": "2"}})
	br := startBrowser(t, b.url)
	br.phone()
	const title = "Nuestra familia en El Paso"
	const body = "Llegamos en 2015. Mi hija nació aquí y ahora estudia enfermería."
	big := bigFile(t, "foto-grande.jpg", 1<<20+10)

	br.visit("/?lang=es")
	br.fillStory(title, body)
	br.do("choose a file over the limit", chromedp.SetUploadFiles(chromedp.ID("attachments"), []string{big}))
	br.load("send past the script", http.StatusRequestEntityTooLarge,
		chromedp.Evaluate[chromedp.Void](`HTMLFormElement.prototype.submit.call(document.querySelector('form[action="/submit"]'))`))
	br.screenshot("item1-refusal-413-es")
	lang := browserRun(br, "page language", chromedp.Evaluate[string](`document.documentElement.lang`))
	gotTitle := browserRun(br, "title", chromedp.Evaluate[string](`document.getElementById("title").value`))
	gotBody := browserRun(br, "body", chromedp.Evaluate[string](`document.getElementById("body").value`))
	kind := browserRun(br, "kind", chromedp.Evaluate[bool](`document.getElementById("kind-story").checked`))
	consent := browserRun(br, "consent", chromedp.Evaluate[bool](`document.getElementById("consent_publish-anonymous").checked`))
	if lang != "es" || gotTitle != title || gotBody != body || !kind || !consent {
		t.Fatalf("after a 413 the page is in %q with title %q, body %q, kind kept %v, consent kept %v; want es and everything typed",
			lang, gotTitle, gotBody, kind, consent)
	}
	if s := br.text(".error-summary"); !strings.Contains(s, "demasiado grande") {
		t.Errorf("error summary %q does not say the file is too big in Spanish", s)
	}
}

// TestFileCheckBeforeSending: with the script, a file over the limit or one
// file too many is caught before anything is sent, in the page's language,
// with focus on the message; the picker's button and the chosen files are
// in the page's language too (issue 13, items 1 and 3).
func TestFileCheckBeforeSending(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", env: map[string]string{"STORYDESK_MAX_FILE_MB": "1", "STORYDESK_MAX_FILES": "2"}})
	br := startBrowser(t, b.url)
	br.phone()
	br.visit("/?lang=es")
	if got := browserRun(br, "file button", chromedp.Evaluate[string](`(document.querySelector(".file-choose") || {textContent: "(no button of ours)"}).textContent`)); got != "Elegir fotos o documentos" {
		t.Errorf("the file button says %q on the Spanish form", got)
	}
	if vis := browserRun(br, "native input hidden", chromedp.Evaluate[float64](`document.getElementById("attachments").getBoundingClientRect().width`)); vis > 1 {
		t.Errorf("the browser's own file button still shows (%v px wide)", vis)
	}
	br.fillStory("Nuestra familia", "Llegamos en 2015.")
	big := bigFile(t, "foto-grande.jpg", 1<<20+10)
	br.do("choose a file over the limit", chromedp.SetUploadFiles(chromedp.ID("attachments"), []string{big}))
	if names := browserRun(br, "file names", chromedp.Evaluate[string](`(document.getElementById("file-names") || {textContent: ""}).textContent`)); !strings.Contains(names, "Archivos elegidos") || !strings.Contains(names, "foto-grande.jpg") {
		t.Errorf("chosen files listed as %q", names)
	}
	br.do("press send", chromedp.Click(chromedp.CSS(`form[action="/submit"] button[type=submit]`)))
	msg := browserRun(br, "message", chromedp.Evaluate[string](`(document.getElementById("err-attachments-check") || {textContent: ""}).textContent`))
	focus := browserRun(br, "focus", chromedp.Evaluate[string](`document.activeElement.id`))
	if !strings.Contains(msg, "demasiado grande") || !strings.Contains(msg, "foto-grande.jpg") || focus != "err-attachments-check" {
		t.Errorf("before sending: message %q, focus on #%s; want the Spanish size message with the file name, focused", msg, focus)
	}
	if p := br.path(); p != "/?lang=es" {
		t.Fatalf("the form was sent anyway: now on %s", p)
	}
	br.screenshot("item1-check-before-sending-es")
	small := bigFile(t, "a.jpg", 10)
	br.do("choose three files", chromedp.SetUploadFiles(chromedp.ID("attachments"), []string{small, small, small}))
	br.do("press send", chromedp.Click(chromedp.CSS(`form[action="/submit"] button[type=submit]`)))
	if msg := br.text("#err-attachments-check"); !strings.Contains(msg, "demasiados archivos") {
		t.Errorf("three files: %q", msg)
	}
	if n, _ := submissionCount(t.Context(), b.app.Store); n != 0 {
		t.Errorf("%d submissions stored", n)
	}
	if p := br.consoleProblems(); len(p) > 0 {
		t.Errorf("the page reported problems: %q", p)
	}
}
