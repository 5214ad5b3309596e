package e2e_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// translatedPiece submits an English piece of two paragraphs and gives it a
// Spanish translation sent to the author; it returns the id and the receipt.
func (b *bundle) translatedPiece(title string) (id, receipt string) {
	b.t.Helper()
	code, res := b.submit(fieldsWith("title", title, "language", "en",
		"body", "We came in 2015.\n\nThe town welcomed us."))
	if code != http.StatusCreated {
		b.t.Fatalf("submit: %d %v", code, res)
	}
	id, receipt = res["id"].(string), res["receipt"].(string)
	base := "/api/v1/submissions/" + id + "/translations"
	if code, res := b.deskCall(http.MethodPost, base, b.token, map[string]string{"language": "es",
		"title": "Nuestra calle", "body": "Llegamos en 2015.\n\nEl pueblo nos recibió."}); code != http.StatusCreated {
		b.t.Fatalf("create translation: %d %v", code, res)
	}
	if code, res := b.deskCall(http.MethodPost, base+"/es/send", b.token, nil); code != http.StatusOK {
		b.t.Fatalf("send translation: %d %v", code, res)
	}
	return id, receipt
}

// translationAnswer posts the status page's translation form.
func (b *bundle) translationAnswer(receipt, lang, decision, message, uiLang string) (int, string) {
	b.t.Helper()
	return b.statusPage(url.Values{"receipt": {receipt}, "action": {"translation"}, "language": {lang},
		"decision": {decision}, "translation_message": {message}, "ui_lang": {uiLang}})
}

// inOrder reports whether each of parts appears in s after the one before.
func inOrder(s string, parts ...string) bool {
	for _, p := range parts {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return true
}

// TestAuthorReviewsTranslation is issue 14 on the author's side: the status
// page shows a translation beside the original, paragraph by paragraph, in
// the page's language with the byline it will carry; a request for changes
// needs a message (refused, the page names the field and keeps what was
// typed), reaches the desk and moves the translation; a translation not
// awaiting the author cannot be decided; the author approves.
func TestAuthorReviewsTranslation(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			testAuthorReviewsTranslation(t, db)
		})
	}
}

func testAuthorReviewsTranslation(t *testing.T, db string) {
	b := setup(t, options{db: db})
	id, receipt := b.translatedPiece("Our street")
	state := func() string {
		t.Helper()
		return translationOf(t, b, id, "es")["status"].(string)
	}

	// The Spanish interface shows the Spanish translation beside the
	// English original, each paragraph marked with its language.
	code, page := b.statusPage(url.Values{"receipt": {receipt}, "ui_lang": {"es"}})
	if code != http.StatusOK {
		t.Fatalf("look-up: %d", code)
	}
	for _, want := range []string{"Traducción al español", "Espera su respuesta", "Aprobar la traducción", "Pedir cambios",
		"la misma firma que su original: su seudónimo, «M.».", `<label for="translation_message-es">¿Qué debe cambiar en la traducción?</label>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the Spanish status page lacks %q", want)
		}
	}
	if !inOrder(page, `lang="en">Our street<`, `lang="es">Nuestra calle<`, `lang="en">We came in 2015.<`, `lang="es">Llegamos en 2015.<`,
		`lang="en">The town welcomed us.<`, `lang="es">El pueblo nos recibió.<`) {
		t.Errorf("the page does not set each paragraph beside its translation:\n%s", plain(page))
	}
	if strings.Contains(page, "Translation into Spanish") {
		t.Error("the Spanish page speaks English")
	}

	// Asking for changes without saying which: refused, the field named.
	code, page = b.translationAnswer(receipt, "es", "request_changes", "  ", "en")
	if code != http.StatusBadRequest || !strings.Contains(page, `href="#translation_message-es"`) ||
		!strings.Contains(summaryText(page), "What should change in the translation?") || !strings.Contains(page, `id="err-translation_message-es"`) {
		t.Errorf("changes without a message: %d, want 400 naming the field: %s", code, summaryText(page))
	}
	// Too long: refused, and what was typed comes back.
	long := "El título debe ser «Nuestra cuadra». " + strings.Repeat("Más. ", 2100)
	code, page = b.translationAnswer(receipt, "es", "request_changes", long, "es")
	if code != http.StatusBadRequest || !strings.Contains(page, strings.TrimSpace(long)) || !strings.Contains(page, `aria-invalid="true"`) {
		t.Errorf("a message too long: %d, want 400 keeping the text: %s", code, summaryText(page))
	}
	if got := state(); got != "awaiting_author" {
		t.Fatalf("after refusals the translation is %s, want awaiting_author", got)
	}

	// Asking for changes with a message.
	const ask = "El título debe ser «Nuestra cuadra»."
	code, page = b.translationAnswer(receipt, "es", "request_changes", ask, "es")
	if code != http.StatusOK || !strings.Contains(page, "Su pedido de cambios se envió al traductor.") || !strings.Contains(page, "Usted pidió cambios.") {
		t.Errorf("request changes: %d: %s", code, plain(page))
	}
	if strings.Contains(page, `name="decision" value="approve"`) {
		t.Error("the page still offers to approve a translation the author asked changes to")
	}
	if got := state(); got != "changes_requested" {
		t.Errorf("after the request the translation is %s, want changes_requested", got)
	}
	_, rec := b.get("/api/v1/submissions/" + id)
	msgs, _ := rec["messages"].([]any)
	if len(msgs) == 0 || msgs[len(msgs)-1].(map[string]any)["body"] != ask || msgs[len(msgs)-1].(map[string]any)["from"] != "submitter" {
		t.Errorf("the desk does not see the author's message: %v", msgs)
	}
	if kind := msgs[len(msgs)-1].(map[string]any)["kind"]; kind != "translation:es" {
		t.Errorf("the author's message has kind %v, want translation:es", kind)
	}
	// The editors see which translation the message is about, in the
	// language of their page; the author sees it so too.
	editor := b.deskSession("editor@example.org")
	for lang, want := range map[string]string{
		"en": "About the Spanish translation: " + ask, "es": "Sobre la traducción al español: " + ask,
	} {
		_, desk := b.deskPage("/desk/s/"+id+"?lang="+lang, editor, nil)
		if !strings.Contains(plain(desk), want) {
			t.Errorf("the desk page in %s does not show %q:\n%s", lang, want, plain(desk))
		}
	}
	if _, page := b.statusPage(url.Values{"receipt": {receipt}, "ui_lang": {"es"}}); !strings.Contains(plain(page), "Sobre la traducción al español: "+ask) {
		t.Errorf("the status page does not name the translation the author's message is about")
	}

	// Not awaiting the author: a clear refusal, nothing changes.
	code, page = b.translationAnswer(receipt, "es", "approve", "", "en")
	if code != http.StatusConflict || !strings.Contains(summaryText(page), "This translation is not waiting for your answer") {
		t.Errorf("approve after asking changes: %d, want 409 saying so: %s", code, summaryText(page))
	}
	if got := state(); got != "changes_requested" {
		t.Errorf("a refused approval moved the translation to %s", got)
	}
	code, page = b.translationAnswer(receipt, "fr", "approve", "", "en")
	if code != http.StatusNotFound || !strings.Contains(summaryText(page), "no translation into that language") {
		t.Errorf("a language with no translation: %d: %s", code, summaryText(page))
	}
	// An unknown code learns nothing new.
	if code, _ := b.translationAnswer("ABCD-EFGH-JKMN-PQRS", "es", "approve", "", "en"); code != http.StatusNotFound {
		t.Errorf("unknown receipt: %d, want 404", code)
	}

	// Edited and sent again, the author approves it in English.
	base := "/api/v1/submissions/" + id + "/translations/es"
	if code, res := b.deskCall(http.MethodPut, base, b.token, map[string]string{"title": "Nuestra cuadra", "body": "Llegamos en 2015.\n\nEl pueblo nos recibió."}); code != http.StatusOK {
		t.Fatalf("edit: %d %v", code, res)
	}
	if code, res := b.deskCall(http.MethodPost, base+"/send", b.token, nil); code != http.StatusOK {
		t.Fatalf("send: %d %v", code, res)
	}
	code, page = b.translationAnswer(receipt, "es", "approve", "", "en")
	if code != http.StatusOK || !strings.Contains(page, "You approved the translation.") || !strings.Contains(page, "You approved this translation.") ||
		!strings.Contains(page, `lang="es">Nuestra cuadra<`) {
		t.Errorf("approve: %d: %s", code, plain(page))
	}
	if tr := translationOf(t, b, id, "es"); tr["status"] != "approved" || tr["approved_by"] != "author" {
		t.Errorf("after the author's approval: %v", tr)
	}
	if strings.Contains(page, `name="translation_message"`) {
		t.Error("an approved translation still offers its forms")
	}
}
