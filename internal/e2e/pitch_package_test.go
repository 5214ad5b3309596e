package e2e_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/storydesk/storydesk/internal/testenv"
)

// longBody is a piece of 24 words, over the 12-word limit of the tests'
// outlet.
const longBody = "We came in 2015 and built a life here with our two children.\n\nThey go to school in Austin and love their teachers dearly."

// pitchFixture is a piece pitched to an English outlet with a 12-word
// limit: the outlet's id and the pitch's.
type pitchFixture struct {
	piece, receipt, outlet, pitch string
	staff                         string // a staff token
}

func (b *bundle) pitchFixture(fields map[string]string, files ...file) pitchFixture {
	b.t.Helper()
	code, res := b.submit(fields, files...)
	if code != http.StatusCreated {
		b.t.Fatalf("submit: %d %v", code, res)
	}
	f := pitchFixture{piece: res["id"].(string), receipt: res["receipt"].(string)}
	b.move(f.piece, "received", "approved")
	f.staff = b.editorToken(fmt.Sprintf("staff-%s@example.org", f.piece), "staff", "")
	f.outlet = b.outlet(f.staff, map[string]any{"name": "The Tribune " + f.piece[:6], "language": "en", "word_limit": 12})
	code, p := b.deskCall(http.MethodPost, "/api/v1/submissions/"+f.piece+"/pitches", b.token, map[string]any{"outlet_id": f.outlet})
	if code != http.StatusCreated {
		b.t.Fatalf("pitch: %d %v", code, p)
	}
	f.pitch = p["id"].(string)
	return f
}

// pitchText is PUT /api/v1/pitches/{id}/text as token.
func (b *bundle) pitchText(token, id, title, body string) (int, map[string]any) {
	b.t.Helper()
	return b.deskCall(http.MethodPut, "/api/v1/pitches/"+id+"/text", token, map[string]any{"title": title, "body": body})
}

// TestPitchText: the editor's shorter version of a piece for one pitch is
// a named revision ("for <outlet>") in the pitch's language, sanitized and
// bounded like an edit, counted against the outlet's limit; the piece's
// own text and revisions do not change. Translators cannot write it and
// other sites do not see it.
func TestPitchText(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{db: db})
			f := b.pitchFixture(fieldsWith("title", "Our family", "body", longBody, "site", "Austin"))
			code, p := b.get("/api/v1/pitches/" + f.pitch)
			text, _ := p["text"].(map[string]any)
			if code != http.StatusOK || text["source"] != "original" || text["word_count"] != 24.0 || text["over_limit_by"] != 12.0 || p["over_limit_by"] != 12.0 {
				t.Fatalf("GET pitch: %d %v", code, p)
			}
			if pkg, _ := p["package"].(map[string]any); pkg["ready"] != false || !strings.Contains(fmt.Sprint(pkg["refusal"]), "12 over") {
				t.Errorf("package of a text over the limit: %v, want not ready, saying by how much", pkg)
			}

			translator := b.editorToken("translator@example.org", "translator", "")
			if code, res := b.pitchText(translator, f.pitch, "Short", "Short."); code != http.StatusForbidden {
				t.Errorf("translator writes the shorter version: %d %v, want 403", code, res)
			}
			dallas := b.editorToken("dallas@example.org", "editor", "Dallas")
			if code, res := b.pitchText(dallas, f.pitch, "Short", "Short."); code != http.StatusNotFound {
				t.Errorf("another site's editor writes it: %d %v, want 404", code, res)
			}
			if code, res := b.call(http.MethodGet, "/api/v1/pitches/"+f.pitch, dallas, ""); code != http.StatusNotFound {
				t.Errorf("another site's editor reads the pitch: %d %v, want 404", code, res)
			}
			for _, tt := range []struct{ field, title, body string }{
				{"body", "Short", "   "},
				{"title", "", "Short."},
				{"title", strings.Repeat("t", 201), "Short."},
				{"body", "Short", strings.Repeat("word ", 14000)},
			} {
				code, res := b.pitchText(b.token, f.pitch, tt.title, tt.body)
				if code != http.StatusBadRequest || fieldOf(res, tt.field) == "" {
					t.Errorf("PUT title %.20q body %.20q: %d %v, want 400 naming %s", tt.title, tt.body, code, res, tt.field)
				}
			}
			if _, rec := b.get("/api/v1/submissions/" + f.piece); len(rec["named_revisions"].([]any)) != 0 {
				t.Fatalf("refused versions were stored: %v", rec["named_revisions"])
			}

			short := "We built a life here. <b onclick=\"steal()\">Our</b> children love school. <script>x</script>"
			code, res := b.pitchText(b.token, f.pitch, "Our family, short", short)
			text, _ = res["text"].(map[string]any)
			rev, _ := text["revision"].(map[string]any)
			if code != http.StatusOK || res["changed"] != true || text["source"] != "shorter" || rev["name"] != "for The Tribune "+f.piece[:6] || rev["language"] != "en" {
				t.Fatalf("PUT the shorter version: %d %v", code, res)
			}
			if html := fmt.Sprint(text["body_html"]); strings.Contains(html, "<script") || strings.Contains(html, "onclick") {
				t.Errorf("the shorter version was not sanitized: %s", html)
			}
			if text["word_count"] != 10.0 || text["over_limit_by"] != 0.0 || res["word_count"] != 10.0 || res["over_limit_by"] != 0.0 {
				t.Errorf("shorter version: word_count %v over_limit_by %v (pitch %v %v), want 10 and 0",
					text["word_count"], text["over_limit_by"], res["word_count"], res["over_limit_by"])
			}
			if pkg, _ := res["package"].(map[string]any); pkg["ready"] != true {
				t.Errorf("package within the limit: %v, want ready", pkg)
			}
			if code, again := b.pitchText(b.token, f.pitch, "Our family, short", short); code != http.StatusOK || again["changed"] != false {
				t.Errorf("the same text again: %d %v, want unchanged", code, again)
			}

			_, rec := b.get("/api/v1/submissions/" + f.piece)
			if rec["title"] != "Our family" || !strings.Contains(fmt.Sprint(rec["body"]), "dearly") || len(rec["revisions"].([]any)) != 1 {
				t.Errorf("the piece's own text changed: %v %v, %d revisions", rec["title"], rec["body"], len(rec["revisions"].([]any)))
			}
			named := rec["named_revisions"].([]any)
			if len(named) != 1 || named[0].(map[string]any)["name"] != rev["name"] || named[0].(map[string]any)["pitch_id"] != f.pitch {
				t.Errorf("named_revisions = %v, want the one version for the outlet", named)
			}

			// After the author withdraws, no version is written.
			if code, res := b.postJSON("/api/v1/status/withdraw", map[string]string{"receipt": f.receipt}); code != http.StatusOK {
				t.Fatalf("withdraw: %d %v", code, res)
			}
			if code, res := b.pitchText(b.token, f.pitch, "Again", "Another text."); code != http.StatusConflict {
				t.Errorf("a version after the withdrawal: %d %v, want 409", code, res)
			}
		})
	}
}

// TestPitchPackage: the package is the export's archive for one piece in
// the outlet's language, within its limit (409 naming the body until a
// shorter version exists), with the consented byline, a bio, and photos
// only with consent and without their metadata; a Spanish outlet gets the
// approved translation (409 until there is one); withdrawn and internal
// pieces are never packaged.
func TestPitchPackage(t *testing.T) {
	t.Parallel()
	for _, db := range dbs() {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			testPitchPackage(t, db)
		})
	}
}

func testPitchPackage(t *testing.T, db string) {
	b := setup(t, options{db: db})
	photo := file{"maria_lopez.jpg", "image/jpeg", testenv.JPEGWithGPS(t)}
	f := b.pitchFixture(fieldsWith("title", "Our family", "body", longBody, "author_role", "volunteer"), photo)
	pkgURL := "/api/v1/pitches/" + f.pitch + "/package"

	code, res := b.call(http.MethodGet, pkgURL, b.token, "")
	if code != http.StatusConflict || fieldOf(res, "body") == "" || !strings.Contains(fmt.Sprint(res["error"]), "12 over the limit of 12") {
		t.Errorf("package over the limit: %d %v, want 409 naming body and the words over", code, res)
	}
	translator := b.editorToken("translator@example.org", "translator", "")
	if code, _ := b.fetch(pkgURL, translator); code != http.StatusForbidden {
		t.Errorf("translator downloads the package: %d, want 403", code)
	}
	short := "We built a life here.\n\nOur children love **their** school."
	if code, res := b.pitchText(b.token, f.pitch, "Our family, short", short); code != http.StatusOK {
		t.Fatalf("shorter version: %d %v", code, res)
	}
	_, hdr, body := b.raw(http.MethodGet, pkgURL, "", map[string]string{"Authorization": "Bearer " + b.token})
	if hdr.Get("Content-Type") != "application/zip" || !strings.HasPrefix(hdr.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("package: %s %s\n%.300s", hdr.Get("Content-Type"), hdr.Get("Content-Disposition"), body)
	}
	files := testenv.DOCXParts(t, []byte(body))
	dir := f.piece + "/"
	for _, name := range []string{"manifest.csv", "manifest.json", dir + "piece.md", dir + "piece.html", dir + "piece.docx",
		dir + "piece.txt", dir + "consent.json", dir + "pitch.json", dir + "attachments/photo-1.jpg"} {
		if _, ok := files[name]; !ok {
			t.Errorf("package lacks %s; it holds %v", name, slices.Sorted(maps.Keys(files)))
		}
	}
	if testenv.HasEXIF(files[dir+"attachments/photo-1.jpg"]) {
		t.Error("the packaged photo keeps its EXIF metadata")
	}
	txt := string(files[dir+"piece.txt"])
	for _, want := range []string{"Our family, short", "By M.", "Our children love their school.", "The author volunteers with the network."} {
		if !strings.Contains(txt, want) {
			t.Errorf("piece.txt lacks %q:\n%s", want, txt)
		}
	}
	if strings.Contains(txt, "dearly") {
		t.Errorf("piece.txt holds the long text:\n%s", txt)
	}
	var info map[string]any
	if err := json.Unmarshal(files[dir+"pitch.json"], &info); err != nil || info["source"] != "shorter" || info["word_count"].(float64) > 12 || info["word_limit"] != 12.0 || info["photos"] != 1.0 {
		t.Errorf("pitch.json = %v (%v)", info, err)
	}
	for name, content := range files {
		for _, real := range []string{"Maria Lopez", "maria_lopez", "Austin"} {
			if strings.Contains(string(content), real) {
				t.Errorf("%s holds %q, which the pseudonymous consent keeps out", name, real)
			}
		}
	}
	rows, err := csv.NewReader(strings.NewReader(string(files["manifest.csv"]))).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][0] != f.piece || rows[1][3] != "M." {
		t.Errorf("manifest.csv = %v (%v)", rows, err)
	}
	if docx := docxBytesText(t, files[dir+"piece.docx"]); !strings.Contains(docx, "Our children love their school.") || strings.Contains(docx, "dearly") {
		t.Errorf("LibreOffice reads the package's DOCX as %q", docx)
	}

	// No photo without consent_photos, and a named author's bio names the site.
	g := b.pitchFixture(fieldsWith("title", "Short one", "body", "We came in 2015.", "consent_photos", "false",
		"consent_publish", "name", "author_name", "Rosa Named", "author_role", "faith_leader", "site", "El Paso"), photo)
	files = b.pitchPackage(g.pitch)
	for name := range files {
		if strings.Contains(name, "attachments/") {
			t.Errorf("package without photo consent holds %s", name)
		}
	}
	if txt := string(files[g.piece+"/piece.txt"]); !strings.Contains(txt, "By Rosa Named") || !strings.Contains(txt, "faith leader who works with the network (El Paso).") {
		t.Errorf("named piece.txt:\n%s", txt)
	}

	// A Spanish outlet: refused until the translation is approved, then it.
	diario := b.outlet(f.staff, map[string]any{"name": "El Diario", "language": "es"})
	code, p := b.deskCall(http.MethodPost, "/api/v1/submissions/"+g.piece+"/pitches", b.token, map[string]any{"outlet_id": diario})
	if code != http.StatusCreated {
		t.Fatalf("pitch to El Diario: %d %v", code, p)
	}
	esURL := "/api/v1/pitches/" + p["id"].(string) + "/package"
	if code, res := b.call(http.MethodGet, esURL, b.token, ""); code != http.StatusConflict || !strings.Contains(fmt.Sprint(res["error"]), "no approved text in es") {
		t.Errorf("package in Spanish without a translation: %d %v, want 409", code, res)
	}
	base := "/api/v1/submissions/" + g.piece + "/translations"
	if code, res := b.call(http.MethodPost, base, b.token, `{"language":"es","title":"Una corta","body":"Llegamos en 2015."}`); code != http.StatusCreated {
		t.Fatalf("translation: %d %v", code, res)
	}
	if code, res := b.call(http.MethodGet, esURL, b.token, ""); code != http.StatusConflict {
		t.Errorf("package with a draft translation: %d %v, want 409", code, res)
	}
	if code, res := b.call(http.MethodPost, base+"/es/approve", b.token, `{"reason":"The author agreed by phone."}`); code != http.StatusOK {
		t.Fatalf("approve: %d %v", code, res)
	}
	files = b.pitchPackage(p["id"].(string))
	if txt := string(files[g.piece+"/piece.txt"]); !strings.Contains(txt, "Una corta") || !strings.Contains(txt, "Llegamos en 2015.") ||
		!strings.Contains(txt, "Por Rosa Named") || !strings.Contains(txt, "La persona autora") || strings.Contains(txt, "We came") {
		t.Errorf("Spanish piece.txt:\n%s", txt)
	}

	// Internal-only consent and withdrawn consent: never packaged.
	b.execOne(`UPDATE submissions SET consent_publish = 'internal' WHERE id = $1`, g.piece)
	if code, res := b.call(http.MethodGet, esURL, b.token, ""); code != http.StatusConflict || !strings.Contains(fmt.Sprint(res["error"]), "internal") {
		t.Errorf("package of an internal piece: %d %v, want 409", code, res)
	}
	if code, res := b.postJSON("/api/v1/status/withdraw", map[string]string{"receipt": f.receipt}); code != http.StatusOK {
		t.Fatalf("withdraw: %d %v", code, res)
	}
	if code, res := b.call(http.MethodGet, pkgURL, b.token, ""); code != http.StatusConflict || !strings.Contains(fmt.Sprint(res["error"]), "withdrew") {
		t.Errorf("package of a withdrawn piece: %d %v, want 409", code, res)
	}
}

// pitchPackage downloads pitch id's package as the editor and unzips it.
func (b *bundle) pitchPackage(id string) map[string][]byte {
	b.t.Helper()
	code, data := b.fetch("/api/v1/pitches/"+id+"/package", b.token)
	if code != http.StatusOK {
		b.t.Fatalf("package of %s: %d %s", id, code, data)
	}
	return testenv.DOCXParts(b.t, data)
}
