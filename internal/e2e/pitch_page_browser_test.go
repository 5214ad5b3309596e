package e2e_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestPitchPageBrowser opens the pitch page in headless Chromium on a
// laptop and a phone (one column, no sideways scrolling, a screenshot of
// each) and writes the shorter version with the keyboard alone: Tab to
// the text, select it, type, Tab to the button, Enter, then Tab to the
// package button that the shorter text makes available.
func TestPitchPageBrowser(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	f := b.pitchFixture(fieldsWith("title", "Our family", "body", longBody))
	br := startBrowser(t, b.url)
	br.keyboardSignIn("editor@example.org", "/desk")
	path := "/desk/pitches/" + f.pitch
	for _, sz := range []a11ySize{{"laptop", 1366, 768}, {"phone", 390, 844}} {
		br.do("viewport "+sz.name, chromedp.EmulateViewport(sz.width, sz.height))
		br.open(path, http.StatusOK)
		if wide := browserRun(br, "page width", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > innerWidth`)); wide {
			t.Errorf("%s: the pitch page scrolls sideways", sz.name)
		}
		if w := br.text("#pitch-words"); !strings.Contains(w, "12 words over the limit") {
			t.Errorf("%s: word count %q, want it over the limit", sz.name, w)
		}
		br.screenshot("pitch-" + sz.name)
	}

	// On the phone, with the keyboard alone.
	br.tabRound()
	br.tabTo("#desk_body")
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
		if _, err := chromedp.Call(br.ctx, input.DispatchKeyEvent, input.DispatchKeyEventParams{Type: typ, Key: "a", Code: "KeyA",
			Modifiers: 2, WindowsVirtualKeyCode: 65, Commands: []string{"selectAll"}}); err != nil {
			t.Fatalf("Ctrl+A: %v", err)
		}
	}
	br.typeText("We built a life here.\n\nOur children love school.")
	br.tabTo(`form[action$="/text"] button[type=submit]`)
	br.press(kb.Enter, http.StatusOK) // 303 to the page
	if n := br.text("main .notice p"); !strings.Contains(n, "Saved as a named revision") {
		t.Errorf("notice after saving with the keyboard: %q", n)
	}
	if w := br.text("#pitch-words"); !strings.Contains(w, "within the limit") {
		t.Errorf("word count after saving: %q, want within the limit", w)
	}
	br.tabRound()
	br.tabTo("#package-download")
	br.screenshot("pitch-saved-phone")
	_, rec := b.get("/api/v1/pitches/" + f.pitch)
	if text, _ := rec["text"].(map[string]any); text["source"] != "shorter" || text["body"] != "We built a life here.\n\nOur children love school." {
		t.Errorf("the keyboard's version: %v", text)
	}
}
