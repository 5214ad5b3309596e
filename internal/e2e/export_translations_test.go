package e2e_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/storydesk/storydesk/internal/auth"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/testenv"
)

// translatePiece writes piece id's translation into lang as token and
// sends it to the author: it is then awaiting_author.
func translatePiece(b *bundle, token, id, lang, title, body string) {
	b.t.Helper()
	base := "/api/v1/submissions/" + id + "/translations"
	if code, res := b.deskCall(http.MethodPost, base, token, map[string]string{"language": lang, "title": title, "body": body}); code != http.StatusCreated {
		b.t.Fatalf("create %s translation: %d %v", lang, code, res)
	}
	if code, res := b.deskCall(http.MethodPost, base+"/"+lang+"/send", token, nil); code != http.StatusOK {
		b.t.Fatalf("send %s translation: %d %v", lang, code, res)
	}
}

// readyApproved submits a piece (valid fields with overrides), waits for its
// review and approves it.
func (b *bundle) readyApproved(overrides map[string]string, files ...file) (id, receipt string) {
	b.t.Helper()
	id, receipt = b.deskReady(overrides, files...)
	b.move(id, store.StatusReady, store.StatusApproved)
	return id, receipt
}

// TestExportTranslations: an export carries a piece's approved translations
// beside the original (piece.{lang}.md, .html, .docx, each in its
// language, with the consent's byline), and none that the author has not
// approved (awaiting, changes asked) nor any of a withdrawn piece. The
// manifests list the languages; consent.json says who approved each
// translation: "author" (through the receipt code, naming no one) or the
// editor who approved instead, with the reason they wrote. Withdrawing a
// piece with a translation later revokes the archive.
func TestExportTranslations(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db, workers: true})
			ctx := context.Background()
			staff := b.editorToken("staff@example.org", "staff", "")
			editor, _ := b.queueUser("elena@example.org", "Elena Editora", "editor", "")
			tok, hash, err := auth.NewToken()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.app.Store.CreateToken(ctx, store.Token{UserID: editor.ID, Name: "test", Hash: hash}); err != nil {
				t.Fatal(err)
			}

			// By the author: an English piece with a photo, approved in Spanish.
			byAuthor, receipt := b.readyApproved(map[string]string{"title": "Our street", "consent_publish": "pseudonym", "pseudonym": "El Gallo",
				"author_name": "Real Translated Person", "body": "We came in **2015** and built a life here."},
				file{"p.jpg", "image/jpeg", testenv.JPEGWithGPS(t)})
			translatePiece(b, b.token, byAuthor, "es", "Nuestra calle", "Llegamos en **2015** y construimos una vida aquí.")
			if code, res := answerTranslation(b, receipt, "es", "approve", ""); code != http.StatusOK {
				t.Fatalf("author approves: %d %v", code, res)
			}
			// By an editor: a Spanish piece whose author cannot be reached.
			byEditor, _ := b.readyApproved(map[string]string{"title": "Nuestra escuela", "language": "es", "consent_publish": "anonymous",
				"author_name": "Real Anonymous Person", "body": "Nuestros hijos van a la escuela."})
			translatePiece(b, b.token, byEditor, "en", "Our school", "Our children go to school.")
			const reason = "The author is unreachable: her phone was cut off after the raid."
			if code, res := b.deskCall(http.MethodPost, "/api/v1/submissions/"+byEditor+"/translations/en/approve", tok, map[string]string{"reason": reason}); code != http.StatusOK {
				t.Fatalf("editor approves: %d %v", code, res)
			}
			// Not approved: one awaiting the author, one the author asked changes to.
			awaiting, _ := b.readyApproved(map[string]string{"title": "Awaiting", "body": "Text that waits."})
			translatePiece(b, b.token, awaiting, "es", "Esperando", "Texto que espera.")
			changes, changesReceipt := b.readyApproved(map[string]string{"title": "Changes", "body": "Text to change."})
			translatePiece(b, b.token, changes, "es", "Cambios", "Texto con cambios.")
			if code, res := answerTranslation(b, changesReceipt, "es", "request_changes", "El título no es así."); code != http.StatusOK {
				t.Fatalf("author asks for changes: %d %v", code, res)
			}
			// Withdrawn with an approved translation: in no export.
			withdrawn, withdrawnReceipt := b.readyApproved(map[string]string{"title": "Withdrawn", "author_name": "Real Withdrawn Person", "body": "Text withdrawn."})
			translatePiece(b, b.token, withdrawn, "es", "Retirada", "Texto retirado.")
			if code, res := answerTranslation(b, withdrawnReceipt, "es", "approve", ""); code != http.StatusOK {
				t.Fatalf("author approves: %d %v", code, res)
			}
			if code, res := b.postJSON("/api/v1/status/withdraw", map[string]string{"receipt": withdrawnReceipt}); code != http.StatusOK {
				t.Fatalf("withdraw: %d %v", code, res)
			}

			exp, link := b.finishedExport(staff)
			code, data := b.fetch(link, staff)
			if code != http.StatusOK {
				t.Fatalf("download: %d", code)
			}
			files := testenv.DOCXParts(t, data)
			var translated []string
			for name := range files {
				if regexp.MustCompile(`/piece\.[a-z]+\.(md|html|docx)$`).MatchString(name) {
					translated = append(translated, name)
				}
				if strings.HasPrefix(name, withdrawn) {
					t.Errorf("the withdrawn piece is exported: %s", name)
				}
			}
			slices.Sort(translated)
			want := []string{byAuthor + "/piece.es.docx", byAuthor + "/piece.es.html", byAuthor + "/piece.es.md",
				byEditor + "/piece.en.docx", byEditor + "/piece.en.html", byEditor + "/piece.en.md"}
			slices.Sort(want)
			if !slices.Equal(translated, want) {
				t.Errorf("translation files = %v, want %v", translated, want)
			}

			// Each file in its language, with the consent's byline.
			for name, wants := range map[string][]string{
				byAuthor + "/piece.md":      {"# Our street", "*By El Gallo*"},
				byAuthor + "/piece.es.md":   {"# Nuestra calle", "*Por El Gallo*", "Llegamos en **2015**", "![Foto 1: cortesía de El Gallo](attachments/photo-1.jpg)"},
				byAuthor + "/piece.html":    {`<html lang="en">`},
				byAuthor + "/piece.es.html": {`<html lang="es">`, "<h1>Nuestra calle</h1>", "Por El Gallo", `src="attachments/photo-1.jpg"`},
				byEditor + "/piece.html":    {`<html lang="es">`, "Por Anónimo"},
				byEditor + "/piece.en.html": {`<html lang="en">`, "<h1>Our school</h1>", "By Anonymous"},
			} {
				for _, w := range wants {
					if !strings.Contains(string(files[name]), w) {
						t.Errorf("%s lacks %q:\n%s", name, w, files[name])
					}
				}
			}
			for name, tag := range map[string]string{byAuthor + "/piece.docx": "en-US", byAuthor + "/piece.es.docx": "es-US",
				byEditor + "/piece.docx": "es-US", byEditor + "/piece.en.docx": "en-US"} {
				if styles := testenv.Unzip(t, files[name])["word/styles.xml"]; !strings.Contains(styles, `<w:lang w:val="`+tag+`"`) {
					t.Errorf("%s does not name %s as its language", name, tag)
				}
			}
			// Opened as a reader would: the Spanish text, byline and photo credit.
			if txt := docxBytesText(t, files[byAuthor+"/piece.es.docx"]); !strings.Contains(txt, "Nuestra calle") ||
				!strings.Contains(txt, "Por El Gallo") || !strings.Contains(txt, "Llegamos en 2015 y construimos una vida aquí.") ||
				!strings.Contains(txt, "Foto 1: cortesía de El Gallo") {
				t.Errorf("LibreOffice reads piece.es.docx as:\n%s", txt)
			}
			if parts := testenv.Unzip(t, files[byAuthor+"/piece.es.docx"]); !regexp.MustCompile(`r:embed="`).MatchString(parts["word/document.xml"]) {
				t.Error("piece.es.docx does not embed the photo")
			}
			for name, content := range files {
				for _, real := range []string{"Real Translated Person", "Real Anonymous Person", "Real Withdrawn Person"} {
					if strings.Contains(string(content), real) {
						t.Errorf("%s holds %q", name, real)
					}
				}
			}

			// The manifests list the languages.
			rows, err := csv.NewReader(strings.NewReader(string(files["manifest.csv"]))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			col := slices.Index(rows[0], "languages")
			if col < 0 {
				t.Fatalf("manifest.csv has no languages column: %v", rows[0])
			}
			langs := map[string]string{}
			for _, r := range rows[1:] {
				langs[r[0]] = r[col]
			}
			if wantLangs := map[string]string{byAuthor: "en;es", byEditor: "es;en", awaiting: "en", changes: "en"}; !maps.Equal(langs, wantLangs) {
				t.Errorf("manifest.csv languages = %v, want %v", langs, wantLangs)
			}
			var manifest []struct {
				ID           string           `json:"id"`
				Languages    []string         `json:"languages"`
				Translations []map[string]any `json:"translations"`
			}
			if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil {
				t.Fatal(err)
			}
			for _, m := range manifest {
				switch m.ID {
				case byAuthor:
					if !slices.Equal(m.Languages, []string{"en", "es"}) || len(m.Translations) != 1 || m.Translations[0]["approved_by"] != "author" ||
						m.Translations[0]["approved_at"] == "" || len(m.Translations[0]["files"].([]any)) != 3 {
						t.Errorf("manifest.json row by the author = %+v", m)
					}
				case byEditor:
					if !slices.Equal(m.Languages, []string{"es", "en"}) || len(m.Translations) != 1 || m.Translations[0]["approved_by"] != "editor" ||
						m.Translations[0]["reason"] != nil {
						t.Errorf("manifest.json row by an editor = %+v", m)
					}
				case awaiting, changes:
					if len(m.Translations) != 0 {
						t.Errorf("manifest.json lists an unapproved translation: %+v", m)
					}
				}
			}

			// consent.json: who approved each translation, and why when an editor did.
			consent := func(id string) []map[string]any {
				var c struct {
					Translations []map[string]any `json:"translations"`
				}
				if err := json.Unmarshal(files[id+"/consent.json"], &c); err != nil {
					t.Fatalf("%s/consent.json: %v", id, err)
				}
				return c.Translations
			}
			if c := consent(byAuthor); len(c) != 1 || c[0]["language"] != "es" || c[0]["approved_by"] != "author" || c[0]["approved_at"] == "" ||
				c[0]["editor_id"] != nil || c[0]["reason"] != nil {
				t.Errorf("consent.json of the author's approval = %v", c)
			}
			if c := consent(byEditor); len(c) != 1 || c[0]["language"] != "en" || c[0]["approved_by"] != "editor" ||
				c[0]["editor_id"] != editor.ID || c[0]["editor"] != "Elena Editora" || c[0]["reason"] != reason {
				t.Errorf("consent.json of the editor's approval = %v", c)
			}
			if c := consent(awaiting); len(c) != 0 {
				t.Errorf("consent.json of an unapproved translation = %v", c)
			}

			// Withdrawn after the export: the archive with its translations is revoked.
			if code, res := b.postJSON("/api/v1/status/withdraw", map[string]string{"receipt": receipt}); code != http.StatusOK {
				t.Fatalf("withdraw: %d %v", code, res)
			}
			if code, _ := b.fetch(link, staff); code != http.StatusGone {
				t.Errorf("download after withdrawal: %d, want 410", code)
			}
			if _, st := b.call(http.MethodGet, "/api/v1/exports/"+exp, staff, ""); st["status"] != "revoked" {
				t.Errorf("export after withdrawal = %v, want revoked", st)
			}
		})
	}
}
