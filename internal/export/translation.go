package export

import (
	"fmt"
	"io"
	"time"

	"github.com/storydesk/storydesk/internal/render"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
)

// Who approved a translation, as the manifests and consent.json say it.
const (
	ApprovedByAuthor = "author" // through the receipt code
	ApprovedByEditor = "editor" // in the author's stead, with a written reason
)

// Approval is one approved translation of a piece as the archive records
// it. The manifests carry its language, files, who approved (author or
// editor) and when; consent.json adds, for an editor's approval, which
// editor and the reason they wrote. The author is never named: "author"
// says the approval came through the receipt code.
type Approval struct {
	Language   string   `json:"language"`
	Files      []string `json:"files"`
	ApprovedBy string   `json:"approved_by"`
	ApprovedAt string   `json:"approved_at"`
	EditorID   string   `json:"editor_id,omitempty"`
	Editor     string   `json:"editor,omitempty"`
	Reason     string   `json:"reason,omitempty"`
}

// formats are a piece's files in each of its languages: piece.md,
// piece.html and piece.docx for the original, piece.{lang}.md, … for each
// approved translation.
var formats = []struct {
	ext string
	fn  func(io.Writer, render.Piece) error
}{{"md", render.Markdown}, {"html", render.HTML}, {"docx", render.DOCX}}

// pieceFile is the name of a piece's file in its folder: piece.md for the
// original (lang ""), piece.es.md for its translation into es.
func pieceFile(lang, ext string) string {
	if lang == "" {
		return "piece." + ext
	}
	return "piece." + lang + "." + ext
}

// checkLanguage refuses a language that would not make a plain file name:
// the desk only stores en and es, but a name from the database must never
// reach a path in an archive unchecked.
func checkLanguage(lang string) error {
	if lang == "" || len(lang) > 16 {
		return fmt.Errorf("export: translation language %q is not a language tag", lang)
	}
	for _, r := range lang {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return fmt.Errorf("export: translation language %q is not a language tag", lang)
		}
	}
	return nil
}

// translationPiece is the original's render.Piece in translation t: the
// same id, byline (the consent's), photos and date; t's title, text and
// language, so the byline and credits read "Por …" in Spanish.
func translationPiece(orig render.Piece, t store.ExportTranslation) render.Piece {
	p := orig
	p.Title, p.BodyHTML, p.BodyText, p.Language = t.Title, t.BodyHTML, sanitize.Text(t.BodyHTML), t.Language
	return p
}

// approvalOf is what the archive records of translation t's approval.
func approvalOf(t store.ExportTranslation) Approval {
	a := Approval{Language: t.Language, ApprovedBy: ApprovedByAuthor}
	for _, f := range formats {
		a.Files = append(a.Files, pieceFile(t.Language, f.ext))
	}
	if !t.ApprovedAt.IsZero() {
		a.ApprovedAt = t.ApprovedAt.UTC().Format(time.RFC3339)
	}
	if t.ApprovedBy != store.ApprovedByAuthor {
		a.ApprovedBy, a.EditorID, a.Editor, a.Reason = ApprovedByEditor, t.ApprovedBy, t.Editor, t.ApprovalReason
	}
	return a
}

// manifestApproval is a for the manifests: who approved (author or
// editor) and when, without the editor and the reason, which consent.json
// holds.
func manifestApproval(a Approval) Approval {
	a.EditorID, a.Editor, a.Reason = "", "", ""
	return a
}

// languages lists a piece's languages for the manifests: the original's
// first, then each approved translation's.
func languages(original string, approvals []Approval) []string {
	out := []string{original}
	for _, a := range approvals {
		out = append(out, a.Language)
	}
	return out
}
