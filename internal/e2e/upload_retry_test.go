package e2e_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/storydesk/storydesk/internal/testenv"
)

// postForm sends fields and files to POST /submit as the form's script
// does (key "" for none), with a cookie jar of its own, as a retry after a
// lost answer has no cookie from the first try, and returns the status and
// the receipt page that the redirect leads to.
func (b *bundle) postForm(t *testing.T, key string, fields map[string]string, files ...file) (int, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	body, ct := form(t, fields, files...)
	req, _ := http.NewRequest(http.MethodPost, b.url+"/submit", body)
	req.Header.Set("Content-Type", ct)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return resp.StatusCode, ""
	}
	resp, err = client.Get(b.url + resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	html, _ := io.ReadAll(resp.Body)
	return http.StatusSeeOther, receiptOn(string(html))
}

// TestFormIdempotencyKey: the form's target honours an Idempotency-Key as
// the API does. The same key and story sent again (the script's retry after
// a lost answer) stores nothing more and leads to the same receipt, in a
// fresh slot; without a key, each post is a submission, as before.
func TestFormIdempotencyKey(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db})
			photo := file{"photo.jpg", "image/jpeg", testenv.JPEGWithGPS(t)}
			f := fieldsWith("title", "Sent twice from a bus")
			const key = "5f0c6f2e-8a57-4c1e-9d0b-6a1f3c2b9e71"
			status1, first := b.postForm(t, key, f, photo)
			status2, again := b.postForm(t, key, f, photo)
			if status1 != http.StatusSeeOther || status2 != http.StatusSeeOther || first == "" {
				t.Fatalf("POST /submit with a key: %d then %d, receipt %q; want 303 twice and a receipt", status1, status2, first)
			}
			if again != first {
				t.Errorf("the retry shows receipt %q, the first post %q: want the same", again, first)
			}
			if n, err := submissionCount(t.Context(), b.app.Store); err != nil || n != 1 {
				t.Fatalf("%d submissions stored (%v) after two posts with one key; want 1", n, err)
			}
			if code, st := b.status(first); code != http.StatusOK || st["title"] != "Sent twice from a bus" {
				t.Errorf("the receipt looks up as %d %v", code, st)
			}
			// Without a key the form behaves as it always has.
			b.postForm(t, "", f, photo)
			if _, other := b.postForm(t, "", f, photo); other == first || other == "" {
				t.Errorf("a post without a key shows receipt %q (the first was %q)", other, first)
			}
			if n, _ := submissionCount(t.Context(), b.app.Store); n != 3 {
				t.Errorf("%d submissions after two more posts without a key; want 3", n)
			}
		})
	}
}

// failedSend waits for the form to say that the send failed, and returns
// the message and whether the keyboard is on the retry button.
func (br *browser) failedSend() (string, bool) {
	br.t.Helper()
	type state struct {
		Message string
		Retry   bool
		Focused bool
	}
	var st state
	waitFor(br.t, 10*time.Second, "the form to offer a retry", func() (bool, any) {
		st = browserRun(br, "the failure", chromedp.Evaluate[state](`(() => {
			const r = document.getElementById("send-retry");
			return {message: document.getElementById("send-failed-message").textContent,
				retry: !!r && !r.closest("[hidden]") && r.offsetHeight > 0, focused: document.activeElement === r};
		})()`))
		return st.Retry, st
	})
	return st.Message, st.Focused
}

// TestRetryAfterLostAnswer is issue 16 on a phone, in Spanish: the story
// (with a photo) reaches the server and is stored, but the connection drops
// before the answer comes back; the form says so and keeps everything. The
// retry, one key press, is stored no second time, though a gateway error
// answers it; the next one leads to the receipt of the one submission.
func TestRetryAfterLostAnswer(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	proxy := startFlakyProxy(t, b.url)
	proxy.setMode(dropAfter)
	br := startBrowser(t, proxy.url)
	br.phone()
	const title = "La lluvia en el camino"
	br.visit("/?lang=es")
	br.fillStory(title, "Caminamos tres días bajo la lluvia.")
	br.do("choose a photo", chromedp.SetUploadFiles(chromedp.ID("attachments"), []string{writeFile(t, "foto.jpg", testenv.JPEGWithGPS(t))}))
	br.do("send", chromedp.Click(chromedp.CSS(`main form button[type=submit]`)))

	msg, focused := br.failedSend()
	if !strings.Contains(msg, "El envío no terminó") || !focused {
		t.Errorf("after the dropped connection: message %q, focus on the retry button %v", msg, focused)
	}
	br.screenshot("upload-retry-es-phone")
	if n, _ := submissionCount(t.Context(), b.app.Store); n != 1 {
		t.Fatalf("%d submissions stored before the answer was lost; want 1", n)
	}
	proxy.setMode(failAfter)
	br.press(kb.Enter, 0) // the retry meets a 502
	if _, focused := br.failedSend(); !focused {
		t.Error("after the 502 the keyboard is not on the retry button")
	}
	kept := browserRun(br, "what was typed", chromedp.Evaluate[string](`document.getElementById("title").value + "|" + document.querySelectorAll("#file-names .file-item").length`))
	if kept != title+"|1" {
		t.Errorf("after two failures the form holds %q; want the title and the photo", kept)
	}
	proxy.setMode(pass)
	br.press(kb.Enter, http.StatusOK) // the receipt page
	receipt := strings.ReplaceAll(br.text(".receipt-code"), " ", "")
	if n, _ := submissionCount(t.Context(), b.app.Store); n != 1 {
		t.Errorf("%d submissions stored after three sends of one form; want 1", n)
	}
	if code, st := b.status(receipt); code != http.StatusOK || st["title"] != title {
		t.Errorf("receipt %q looks up as %d %v", receipt, code, st)
	}
	for _, p := range br.consoleProblems() {
		// The dropped connection and the 502 are the point of the test.
		if !strings.Contains(p, "/submit") {
			t.Errorf("the page reported: %s", p)
		}
	}
}
