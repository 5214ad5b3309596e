package e2e_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestWhereItRan is issue 15 on the author's side: the status page and
// POST /api/v1/status show the outlets that published the piece (name,
// address, day), and nothing else of the pitching: no outlet that
// declined, did not answer or still has it, and no note.
func TestWhereItRan(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			testWhereItRan(t, db)
		})
	}
}

func testWhereItRan(t *testing.T, db string) {
	b := setup(t, options{db: db})
	staff := b.editorToken("staff@example.org", "staff", "")
	id, receipt := b.approvedPiece(fieldsWith("title", "Our street"))
	pitch := func(name, lang string) string {
		t.Helper()
		o := b.outlet(staff, map[string]any{"name": name, "language": lang, "exclusive_days": 0})
		code, res := b.deskCall(http.MethodPost, "/api/v1/submissions/"+id+"/pitches", b.token, map[string]any{"outlet_id": o})
		if code != http.StatusCreated {
			t.Fatalf("pitch to %s: %d %v", name, code, res)
		}
		return res["id"].(string)
	}
	answer := func(p string, body map[string]any) {
		t.Helper()
		if code, res := b.deskCall(http.MethodPatch, "/api/v1/pitches/"+p, b.token, body); code != http.StatusOK {
			t.Fatalf("answer pitch %s %v: %d %v", p, body, code, res)
		}
	}

	// Nothing ran yet: no section, an empty list.
	_, page := b.statusPage(url.Values{"receipt": {receipt}, "ui_lang": {"en"}})
	if strings.Contains(page, "Where it ran") {
		t.Error("the status page shows where the piece ran before it ran anywhere")
	}
	if _, st := b.status(receipt); jsonText(st["placements"]) != "[]" {
		t.Errorf("placements before any = %s, want []", jsonText(st["placements"]))
	}

	ran := pitch("The Tribune", "en")
	declined := pitch("Declining Daily", "en")
	silent := pitch("Silent Weekly", "en")
	pitch("Still Pitched Post", "en")
	diario := pitch("El Diario", "es")
	answer(ran, map[string]any{"status": "published", "published_url": "https://tribune.example/our-street?a=1&b=2", "published_on": "2026-11-20", "note": "Ran on page 4"})
	answer(declined, map[string]any{"status": "declined", "note": "Editor said too long"})
	answer(silent, map[string]any{"status": "no_response"})
	answer(diario, map[string]any{"status": "published", "published_url": "http://eldiario.example/nuestra-calle", "published_on": "2026-11-25"})
	// A published address that is not http(s), written past the desk's
	// check, is never linked.
	sneaky := pitch("Sneaky Gazette", "en")
	answer(sneaky, map[string]any{"status": "published", "published_url": "https://sneaky.example/x", "published_on": "2026-11-26"})
	b.execOne(`UPDATE pitches SET published_url = 'javascript:alert(1)' WHERE id = $1`, sneaky)

	_, st := b.status(receipt)
	want := `[{"language":"en","outlet":"The Tribune","published_on":"2026-11-20","url":"https://tribune.example/our-street?a=1\u0026b=2"},` +
		`{"language":"es","outlet":"El Diario","published_on":"2026-11-25","url":"http://eldiario.example/nuestra-calle"}]`
	if got := jsonText(st["placements"]); got != want {
		t.Errorf("placements = %s, want %s", got, want)
	}
	for lang, heading := range map[string]string{"en": "Where it ran", "es": "Dónde se publicó"} {
		_, page := b.statusPage(url.Values{"receipt": {receipt}, "ui_lang": {lang}})
		if !strings.Contains(page, heading) || !strings.Contains(page, `<a href="https://tribune.example/our-street?a=1&amp;b=2" rel="noopener noreferrer">The Tribune</a>`) ||
			!strings.Contains(page, `<a href="http://eldiario.example/nuestra-calle" rel="noopener noreferrer">El Diario</a>`) {
			t.Errorf("the %s status page does not list where the piece ran: %s", lang, plain(page))
		}
		date := map[string]string{"en": "November 20, 2026", "es": "20 de noviembre de 2026"}[lang]
		if !strings.Contains(page, `<time datetime="2026-11-20">`+date+`</time>`) {
			t.Errorf("the %s page does not date the placement as %q", lang, date)
		}
		for _, never := range []string{"Declining Daily", "Silent Weekly", "Still Pitched Post", "Sneaky Gazette", "javascript:", "Editor said too long", "Ran on page 4"} {
			if strings.Contains(page, never) {
				t.Errorf("the %s status page shows %q of the internal pitch history", lang, never)
			}
		}
	}
	for _, never := range []string{"Declining Daily", "Silent Weekly", "Still Pitched Post", "Sneaky Gazette", "javascript:", "Editor said too long", "Ran on page 4"} {
		if strings.Contains(jsonText(st), never) {
			t.Errorf("POST /api/v1/status shows %q of the internal pitch history", never)
		}
	}
}
