package e2e_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPitchPage works the pitch's desk page through its HTML forms: the
// word count over the limit and the refused package said in the page's
// language, a refused and a saved shorter version, the named revision on
// the piece's page, the package button's ZIP, and the roles and sites
// that may not open it.
func TestPitchPage(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db})
			f := b.pitchFixture(fieldsWith("title", "Our family", "body", longBody))
			editor := b.deskSession("editor@example.org")
			path := "/desk/pitches/" + f.pitch

			resp, page := b.deskPage(path, editor, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, page)
			}
			for _, want := range []string{"24 words", "12 words over the limit", "limit: 12 words", "The piece&#39;s current text",
				`id="package-refusal"`, "write a shorter version below", `name="body"`, "dearly"} {
				if !strings.Contains(page, want) {
					t.Errorf("pitch page lacks %q", want)
				}
			}
			if strings.Contains(page, `id="package-download"`) {
				t.Error("the page offers the package of a text over the limit")
			}
			resp, page = b.deskPage(path+"/package", editor, nil)
			if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "error-summary") || !strings.Contains(page, "write a shorter version below") {
				t.Errorf("package button over the limit: %d, want 409 with the page and its reason", resp.StatusCode)
			}
			resp, page = b.deskPage(path+"?lang=es", editor, nil)
			if !strings.Contains(page, "12 palabras por encima del límite") || !strings.Contains(page, "Versión más corta para este medio") {
				t.Errorf("Spanish pitch page: %d\n%s", resp.StatusCode, page)
			}
			b.deskPage(path+"?lang=en", editor, nil)

			resp, page = b.deskFollow(path+"/text", editor, url.Values{"title": {"Our family, short"}, "body": {"  "}})
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `aria-invalid="true" aria-describedby="err-desk_body"`) ||
				!strings.Contains(page, "Our family, short") {
				t.Errorf("empty body: %d, want 400 with the field marked and the title kept", resp.StatusCode)
			}
			resp, page = b.deskFollow(path+"/text", editor, url.Values{"title": {"Our family, short"}, "body": {"We built a life here.\n\nOur children love school."}})
			if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Saved as a named revision for this outlet") ||
				!strings.Contains(page, "within the limit, 3 words to spare") || !strings.Contains(page, `id="package-download"`) ||
				!strings.Contains(page, "The shorter version for The Tribune") {
				t.Errorf("save the shorter version: %d\n%s", resp.StatusCode, page)
			}
			_, piece := b.deskPage("/desk/s/"+f.piece, editor, nil)
			if !strings.Contains(piece, `<a href="/desk/pitches/`+f.pitch+`">Version for The Tribune`) || !strings.Contains(piece, "dearly") {
				t.Errorf("the piece's page does not list the named revision, or lost its own text")
			}
			resp, zip := b.deskPage(path+"/package", editor, nil)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" || !strings.HasPrefix(zip, "PK") {
				t.Errorf("package button: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			// A GET on the form's address goes to the page.
			if resp, _ := b.deskPage(path+"/text", editor, nil); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path {
				t.Errorf("GET %s/text: %d to %q, want 303 to the page", path, resp.StatusCode, resp.Header.Get("Location"))
			}

			b.editorToken("translator@example.org", "translator", "")
			if resp, _ := b.deskPage(path, b.deskSession("translator@example.org"), nil); resp.StatusCode != http.StatusForbidden {
				t.Errorf("translator opens the pitch page: %d, want 403", resp.StatusCode)
			}
			b.editorToken("dallas@example.org", "editor", "Dallas")
			dallas := b.deskSession("dallas@example.org")
			if resp, _ := b.deskPage(path, dallas, nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("another site's editor opens the pitch page: %d, want 404", resp.StatusCode)
			}
			if resp, _ := b.deskFollow(path+"/text", dallas, url.Values{"title": {"X"}, "body": {"Y"}}); resp.StatusCode != http.StatusNotFound {
				t.Errorf("another site's editor posts a version: %d, want 404", resp.StatusCode)
			}
		})
	}
}
