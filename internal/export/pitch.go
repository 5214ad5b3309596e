package export

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"time"

	"github.com/storydesk/storydesk/internal/render"
	"github.com/storydesk/storydesk/internal/sanitize"
	"github.com/storydesk/storydesk/internal/store"
)

// Pitch is what goes to an outlet for one pitch: the piece (with its
// attachments and consent) and the text the pitch sends, which the caller
// has checked may go out (desk.Sendable).
type Pitch struct {
	Piece       store.Submission
	PublishedAt time.Time // zero when not published here
	PitchID     string
	Outlet      string
	Language    string // the outlet's: the text's language
	Source      string // where the text comes from: shorter, translation or original
	Title       string
	BodyHTML    string // sanitized, as stored
	Words       int    // of the body, without the bio
	WordLimit   int    // 0: none
}

// pitchInfo is pitch.json: what the desk sends and why.
type pitchInfo struct {
	PitchID    string `json:"pitch_id"`
	PieceID    string `json:"piece_id"`
	Outlet     string `json:"outlet"`
	Language   string `json:"language"`
	Source     string `json:"source"`
	WordCount  int    `json:"word_count"`
	WordLimit  int    `json:"word_limit"`
	Byline     string `json:"byline"`
	BylineKind string `json:"byline_kind"`
	Bio        string `json:"bio"`
	Photos     int    `json:"photos"`
}

// WritePitch writes the pitch package of p to w, in the export's format:
// manifest.csv, manifest.json and one piece folder (piece.md, piece.html,
// piece.docx, consent.json, attachments/ as Writer.Write makes them) to
// which it adds piece.txt and pitch.json. The text is the pitch's, in the
// outlet's language, with the byline the consent allows and the short bio
// (render.Bio) as its last paragraph; photos only with consent_photos.
func (x *Writer) WritePitch(ctx context.Context, w io.Writer, p Pitch) error {
	m, err := newManifests(x.tmpDir)
	if err != nil {
		return err
	}
	defer m.remove()
	zw, err := newZipWriter(w, x.tmpDir)
	if err != nil {
		return err
	}
	defer zw.Discard()
	sub := p.Piece
	by := render.BylineOf(sub.ConsentPublish, sub.AuthorName, sub.Pseudonym)
	bio := render.Bio(by.Kind, sub.AuthorRole, sub.Site, p.Language)
	sub.Title, sub.Language, sub.WordCount = p.Title, p.Language, p.Words
	if by.Kind != render.BylineName {
		// What goes to an outlet names the site only beside the author's
		// own name, as the bio does (render.Bio).
		sub.Site = ""
	}
	sub.BodyHTML = p.BodyHTML + "\n<p><em>" + html.EscapeString(bio) + "</em></p>"
	row, err := x.piece(ctx, zw, store.ExportPiece{Submission: sub, PublishedAt: p.PublishedAt})
	if err != nil {
		return err
	}
	// piece.txt from the same text; the photos are only counted, for
	// their credit lines.
	rp := render.Piece{ID: sub.ID, Kind: sub.Kind, Title: sub.Title, BodyHTML: sub.BodyHTML, BodyText: sanitize.Text(sub.BodyHTML),
		Language: sub.Language, Byline: by, PublishedAt: p.PublishedAt, Images: make([]render.Image, len(row.Attachments))}
	fw, err := create(zw, row.Folder+"piece.txt", sub.UpdatedAt, zipDeflate)
	if err != nil {
		return err
	}
	if err := render.Text(fw, rp); err != nil {
		return fmt.Errorf("export: %spiece.txt: %w", row.Folder, err)
	}
	if fw, err = create(zw, row.Folder+"pitch.json", sub.UpdatedAt, zipDeflate); err != nil {
		return err
	}
	enc := json.NewEncoder(fw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(pitchInfo{PitchID: p.PitchID, PieceID: sub.ID, Outlet: p.Outlet, Language: p.Language,
		Source: p.Source, WordCount: p.Words, WordLimit: p.WordLimit, Byline: by.Text(p.Language), BylineKind: by.Kind,
		Bio: bio, Photos: len(row.Attachments)}); err != nil {
		return fmt.Errorf("export: %spitch.json: %w", row.Folder, err)
	}
	if err := m.add(row); err != nil {
		return err
	}
	if err := m.writeTo(zw, time.Now()); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("export: close pitch archive: %w", err)
	}
	return nil
}
