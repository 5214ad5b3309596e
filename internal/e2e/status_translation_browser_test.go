package e2e_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// cellBoxes are where the first paragraph of the original and of its
// translation are drawn.
type cellBoxes struct {
	OrigTop, OrigBottom, OrigLeft, OrigRight float64
	TrTop, TrLeft                            float64
	PageWidth, ViewWidth                     float64
}

const cellBoxesJS = `(() => {
	const pair = document.querySelector("#translation-es .pair:not(.pair-head):not(.pair-title)");
	const o = pair.querySelector(".cell.orig").getBoundingClientRect(), t = pair.querySelector(".cell.tr").getBoundingClientRect();
	return {OrigTop: o.top, OrigBottom: o.bottom, OrigLeft: o.left, OrigRight: o.right, TrTop: t.top, TrLeft: t.left,
		PageWidth: document.documentElement.scrollWidth, ViewWidth: document.documentElement.clientWidth};
})()`

// TestAuthorTranslationInBrowser: the author reviews a translation in
// headless Chromium with the keyboard alone: on a phone (390 px, Spanish)
// each paragraph of the original comes with its translation under it and
// the author asks for changes, after a refusal that names the box; on a
// desktop (English) the two texts stand side by side and the author
// approves. Screenshots of each are left in the artifact directory.
func TestAuthorTranslationInBrowser(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite"})
	phoneID, phoneReceipt := b.translatedPiece("Our street")
	deskID, deskReceipt := b.translatedPiece("Our town")
	br := startBrowser(t, b.url)

	lookUp := func(receipt string) {
		t.Helper()
		br.open("/status", http.StatusOK)
		br.tabTo("#receipt")
		br.typeText(receipt)
		br.press(kb.Enter, http.StatusOK)
	}
	boxes := func() cellBoxes {
		t.Helper()
		return browserRun(br, "paragraph boxes", chromedp.Evaluate[cellBoxes](cellBoxesJS))
	}

	// A phone, in Spanish: paragraph by paragraph, one under the other.
	br.setLang("es")
	br.do("phone", chromedp.EmulateViewport(390, 844))
	lookUp(phoneReceipt)
	if got := br.text("#translation-es h3"); got != "Traducción al español" {
		t.Errorf("heading on the Spanish page: %q", got)
	}
	if bx := boxes(); bx.TrTop < bx.OrigBottom || bx.PageWidth > bx.ViewWidth {
		t.Errorf("phone: the translation's paragraph is not under the original's, or the page scrolls sideways: %+v", bx)
	}
	br.screenshot("author-translation-es-phone")
	br.tabRound()
	br.tabTo(`form.tr-changes button[type=submit]`)
	br.press(kb.Enter, http.StatusBadRequest)
	if s := br.text(".error-summary"); !strings.Contains(s, "¿Qué debe cambiar en la traducción?") {
		t.Errorf("the refusal does not name the box: %q", s)
	}
	br.screenshot("author-translation-es-phone-refused")
	br.tabTo("#translation_message-es")
	br.typeText("El título debe ser «Nuestra cuadra».")
	br.tabTo(`form.tr-changes button[type=submit]`)
	br.press(kb.Enter, http.StatusOK)
	if n := br.text("main p.notice"); n != "Su pedido de cambios se envió al traductor." {
		t.Errorf("notice after asking for changes: %q", n)
	}
	if tr := translationOf(t, b, phoneID, "es"); tr["status"] != "changes_requested" {
		t.Errorf("after the phone's request: %v", tr["status"])
	}

	// A desktop, in English: side by side.
	br.setLang("en")
	br.do("desktop", chromedp.EmulateViewport(1280, 800))
	lookUp(deskReceipt)
	if bx := boxes(); bx.TrLeft < bx.OrigRight || bx.TrTop != bx.OrigTop || bx.PageWidth > bx.ViewWidth {
		t.Errorf("desktop: the translation's paragraph is not beside the original's, or the page scrolls sideways: %+v", bx)
	}
	br.screenshot("author-translation-en-desktop")
	br.tabRound()
	br.tabTo(`form.tr-approve button[type=submit]`)
	br.press(kb.Enter, http.StatusOK)
	if n := br.text("main p.notice"); n != "You approved the translation. Thank you." {
		t.Errorf("notice after approving: %q", n)
	}
	if tr := translationOf(t, b, deskID, "es"); tr["status"] != "approved" || tr["approved_by"] != "author" {
		t.Errorf("after the desktop's approval: %v", tr)
	}
	for _, p := range br.consoleProblems() {
		if !refusedOnPurpose.MatchString(p) {
			t.Errorf("browser console: %s", p)
		}
	}
}
