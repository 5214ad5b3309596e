package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/storydesk/storydesk/internal/render"
	"github.com/storydesk/storydesk/internal/store"
	"github.com/storydesk/storydesk/internal/testenv"
)

var approvedAt = time.Date(2026, 11, 2, 9, 30, 0, 0, time.FixedZone("CST", -6*3600))

func approvedTranslation(lang, by, reason string) store.ExportTranslation {
	return store.ExportTranslation{Translation: store.Translation{SubmissionID: "p1", Language: lang, Status: store.TranslationApproved,
		ApprovedBy: by, ApprovalReason: reason, ApprovedAt: approvedAt, Title: "Nuestra calle", BodyHTML: "<p>Llegamos en <strong>2015</strong>.</p>"},
		Editor: map[bool]string{true: "", false: "Ed Itor"}[by == store.ApprovedByAuthor]}
}

// TestApprovalOf: the record says who approved each translation: "author"
// (through the receipt code, never named) or an editor, by id and name,
// with the reason they wrote; the manifests say only author or editor.
func TestApprovalOf(t *testing.T) {
	files := []string{"piece.es.md", "piece.es.html", "piece.es.docx"}
	for _, c := range []struct {
		name           string
		in             store.ExportTranslation
		want, manifest Approval
	}{
		{"author", approvedTranslation("es", store.ApprovedByAuthor, ""),
			Approval{Language: "es", Files: files, ApprovedBy: "author", ApprovedAt: "2026-11-02T15:30:00Z"},
			Approval{Language: "es", Files: files, ApprovedBy: "author", ApprovedAt: "2026-11-02T15:30:00Z"}},
		{"editor", approvedTranslation("es", "u-42", "The author is unreachable; her lawyer confirmed by phone."),
			Approval{Language: "es", Files: files, ApprovedBy: "editor", ApprovedAt: "2026-11-02T15:30:00Z",
				EditorID: "u-42", Editor: "Ed Itor", Reason: "The author is unreachable; her lawyer confirmed by phone."},
			Approval{Language: "es", Files: files, ApprovedBy: "editor", ApprovedAt: "2026-11-02T15:30:00Z"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := approvalOf(c.in)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("approvalOf (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.manifest, manifestApproval(got)); diff != "" {
				t.Errorf("manifestApproval (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTranslationPiece: a translation keeps the original's byline (the
// consent's), photos and date, and takes its own title, text and language,
// so its byline and credits read in that language.
func TestTranslationPiece(t *testing.T) {
	orig := render.Piece{ID: "p1", Kind: "story", Title: "Our street", BodyHTML: "<p>We came.</p>", BodyText: "We came.", Language: "en",
		Byline: render.Byline{Kind: render.BylinePseudonym, Name: "El Gallo"}, Images: []render.Image{{Path: "attachments/photo-1.jpg"}},
		PublishedAt: approvedAt}
	got := translationPiece(orig, approvedTranslation("es", store.ApprovedByAuthor, ""))
	want := orig
	want.Title, want.BodyHTML, want.BodyText, want.Language = "Nuestra calle", "<p>Llegamos en <strong>2015</strong>.</p>", "Llegamos en 2015.", "es"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("translationPiece (-want +got):\n%s", diff)
	}
	if got.ByLine() != "Por El Gallo" || got.Credit(0) != "Foto 1: cortesía de El Gallo" {
		t.Errorf("byline %q, credit %q", got.ByLine(), got.Credit(0))
	}
	if orig.Title != "Our street" || orig.Language != "en" {
		t.Errorf("the original changed: %+v", orig)
	}
}

// TestCheckLanguage: only a plain language tag becomes part of a file name
// in the archive.
func TestCheckLanguage(t *testing.T) {
	for _, ok := range []string{"es", "en", "pt-BR"} {
		if err := checkLanguage(ok); err != nil {
			t.Errorf("checkLanguage(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "../es", "es/x", "es.md", "es ", strings.Repeat("a", 17)} {
		if checkLanguage(bad) == nil {
			t.Errorf("checkLanguage(%q) accepted it", bad)
		}
	}
}

// TestManifestsListLanguages: manifest.csv has a languages column (the
// original's first; neutralised like every cell), manifest.json the
// languages and each translation's files and approval, without the
// editor's identity or reason, and consent.json who approved and why.
func TestManifestsListLanguages(t *testing.T) {
	author, editor := approvalOf(approvedTranslation("es", store.ApprovedByAuthor, "")), approvalOf(approvedTranslation("en", "u-42", "Unreachable."))
	rows := []Row{
		{ID: "p1", Language: "en", Languages: languages("en", []Approval{author}), Translations: []Approval{manifestApproval(author)}},
		{ID: "p2", Language: "es", Languages: languages("es", []Approval{editor}), Translations: []Approval{manifestApproval(editor)}},
		{ID: "p3", Language: "-es", Languages: languages("-es", nil), Translations: []Approval{}},
	}
	m, err := newManifests(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer m.remove()
	for _, r := range rows {
		if err := m.add(r); err != nil {
			t.Fatal(err)
		}
	}
	var archive bytes.Buffer
	zw, err := newZipWriter(&archive, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := m.writeTo(zw, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	files := testenv.DOCXParts(t, archive.Bytes())

	recs, err := csv.NewReader(bytes.NewReader(files["manifest.csv"])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := len(recs[0]) - 1
	if recs[0][col] != "languages" {
		t.Fatalf("last column %q, want languages", recs[0][col])
	}
	if got := []string{recs[1][col], recs[2][col], recs[3][col]}; !cmp.Equal(got, []string{"en;es", "es;en", "'-es"}) {
		t.Errorf("languages column = %q", got)
	}

	var manifest []map[string]any
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil {
		t.Fatal(err)
	}
	wantTranslations := []any{map[string]any{"language": "en", "files": []any{"piece.en.md", "piece.en.html", "piece.en.docx"},
		"approved_by": "editor", "approved_at": "2026-11-02T15:30:00Z"}}
	if diff := cmp.Diff(wantTranslations, manifest[1]["translations"]); diff != "" {
		t.Errorf("manifest.json translations (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{"es", "en"}, manifest[1]["languages"]); diff != "" {
		t.Errorf("manifest.json languages (-want +got):\n%s", diff)
	}
	if got := manifest[2]["translations"]; !cmp.Equal(got, []any{}) {
		t.Errorf("a piece without translations: %v, want []", got)
	}

	var consent bytes.Buffer
	if err := consentJSON(&consent, render.Piece{ID: "p2", Language: "es"}, "anonymous", false, editor, author); err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(consent.Bytes(), &c); err != nil {
		t.Fatal(err)
	}
	want := []any{
		map[string]any{"language": "en", "files": []any{"piece.en.md", "piece.en.html", "piece.en.docx"}, "approved_by": "editor",
			"approved_at": "2026-11-02T15:30:00Z", "editor_id": "u-42", "editor": "Ed Itor", "reason": "Unreachable."},
		map[string]any{"language": "es", "files": []any{"piece.es.md", "piece.es.html", "piece.es.docx"}, "approved_by": "author",
			"approved_at": "2026-11-02T15:30:00Z"},
	}
	if diff := cmp.Diff(want, c["translations"]); diff != "" {
		t.Errorf("consent.json translations (-want +got):\n%s", diff)
	}
	consent.Reset()
	if err := consentJSON(&consent, render.Piece{ID: "p3", Language: "en"}, "name", true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(consent.String(), `"translations": []`) {
		t.Errorf("consent.json without translations:\n%s", consent.String())
	}
}
