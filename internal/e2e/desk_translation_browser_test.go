package e2e_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/storydesk/storydesk/internal/store"
)

// TestTranslationEditorBrowser: a translator, with the keyboard alone,
// goes from the piece page to the translation editor, writes a translation
// of two paragraphs and sends it to the author. On a laptop each original
// paragraph sits beside its translation; on a phone the translation follows
// its original paragraph, and nothing is wider than the screen. Screenshots
// of both go to the artifact directory.
func TestTranslationEditorBrowser(t *testing.T) {
	t.Parallel()
	b := setup(t, options{db: "sqlite", workers: true})
	const translator = "tr-browser@example.org"
	b.editorToken(translator, "translator", "")
	id := b.approved(fieldsWith("title", "Our street"))
	br := startBrowser(t, b.url)
	br.do("laptop", chromedp.EmulateViewport(1280, 800))
	br.keyboardSignIn(translator, "/desk")

	br.open("/desk/s/"+id, http.StatusOK)
	br.tabTo(`a.translate-into`)
	br.press(kb.Enter, http.StatusOK)
	page := "/desk/s/" + id + "/translations/es"
	if p := br.path(); p != page {
		t.Fatalf("the Translate link led to %s, want %s", p, page)
	}
	br.tabTo("#desk_title")
	br.typeText("Nuestra calle")
	br.tabTo("#desk_body")
	br.typeText("Llegamos en 2015 y construimos una vida aquí.")
	br.press(kb.Enter, 0)
	br.press(kb.Enter, 0)
	br.typeText("Mi número es A123-456-789. Nuestros hijos van a la escuela en Austin.")
	br.tabTo(`form[action="` + page + `"] button[type=submit]`)
	br.press(kb.Enter, http.StatusOK)
	tr, err := b.app.Store.Translation(context.Background(), id, "es")
	if err != nil || tr.Title != "Nuestra calle" || !strings.Contains(tr.Body, "\n\nMi número") {
		t.Fatalf("after the keyboard save: %+v, %v", tr, err)
	}

	// Laptop: paragraph beside paragraph, the A-number marked.
	rows := `.tr-row:not(.tr-head):not(.tr-title)`
	orig, trans := br.box(rows+` .tr-orig`), br.box(rows+` .tr-trans`)
	if trans.Left < orig.Right || trans.Top > orig.Bottom {
		t.Errorf("at 1280 px the translation %+v is not beside its original %+v", trans, orig)
	}
	if got := br.text(rows + `:nth-of-type(4) .tr-trans mark`); got != "A123-456-789" {
		t.Errorf("the second paragraph's mark is %q, want the A-number", got)
	}
	src, form := br.box(".tr-source"), br.box(`form[action="`+page+`"]`)
	if form.Left < src.Right {
		t.Errorf("at 1280 px the form %+v is not beside the original %+v", form, src)
	}
	br.shot("translation-editor-1280", "")

	// Phone: stacked, original paragraph then its translation.
	br.do("phone", chromedp.EmulateViewport(390, 844))
	br.open(page, http.StatusOK)
	orig, trans = br.box(rows+` .tr-orig`), br.box(rows+` .tr-trans`)
	if trans.Top < orig.Bottom {
		t.Errorf("at 390 px the translation %+v does not follow its original %+v", trans, orig)
	}
	if w := browserRun(br, "page width", chromedp.Evaluate[float64](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("at 390 px the page is %v px wide", w)
	}
	br.shot("translation-editor-390", "")

	// Sent to the author with the keyboard.
	br.tabRound()
	br.tabTo(`form[action$="/send"] button`)
	br.press(kb.Enter, http.StatusOK)
	if tr, _ = b.app.Store.Translation(context.Background(), id, "es"); tr.Status != store.TranslationAwaitingAuthor {
		t.Errorf("after the keyboard send: %s, want awaiting_author", tr.Status)
	}
}
