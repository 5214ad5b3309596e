package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/desk"
	"github.com/storydesk/storydesk/internal/finding"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
)

// The translation editor (issue 14): a piece's current text beside its
// translation into another language, paragraph by paragraph, with the
// translation's findings marked, its revisions and their diffs, and the
// forms that save it, send it to the author or approve it in the author's
// stead. The rules are desk.Service's; this file only shows them.

// translationView is what desk_translation.html shows.
type translationView struct {
	ID, PieceTitle      string
	Original, Language  string // the piece's language and the translation's
	Exists              bool   // false until the first save
	Status              string
	Title, Body         string // the translation's current title and source text
	OriginalTitle       string
	Rows                []alignedRow
	Findings            []findingView
	Checked             bool // the findings job has checked the current revision
	Revisions           []revisionView
	ApprovedBy          string // "author", an editor's name, or ""
	ApprovalReason      string
	Editor              bool // may approve in the author's stead
	CanSend, CanApprove bool
	Withdrawn           bool
}

// alignedRow is one paragraph of the original beside the translation's
// paragraph of the same rank; either may be missing when they differ in
// number.
type alignedRow struct {
	Original, Translation []segment
}

// translationRow is one line of the piece page's Translations section.
type translationRow struct {
	Language, Status, ApprovedBy, URL string
}

// translationLang reads the translation's language from the URL: one of
// desk.Languages other than the piece's; anything else is not a page (404).
func translationLang(c *gin.Context, s store.Submission) (string, error) {
	lang := c.Param("lang")
	if !slices.Contains(desk.Languages, lang) || lang == s.Language {
		return "", store.ErrNotFound
	}
	return lang, nil
}

// loadTranslation fetches the piece named in the URL, as load does, and
// the language of its translation the URL names (translationLang).
func (h *deskSubmission) loadTranslation(c *gin.Context) (store.Submission, string, error) {
	s, err := h.load(c)
	if err != nil {
		return s, "", err
	}
	lang, err := translationLang(c, s)
	return s, lang, err
}

// translationURL is the translation editor of submission id into lang.
func translationURL(id, lang string) string {
	return pieceURL(id) + "/translations/" + url.PathEscape(lang)
}

// translationPage is GET /desk/s/{id}/translations/{lang}.
func (h *deskSubmission) translationPage(c *gin.Context) error {
	s, err := h.load(c)
	if err != nil {
		return err
	}
	return h.showTranslation(c, s, viewState{})
}

// showTranslation renders the translation editor of the piece s.
func (h *deskSubmission) showTranslation(c *gin.Context, s store.Submission, st viewState) error {
	lang, err := translationLang(c, s)
	if err != nil {
		return err
	}
	v, err := h.translationView(c, s, lang)
	if err != nil {
		return err
	}
	p := staffPage(c, h.render)
	p.Data, p.Errors, p.Values = v, st.errors, st.values
	if st.status == 0 {
		st.status = http.StatusOK
	}
	return renderPage(c, h.render, st.status, "desk_translation", p)
}

func (h *deskSubmission) translationView(c *gin.Context, s store.Submission, lang string) (*translationView, error) {
	ctx := c.Request.Context()
	u := currentUser(c)
	v := &translationView{ID: s.ID, PieceTitle: s.Title, OriginalTitle: s.Title, Original: s.Language, Language: lang,
		Editor: editorRoles.allows(u), Withdrawn: s.Status == store.StatusWithdrawn}
	revs, err := h.store.Revisions(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	origText := sanitize.Text(s.BodyHTML)
	origFound, _ := reviewFindings(s, revs, origText)
	origMarked, _ := markFindings(origText, origFound)
	var transMarked []segment
	t, err := h.store.Translation(ctx, s.ID, lang)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return nil, err
	default:
		v.Exists, v.Status, v.Title, v.Body = true, string(t.Status), t.Title, t.Body
		text := sanitize.Text(t.BodyHTML)
		found, checked := translationFindings(t, text)
		transMarked, v.Findings = markFindings(text, found)
		v.Checked = checked
		trevs, err := h.store.TranslationRevisions(ctx, s.ID, lang)
		if err != nil {
			return nil, err
		}
		for _, r := range trevs {
			v.Revisions = append(v.Revisions, revisionView{Number: r.Number, Author: r.AuthorName, At: r.CreatedAt})
		}
		v.ApprovalReason = t.ApprovalReason
		v.ApprovedBy = approverName(ctx, newPeople(h.store), t)
		v.CanSend = t.Status == store.TranslationDraft && !v.Withdrawn
		v.CanApprove = v.Editor && !v.Withdrawn &&
			(t.Status == store.TranslationDraft || t.Status == store.TranslationAwaitingAuthor)
	}
	v.Rows = sideBySide(paragraphs(origMarked), paragraphs(transMarked), func(o, t []segment) alignedRow {
		return alignedRow{Original: o, Translation: t}
	})
	return v, nil
}

// translationFindings returns the findings that point into text, the
// plain text of t's current revision: the job's stored ones when they
// describe that revision (checked), else the same scan run here, so a
// detail just typed is marked before the job has run.
func translationFindings(t store.Translation, text string) (found []finding.Finding, checked bool) {
	if t.FindingsRevision == t.Revisions && len(t.Findings) > 0 {
		if err := json.Unmarshal(t.Findings, &found); err == nil {
			return found, true
		}
	}
	return finding.Scan(text), false
}

// approverName is who approved t as the desk shows it: "author" for the
// author, the editor's name otherwise, "" before approval.
func approverName(ctx context.Context, names people, t store.Translation) string {
	switch t.ApprovedBy {
	case "", store.ApprovedByAuthor:
		return t.ApprovedBy
	}
	return names.name(ctx, t.ApprovedBy, "?")
}

// paragraphs cuts marked text into its paragraphs, at the blank lines
// sanitize.Text puts between blocks. A finding never spans a blank line
// (the scan reads within a block), so only plain segments are cut.
func paragraphs(segs []segment) [][]segment {
	var (
		out [][]segment
		cur []segment
	)
	flush := func() {
		if len(cur) > 0 {
			out = append(out, cur)
		}
		cur = nil
	}
	for _, sg := range segs {
		if sg.Kind != "" {
			cur = append(cur, sg)
			continue
		}
		parts := strings.Split(sg.Text, "\n\n")
		for i, part := range parts {
			if i > 0 {
				flush()
			}
			if part = strings.Trim(part, "\n"); part != "" {
				cur = append(cur, segment{Text: part})
			}
		}
	}
	flush()
	return out
}

// sideBySide sets two texts' paragraphs side by side by rank, as the
// translation editor and the author's review both show them; the shorter
// text leaves its side of the last rows empty.
func sideBySide[P, R any](orig, trans []P, row func(orig, trans P) R) []R {
	rows := make([]R, max(len(orig), len(trans)))
	for i := range rows {
		var o, t P
		if i < len(orig) {
			o = orig[i]
		}
		if i < len(trans) {
			t = trans[i]
		}
		rows[i] = row(o, t)
	}
	return rows
}

// translations fills in the piece page's Translations section: each
// translation with its status and approver, and the languages still to
// translate into.
func (h *deskSubmission) translations(ctx context.Context, s store.Submission, v *deskView) error {
	ts, err := h.store.Translations(ctx, s.ID)
	if err != nil {
		return err
	}
	names := newPeople(h.store)
	done := map[string]bool{s.Language: true}
	for _, t := range ts {
		done[t.Language] = true
		v.Translations = append(v.Translations, translationRow{Language: t.Language, Status: string(t.Status),
			ApprovedBy: approverName(ctx, names, t), URL: translationURL(s.ID, t.Language)})
	}
	if s.Status == store.StatusWithdrawn {
		return nil
	}
	for _, lang := range desk.Languages {
		if !done[lang] {
			v.TranslateInto = append(v.TranslateInto, translationRow{Language: lang, URL: translationURL(s.ID, lang)})
		}
	}
	return nil
}

// translationDiffPage is GET /desk/s/{id}/translations/{lang}/diff: two
// revisions of the translation compared, on the piece's diff page.
func (h *deskSubmission) translationDiffPage(c *gin.Context) error {
	s, lang, err := h.loadTranslation(c)
	if err != nil {
		return err
	}
	revs, err := h.store.TranslationRevisions(c.Request.Context(), s.ID, lang)
	if err != nil {
		return err
	}
	v, err := diffOf(c, s, revs, "sentence", translationURL(s.ID, lang))
	if err != nil {
		return err
	}
	p := staffPage(c, h.render)
	p.Data = v
	return renderPage(c, h.render, http.StatusOK, "desk_diff", p)
}
